package io.floe.helm;

import static io.floe.helm.DefaultValuesTest.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.helm.Chart.Rendered;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chart with values-production.yaml: the example production installation on EKS. */
class ProductionValuesTest {
  private static Rendered rendered;

  @BeforeAll
  static void render() {
    rendered = Chart.template(Chart.PRODUCTION);
  }

  @Test
  void lintPasses() {
    var lint = Chart.lint(Chart.PRODUCTION);
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
  }

  @Test
  void rendersEveryObject() {
    assertThat(rendered.kinds())
        .containsExactly(
            "ConfigMap",
            "Deployment",
            "Ingress",
            "PodDisruptionBudget",
            "Secret",
            "Service",
            "ServiceAccount",
            "ServiceMonitor");
  }

  @Test
  void runsTwoReplicasSpreadOverNodes() {
    assertThat(rendered.deployment().at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(rendered.deployment().at("/spec/strategy/rollingUpdate/maxUnavailable").asInt())
        .isZero();
    assertThat(
            rendered
                .podSpec()
                .at(
                    "/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0"
                        + "/podAffinityTerm/topologyKey")
                .asText())
        .isEqualTo("kubernetes.io/hostname");
    assertThat(rendered.one("PodDisruptionBudget").at("/spec/minAvailable").asInt()).isEqualTo(1);
  }

  @Test
  void takesTheDatabaseFromTheExistingSecret() {
    assertSecretRef("SPRING_DATASOURCE_URL", "url");
    assertSecretRef("SPRING_DATASOURCE_USERNAME", "username");
    assertSecretRef("SPRING_DATASOURCE_PASSWORD", "password");
  }

  @Test
  void assumesTheControlPlaneRoleThroughItsServiceAccount() {
    JsonNode account = rendered.one("ServiceAccount");
    assertThat(account.at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText())
        .isEqualTo("arn:aws:iam::123456789012:role/floe-control-plane");
    assertThat(rendered.podSpec().get("serviceAccountName").asText())
        .isEqualTo(account.at("/metadata/name").asText());
  }

  @Test
  void configuresGlueManagedFlinkAndOidcInTheConfigMap() {
    JsonNode config = rendered.applicationConfig();
    assertThat(config.at("/floe/catalogs/lake/type").asText()).isEqualTo("glue");
    assertThat(config.at("/floe/catalogs/lake/warehouse").asText())
        .isEqualTo("s3://example-lake/warehouse");
    assertThat(config.at("/floe/catalogs/lake/io-impl").asText())
        .isEqualTo("org.apache.iceberg.aws.s3.S3FileIO");
    assertThat(config.at("/floe/runtime/default-target").asText()).isEqualTo("managed-flink");
    assertThat(config.at("/floe/runtime/flink-cluster").isMissingNode()).isTrue();
    assertThat(config.at("/floe/runtime/managed-flink/region").asText()).isEqualTo("eu-west-1");
    assertThat(config.at("/floe/runtime/managed-flink/log-group").asText())
        .isEqualTo("/floe/loaders");
    assertThat(config.at("/floe/runtime/managed-flink/kpu-limit").asInt()).isEqualTo(32);
    assertThat(config.at("/floe/runtime/managed-flink/service-role-arn").asText())
        .isEqualTo("arn:aws:iam::123456789012:role/floe-loader");
    assertThat(config.at("/floe/runtime/managed-flink/artifact-bucket").asText())
        .isEqualTo("example-floe-artifacts");
    assertThat(config.at("/spring/security/oauth2/resourceserver/jwt/issuer-uri").asText())
        .isEqualTo("https://login.example.com/realms/data");
    // Rendered from logFormat, next to the free-form settings.
    assertThat(config.at("/logging/structured/format/console").asText()).isEqualTo("ecs");
    // Secrets stay out of the ConfigMap.
    assertThat(config.at("/floe/security/tokens").isMissingNode()).isTrue();
  }

  @Test
  void keepsStaticTokenHashesInTheSecret() {
    JsonNode tokens = rendered.secretConfig().at("/floe/security/tokens");
    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.at("/0/role").asText()).isEqualTo("admin");
    assertThat(tokens.at("/1/role").asText()).isEqualTo("viewer");
    assertThat(tokens.at("/0/sha256").asText()).matches("[0-9a-f]{64}");
  }

  @Test
  void controlPlanePolicyGrantsExactlyTheResourcesTheseValuesName() {
    JsonNode values = Chart.read(Chart.PRODUCTION);
    JsonNode managed = values.at("/runtime/managedFlink");
    String region = managed.get("region").asText();
    String account =
        values.at("/serviceAccount/roleArn").asText().split(":")[4]; // arn:aws:iam::<account>:...
    URI warehouse = URI.create(values.at("/config/floe/catalogs/lake/warehouse").asText());

    JsonNode policy = Chart.read(Chart.CONTROL_PLANE_POLICY);
    assertThat(resources(policy, "PassApplicationRole"))
        .containsExactly(managed.get("serviceRoleArn").asText());
    assertThat(resources(policy, "StoreArtifacts"))
        .containsExactly("arn:aws:s3:::" + managed.get("artifactBucket").asText() + "/loader/*");
    assertThat(resources(policy, "ManageApplications"))
        .containsExactly(
            "arn:aws:kinesisanalytics:" + region + ":" + account + ":application/floe-*");
    assertThat(resources(policy, "GlueCatalog"))
        .contains("arn:aws:glue:" + region + ":" + account + ":catalog");
    assertThat(resources(policy, "ReadWriteTableFiles"))
        .containsExactly("arn:aws:s3:::" + warehouse.getHost() + warehouse.getPath() + "/*");
    assertThat(resources(policy, "ListTableFiles"))
        .containsExactly("arn:aws:s3:::" + warehouse.getHost());
  }

  @Test
  void routesTheIngressToTheApiOnly() {
    JsonNode ingress = rendered.one("Ingress");
    assertThat(ingress.at("/spec/ingressClassName").asText()).isEqualTo("nginx");
    assertThat(ingress.at("/spec/rules/0/host").asText()).isEqualTo("floe.example.com");
    JsonNode backend = ingress.at("/spec/rules/0/http/paths/0/backend/service");
    assertThat(backend.get("name").asText())
        .isEqualTo(rendered.one("Service").at("/metadata/name").asText());
    assertThat(backend.at("/port/name").asText()).isEqualTo("http");
    assertThat(texts(ingress.at("/spec/tls/0/hosts"))).containsExactly("floe.example.com");
    assertThat(ingress.at("/spec/tls/0/secretName").asText()).isEqualTo("floe-tls");
  }

  @Test
  void scrapesPrometheusOnTheManagementPortWithAToken() {
    JsonNode monitor = rendered.one("ServiceMonitor");
    assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
    assertThat(monitor.at("/spec/selector/matchLabels"))
        .isEqualTo(rendered.one("Service").at("/spec/selector"));
    JsonNode endpoint = monitor.at("/spec/endpoints/0");
    assertThat(endpoint.get("port").asText()).isEqualTo("management");
    assertThat(endpoint.get("path").asText()).isEqualTo("/actuator/prometheus");
    assertThat(endpoint.at("/authorization/credentials/name").asText())
        .isEqualTo("floe-prometheus-token");
    assertThat(endpoint.at("/authorization/credentials/key").asText()).isEqualTo("token");
    boolean serviceHasManagementPort = false;
    for (JsonNode port : rendered.one("Service").at("/spec/ports")) {
      serviceHasManagementPort |= port.get("name").asText().equals("management");
    }
    assertThat(serviceHasManagementPort).isTrue();
  }

  @Test
  void keepsTheLockedDownSecurityContextAndSizesTheContainer() {
    JsonNode container = rendered.container();
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(texts(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("2Gi");
    assertThat(rendered.env("AWS_REGION").get("value").asText()).isEqualTo("eu-west-1");
  }

  @Test
  void notesShowTheIngressAddressAndNoWarning() {
    assertThat(Chart.notes(Chart.PRODUCTION))
        .contains("https://floe.example.com/")
        .doesNotContain("WARNING");
  }

  private static List<String> resources(JsonNode policy, String sid) {
    for (JsonNode statement : policy.get("Statement")) {
      if (statement.get("Sid").asText().equals(sid)) {
        return texts(statement.get("Resource"));
      }
    }
    throw new AssertionError("No statement " + sid + " in " + Chart.CONTROL_PLANE_POLICY);
  }

  private static void assertSecretRef(String variable, String key) {
    JsonNode ref = rendered.env(variable).at("/valueFrom/secretKeyRef");
    assertThat(ref.get("name").asText()).as(variable).isEqualTo("floe-db");
    assertThat(ref.get("key").asText()).as(variable).isEqualTo(key);
  }
}
