package io.floe.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The API contract (openapi.yaml, which ControlPlaneIT keeps equal to what the control plane
 * serves) describes every field of every schema, so a client learns a field's meaning, its allowed
 * values and its default from the contract rather than from the code.
 */
class OpenApiDocumentTest {
  private static final Path CONTRACT = Path.of("..", "openapi.yaml");

  @Test
  void everyFieldOfEverySchemaIsDescribed() throws Exception {
    JsonNode schemas = contract().path("components").path("schemas");
    List<String> undescribed = new ArrayList<>();
    for (Map.Entry<String, JsonNode> schema : schemas.properties()) {
      for (Map.Entry<String, JsonNode> field : schema.getValue().path("properties").properties()) {
        JsonNode value = field.getValue();
        if (!value.has("$ref") && value.path("description").asString("").isBlank()) {
          undescribed.add(schema.getKey() + "." + field.getKey());
        }
      }
    }
    assertThat(schemas.size()).as("schemas in the contract").isGreaterThan(20);
    assertThat(undescribed).as("fields without a description").isEmpty();
  }

  @Test
  void everyProblemTypeIsAPageOfFloesOwn() throws Exception {
    JsonNode type =
        contract()
            .path("components")
            .path("schemas")
            .path("Problem")
            .path("properties")
            .path("type");
    List<String> types = new ArrayList<>();
    type.path("enum").forEach(t -> types.add(t.asString()));
    assertThat(types)
        .hasSize(ProblemType.values().length)
        .allSatisfy(t -> assertThat(t).startsWith("/problems/"));
  }

  private static JsonNode contract() throws Exception {
    return new YAMLMapper().readTree(Files.readString(CONTRACT));
  }
}
