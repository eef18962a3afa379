package io.floe.control.runtime.managed;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.model.Artifact;
import io.floe.control.runtime.RuntimeProperties;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A pipeline's policy names exactly its resources (the documented control-plane policy is checked
 * by {@link ControlPlanePolicyDocumentTest}).
 */
class IamPoliciesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SHA = "cd".repeat(32);

  private static RuntimeProperties.ManagedFlink config(String bucket) {
    return new RuntimeProperties.ManagedFlink(
        "eu-west-1",
        null,
        null,
        "arn:aws:iam::123456789012:role/floe-loader",
        bucket,
        10,
        64,
        1,
        false,
        "/floe/loaders",
        "floe-",
        Duration.ofSeconds(20),
        null);
  }

  @Test
  void aPipelinesPolicyNamesExactlyItsArtifactTableSecretAndLogStream() {
    IamPolicies policies = new IamPolicies(config("floe-artifacts"));
    Artifact artifact =
        new Artifact(
            SHA,
            SHA.substring(0, 12),
            1,
            "floe-artifacts",
            Artifact.keyOf(SHA),
            Optional.of("v7"),
            "loader.jar",
            "upload",
            Instant.EPOCH);

    JsonNode policy =
        JSON.valueToTree(
            policies.pipelinePolicy(
                "orders",
                artifact,
                new IamPolicies.TableLocation(
                    "glue",
                    Optional.empty(),
                    "sales",
                    "orders",
                    List.of(URI.create("s3://lake/warehouse/sales.db/orders"))),
                Optional.of("floe/orders-kafka")));

    Map<String, List<String>> resources = new LinkedHashMap<>();
    for (JsonNode statement : policy.path("Statement")) {
      List<String> names = new ArrayList<>();
      statement.path("Resource").forEach(r -> names.add(r.asString()));
      resources.put(statement.path("Sid").asString(), names);
    }
    assertThat(resources)
        .containsEntry(
            "ReadLoaderArtifact", List.of("arn:aws:s3:::floe-artifacts/loader/" + SHA + ".jar"))
        .containsEntry(
            "ReadWriteTableFiles", List.of("arn:aws:s3:::lake/warehouse/sales.db/orders/*"))
        .containsEntry(
            "GlueTable",
            List.of(
                "arn:aws:glue:eu-west-1:123456789012:catalog",
                "arn:aws:glue:eu-west-1:123456789012:database/sales",
                "arn:aws:glue:eu-west-1:123456789012:table/sales/orders"))
        .containsEntry(
            "ReadKafkaCredentials",
            List.of(
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:floe/orders-kafka-??????"))
        .containsEntry(
            "WriteLogs",
            List.of(
                "arn:aws:logs:eu-west-1:123456789012:log-group:/floe/loaders:log-stream:floe-orders"));
    List<String> wildcards =
        resources.entrySet().stream()
            .filter(e -> e.getValue().stream().anyMatch(r -> r.equals("*")))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(wildcards)
        .as("only CloudWatch metrics, bound to its namespace")
        .containsExactly("PublishMetrics");
    assertThat(policy.toString())
        .doesNotContain("arn:aws:s3:::lake/*\"")
        .doesNotContain("table/sales/*");
  }
}
