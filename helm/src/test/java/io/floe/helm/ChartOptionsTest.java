package io.floe.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.helm.Chart.Rendered;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Single values and the rules between them, each rendered on its own. */
class ChartOptionsTest {
  @Test
  void refusesToRunWithoutPostgresqlUnlessTheEmbeddedDatabaseIsAskedFor() {
    assertThatThrownBy(() -> Chart.template(List.of(), Map.of("database.existingSecret", "")))
        .hasMessageContaining("database.existingSecret is required");

    Rendered embedded =
        Chart.template(List.of(), Map.of("database.existingSecret", "", "database.embedded", true));
    assertThat(embedded.env("SPRING_DATASOURCE_URL").isMissingNode()).isTrue();
    assertThat(embedded.env("SPRING_DATASOURCE_PASSWORD").isMissingNode()).isTrue();
    // The flag wins over a Secret name left in the values.
    Rendered both = Chart.template(List.of(), Map.of("database.embedded", true));
    assertThat(both.env("SPRING_DATASOURCE_URL").isMissingNode()).isTrue();
  }

  @Test
  void warnsAboutTheEmbeddedDatabase() throws IOException {
    Path values = Files.createTempFile("floe-embedded-", ".yaml");
    Files.writeString(values, "database:\n  embedded: true\n");
    assertThat(Chart.notes(values)).contains("WARNING: database.embedded is true");
  }

  @Test
  void refusesSeveralReplicasOnTheEmbeddedDatabase() {
    assertThatThrownBy(
            () -> Chart.template(List.of(), Map.of("replicaCount", 2, "database.embedded", true)))
        .hasMessageContaining("replicaCount > 1 needs a shared database");

    Rendered shared = Chart.template(List.of(), Map.of("replicaCount", 3));
    assertThat(shared.deployment().at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(shared.env("SPRING_DATASOURCE_URL").at("/valueFrom/secretKeyRef/name").asText())
        .isEqualTo("floe-db");
  }

  @Test
  void refusesATargetTheChartCannotConfigure() {
    assertThatThrownBy(() -> Chart.template(List.of(), Map.of("runtime.defaultTarget", "local")))
        .hasMessageContaining("runtime.defaultTarget must be flink-cluster or managed-flink");
    assertThatThrownBy(() -> Chart.template(List.of(), Map.of("runtime.flinkCluster.restUrl", "")))
        .hasMessageContaining(
            "runtime.defaultTarget is flink-cluster: set runtime.flinkCluster.restUrl");
    assertThatThrownBy(
            () -> Chart.template(List.of(), Map.of("runtime.defaultTarget", "managed-flink")))
        .hasMessageContaining("set runtime.managedFlink.region");
    assertThatThrownBy(
            () ->
                Chart.template(
                    List.of(),
                    Map.of(
                        "runtime.managedFlink.region", "eu-west-1",
                        "runtime.managedFlink.serviceRoleArn", "floe-loader",
                        "runtime.managedFlink.artifactBucket", "floe-artifacts")))
        .hasMessageContaining("runtime.managedFlink.serviceRoleArn must be an IAM role ARN");
    assertThatThrownBy(
            () ->
                Chart.template(
                    List.of(),
                    Map.of(
                        "runtime.managedFlink.region", "eu-west-1",
                        "runtime.managedFlink.serviceRoleArn", "arn:aws:iam::1:role/l",
                        "runtime.managedFlink.artifactBucket", "Not_A_Bucket")))
        .hasMessageContaining("runtime.managedFlink.artifactBucket must be an S3 bucket name");
  }

  @Test
  void rendersBothTargetsAndLetsConfigAddManagedFlinkKeys() {
    Rendered rendered =
        Chart.template(
            List.of(),
            Map.of(
                "runtime.defaultTarget", "managed-flink",
                "runtime.managedFlink.region", "us-east-1",
                "runtime.managedFlink.serviceRoleArn", "arn:aws:iam::111122223333:role/loader",
                "runtime.managedFlink.artifactBucket", "floe-artifacts",
                "config.floe.runtime.managed-flink.snapshots-to-keep", 20));
    JsonNode runtime = rendered.applicationConfig().at("/floe/runtime");
    assertThat(runtime.get("default-target").asText()).isEqualTo("managed-flink");
    assertThat(runtime.at("/flink-cluster/rest-url").asText())
        .isEqualTo("http://flink-session-rest:8081");
    JsonNode managed = runtime.get("managed-flink");
    assertThat(managed.get("region").asText()).isEqualTo("us-east-1");
    assertThat(managed.get("service-role-arn").asText())
        .isEqualTo("arn:aws:iam::111122223333:role/loader");
    assertThat(managed.get("artifact-bucket").asText()).isEqualTo("floe-artifacts");
    assertThat(managed.get("kpu-limit").asInt()).isEqualTo(64);
    assertThat(managed.has("log-group")).isFalse();
    assertThat(managed.get("snapshots-to-keep").asInt()).isEqualTo(20);
  }

  @Test
  void refusesTheSamePortForApiAndManagement() {
    assertThatThrownBy(() -> Chart.template(List.of(), Map.of("ports.management", 8080)))
        .hasMessageContaining("ports.http and ports.management must differ");
  }

  @Test
  void rendersTheServiceMonitorAndTheIngressOnlyWhenEnabled() {
    Rendered monitor = Chart.template(List.of(), Map.of("serviceMonitor.enabled", true));
    assertThat(monitor.kinds()).contains("ServiceMonitor").doesNotContain("Ingress");
    // Without a token Secret the endpoint has no authorization section.
    assertThat(monitor.one("ServiceMonitor").at("/spec/endpoints/0/authorization").isMissingNode())
        .isTrue();

    Rendered ingress = Chart.template(List.of(), Map.of("ingress.enabled", true));
    assertThat(ingress.kinds()).contains("Ingress").doesNotContain("ServiceMonitor");
    assertThat(ingress.one("Ingress").at("/spec/tls").isMissingNode()).isTrue();
  }

  @Test
  void mergesConfigOverTheRenderedSettings() {
    Rendered rendered =
        Chart.template(
            List.of(),
            Map.of(
                "logFormat", "logstash",
                "config.floe.reconcile.threads", 8,
                "config.logging.structured.format.file", "ecs"));
    JsonNode config = rendered.applicationConfig();
    assertThat(config.at("/floe/reconcile/threads").asInt()).isEqualTo(8);
    assertThat(config.at("/logging/structured/format/console").asText()).isEqualTo("logstash");
    assertThat(config.at("/logging/structured/format/file").asText()).isEqualTo("ecs");
  }

  @Test
  void rollsThePodsWhenSettingsChange() {
    String before = checksum(Chart.template(), "checksum/config");
    String after =
        checksum(
            Chart.template(List.of(), Map.of("config.floe.health.interval", "30s")),
            "checksum/config");
    assertThat(after).isNotEqualTo(before);

    String secretBefore = checksum(Chart.template(), "checksum/secret");
    String secretAfter =
        checksum(
            Chart.template(List.of(), Map.of("secretConfig.floe.security.roles-claim", "groups")),
            "checksum/secret");
    assertThat(secretAfter).isNotEqualTo(secretBefore);
  }

  @Test
  void usesAnExistingSettingsSecretInsteadOfItsOwn() {
    Rendered rendered = Chart.template(List.of(), Map.of("existingConfigSecret", "floe-settings"));
    assertThat(rendered.kinds()).doesNotContain("Secret");
    boolean mounted = false;
    for (JsonNode volume : rendered.podSpec().get("volumes")) {
      mounted |= volume.at("/secret/secretName").asText().equals("floe-settings");
    }
    assertThat(mounted).isTrue();
  }

  @Test
  void annotatesTheServiceAccountWithTheRoleAndUsesAnExistingOne() {
    Rendered annotated =
        Chart.template(
            List.of(), Map.of("serviceAccount.roleArn", "arn:aws:iam::111122223333:role/floe"));
    assertThat(
            annotated
                .one("ServiceAccount")
                .at("/metadata/annotations/eks.amazonaws.com~1role-arn")
                .asText())
        .isEqualTo("arn:aws:iam::111122223333:role/floe");

    Rendered existing =
        Chart.template(
            List.of(), Map.of("serviceAccount.create", false, "serviceAccount.name", "floe-irsa"));
    assertThat(existing.kinds()).doesNotContain("ServiceAccount");
    assertThat(existing.podSpec().get("serviceAccountName").asText()).isEqualTo("floe-irsa");
  }

  @Test
  void movesProbesServiceAndApplicationTogetherWithThePorts() {
    Rendered rendered =
        Chart.template(List.of(), Map.of("ports.management", 9090, "ports.http", 9000));
    assertThat(rendered.env("MANAGEMENT_SERVER_PORT").get("value").asText()).isEqualTo("9090");
    assertThat(rendered.env("SERVER_PORT").get("value").asText()).isEqualTo("9000");
    for (JsonNode port : rendered.container().get("ports")) {
      int expected = port.get("name").asText().equals("management") ? 9090 : 9000;
      assertThat(port.get("containerPort").asInt()).isEqualTo(expected);
    }
  }

  private static String checksum(Rendered rendered, String annotation) {
    return rendered.deployment().at("/spec/template/metadata/annotations").get(annotation).asText();
  }
}
