package io.floe.control.runtime.managed;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.runtime.RuntimeProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/managed-flink-control-plane-policy.json, the policy the README tells operators to give the
 * control plane's role, grants what {@link IamPolicies#controlPlanePolicy()} says the Managed Flink
 * runtime needs, for the example settings of helm/floe/values-production.yaml.
 */
class ControlPlanePolicyDocumentTest {
  private static final Path DOCUMENT = Path.of("../docs/managed-flink-control-plane-policy.json");

  @Test
  void documentHoldsTheManagedFlinkStatementsOfTheCode() {
    JsonMapper json = JsonMapper.builder().build();
    RuntimeProperties.ManagedFlink production =
        new RuntimeProperties.ManagedFlink(
            "eu-west-1",
            null,
            null,
            "arn:aws:iam::123456789012:role/floe-loader",
            "example-floe-artifacts",
            10,
            32,
            1,
            false,
            "/floe/loaders",
            "floe-",
            Duration.ofSeconds(20),
            null);
    JsonNode expected = json.valueToTree(new IamPolicies(production).controlPlanePolicy());
    JsonNode document = json.readTree(DOCUMENT.toFile());

    assertThat(document.get("Version")).isEqualTo(expected.get("Version"));
    Map<String, JsonNode> documented = new HashMap<>();
    document.get("Statement").forEach(s -> documented.put(s.get("Sid").asString(), s));
    for (JsonNode statement : expected.get("Statement")) {
      String sid = statement.get("Sid").asString();
      assertThat(documented.get(sid)).as("statement %s of %s", sid, DOCUMENT).isEqualTo(statement);
    }
  }
}
