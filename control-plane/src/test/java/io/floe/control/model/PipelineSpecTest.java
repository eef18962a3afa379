package io.floe.control.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.floe.control.pipeline.PipelineRequest;
import io.floe.control.pipeline.PipelineView;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The spec's defaults are applied once, when it is built, yet it reads and writes as the user gave
 * it: an absent section is all defaults in code and absent again in JSON.
 */
class PipelineSpecTest {
  /** As the store writes specs. */
  private static final JsonMapper STORE = JsonMapper.builder().build();

  /** As the API writes responses (spring.jackson.default-property-inclusion: non_null). */
  private static final JsonMapper API =
      JsonMapper.builder()
          .changeDefaultPropertyInclusion(
              inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
          .build();

  private static final String MINIMAL =
      """
      {"source": {"bootstrapServers": "kafka:9092", "topics": ["orders"]},
       "table": {"namespace": "shop", "name": "orders"}}
      """;

  @Test
  void absentSectionsAreDefaultsInCodeAndAbsentInJson() {
    PipelineSpec spec = STORE.readValue(MINIMAL, PipelineSpec.class);

    assertThat(spec.runtime().targetName()).isEmpty();
    assertThat(spec.runtime().parallelismOrDefault()).isEqualTo(1);
    assertThat(spec.runtime().artifactPin()).isEmpty();
    assertThat(spec.table().catalogOrDefault()).isEqualTo("default");
    assertThat(spec.table().schemaChangeMode()).isEqualTo(SchemaChanges.AUTO);
    assertThat(spec.badMessages().policy()).isNull();
    assertThat(spec.parsing().projections()).isNull();
    assertThat(spec.health().restartLoop()).isNull();
    assertThat(spec.maintenance().compaction()).isNull();

    JsonNode stored = STORE.readTree(STORE.writeValueAsString(spec));
    assertThat(stored.propertyNames()).containsExactlyInAnyOrder("source", "table");
    assertThat(STORE.readValue(stored.toString(), PipelineSpec.class)).isEqualTo(spec);
  }

  @Test
  void aSectionGivenEmptyIsShownAsGiven() {
    PipelineRequest request =
        API.readValue(
            MINIMAL.replace("\"table\"", "\"runtime\": {}, \"table\""), PipelineRequest.class);

    JsonNode view = API.readTree(API.writeValueAsString(view(request.spec())));

    assertThat(view.has("runtime")).isTrue();
    assertThat(view.get("runtime").isEmpty()).isTrue();
    assertThat(view.has("parsing")).isFalse();
    assertThat(view.has("badMessages")).isFalse();
    assertThat(view.has("health")).isFalse();
    assertThat(view.has("maintenance")).isFalse();
  }

  @Test
  void theViewShowsTheSpecAsGiven() {
    PipelineRequest request =
        API.readValue(
            MINIMAL.replace(
                "\"table\"",
                "\"runtime\": {\"target\": \"managed-flink\", \"parallelism\": 2},"
                    + " \"parsing\": {\"fieldNameCase\": \"lower\"}, \"table\""),
            PipelineRequest.class);

    JsonNode view = API.readTree(API.writeValueAsString(view(request.spec())));

    assertThat(view.get("runtime").toString())
        .isEqualTo("{\"target\":\"managed-flink\",\"parallelism\":2}");
    assertThat(view.get("parsing").toString()).isEqualTo("{\"fieldNameCase\":\"lower\"}");
    assertThat(view.get("table").has("schemaChanges")).isFalse();
  }

  @Test
  void schemaChangesNamesAModeInAnyCaseOrIsAProblem() {
    assertThat(table("manual").schemaChangeMode()).isEqualTo(SchemaChanges.MANUAL);
    assertThat(table("Manual").schemaChangeMode()).isEqualTo(SchemaChanges.MANUAL);
    assertThat(table("auto").schemaChangeMode()).isEqualTo(SchemaChanges.AUTO);
    assertThat(table("LIVE").schemaChangeMode()).isEqualTo(SchemaChanges.LIVE);
    assertThat(table(null).schemaChangeMode()).isEqualTo(SchemaChanges.AUTO);
    assertThat(table("manual").schemaChangesProblem()).isEmpty();
    assertThat(table(null).schemaChangesProblem()).isEmpty();

    assertThat(table("manuel").schemaChangesProblem())
        .contains(
            new FieldProblem("table.schemaChanges", "'manuel' is not one of auto, live, manual"));
  }

  @Test
  void aRescaleKeepsTheRestOfTheRuntime() {
    PipelineSpec spec =
        new PipelineSpec(
            null,
            null,
            null,
            null,
            new PipelineSpec.Runtime("flink-cluster", 1, 64, "5s", "abc"),
            null,
            null);

    PipelineSpec rescaled = spec.withRuntime(spec.runtime().withParallelism(4));

    assertThat(rescaled.runtime())
        .isEqualTo(new PipelineSpec.Runtime("flink-cluster", 4, 64, "5s", "abc"));
    assertThat(rescaled.withRuntime(spec.runtime())).isEqualTo(spec);
  }

  private static PipelineSpec.Table table(String schemaChanges) {
    return new PipelineSpec.Table(null, "shop", "orders", null, Map.of(), schemaChanges);
  }

  private static PipelineView view(PipelineSpec spec) {
    Instant now = Instant.parse("2026-03-01T10:00:00Z");
    Pipeline pipeline = new Pipeline("orders", spec, DesiredState.RUNNING, Map.of(), 1, now, now);
    return PipelineView.of(pipeline, PipelineStatus.pending("orders", now), Optional.empty());
  }
}
