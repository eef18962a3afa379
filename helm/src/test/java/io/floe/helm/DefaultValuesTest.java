package io.floe.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.helm.Chart.Rendered;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart with its default values: one replica on PostgreSQL (from the Secret floe-db) running
 * pipelines on a Flink session cluster, locked down.
 */
class DefaultValuesTest {
  private static Rendered rendered;

  @BeforeAll
  static void render() {
    rendered = Chart.template();
  }

  @Test
  void lintPasses() {
    var lint = Chart.lint();
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
  }

  @Test
  void rendersTheControlPlaneWithoutOptionalObjects() {
    assertThat(rendered.kinds())
        .containsExactly("ConfigMap", "Deployment", "Secret", "Service", "ServiceAccount");
  }

  @Test
  void runsOneReplicaOfTheBuiltImage() {
    assertThat(rendered.deployment().at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(rendered.container().get("image").asText())
        .isEqualTo("floe/control-plane:" + System.getProperty("floe.version"));
  }

  @Test
  void probesTheActuatorHealthGroupsOnTheManagementPort() {
    JsonNode container = rendered.container();
    assertThat(container.at("/livenessProbe/httpGet/path").asText())
        .isEqualTo("/actuator/health/liveness");
    assertThat(container.at("/readinessProbe/httpGet/path").asText())
        .isEqualTo("/actuator/health/readiness");
    assertThat(container.at("/startupProbe/httpGet/path").asText())
        .isEqualTo("/actuator/health/liveness");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(container.at("/" + probe + "/httpGet/port").asText()).isEqualTo("management");
    }
    assertThat(containerPort("management")).isEqualTo(8081);
    assertThat(containerPort("http")).isEqualTo(8080);
    // The application listens where the probes look: the ports are set by environment variables,
    // which override any application.yaml.
    assertThat(rendered.env("MANAGEMENT_SERVER_PORT").get("value").asText()).isEqualTo("8081");
    assertThat(rendered.env("SERVER_PORT").get("value").asText()).isEqualTo("8080");
  }

  @Test
  void runsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities() {
    JsonNode pod = rendered.podSpec().get("securityContext");
    assertThat(pod.get("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.get("runAsUser").asInt()).isPositive();
    assertThat(pod.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");

    JsonNode container = rendered.container().get("securityContext");
    assertThat(container.get("runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.get("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.get("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(texts(container.at("/capabilities/drop"))).containsExactly("ALL");
  }

  @Test
  void writesOnlyToEmptyDirVolumesAtTmpAndTheWorkingDirectory() {
    JsonNode container = rendered.container();
    List<String> writable = new ArrayList<>();
    for (JsonNode mount : container.get("volumeMounts")) {
      if (!mount.path("readOnly").asBoolean()) {
        JsonNode volume = volume(mount.get("name").asText());
        assertThat(volume.has("emptyDir")).as("%s", volume).isTrue();
        assertThat(volume.at("/emptyDir/sizeLimit").asText()).isNotEmpty();
        writable.add(mount.get("mountPath").asText());
      }
    }
    assertThat(writable).containsExactlyInAnyOrder("/tmp", "/var/lib/floe");
    assertThat(container.get("workingDir").asText()).isEqualTo("/var/lib/floe");
  }

  @Test
  void readsSettingsFromTheConfigMapThenTheSecret() {
    assertThat(rendered.env("SPRING_CONFIG_ADDITIONAL_LOCATION").get("value").asText())
        .isEqualTo("optional:file:/etc/floe/config/,optional:file:/etc/floe/secret/");
    assertThat(mountOf("config")).isEqualTo("/etc/floe/config");
    assertThat(volume("config").at("/configMap/name").asText()).isEqualTo("floe");
    assertThat(mountOf("secret-config")).isEqualTo("/etc/floe/secret");
    assertThat(volume("secret-config").at("/secret/secretName").asText()).isEqualTo("floe-config");
    assertThat(rendered.one("Secret").at("/metadata/name").asText()).isEqualTo("floe-config");

    // Only what the chart renders from the runtime values.
    assertThat(names(rendered.applicationConfig())).containsExactly("floe");
    assertThat(names(rendered.applicationConfig().get("floe"))).containsExactly("runtime");
    assertThat(rendered.secretConfig().isEmpty()).isTrue();
  }

  @Test
  void takesPostgresqlFromTheFloeDbSecretNeverTheEmbeddedDatabase() {
    for (String[] variable :
        new String[][] {
          {"SPRING_DATASOURCE_URL", "url"},
          {"SPRING_DATASOURCE_USERNAME", "username"},
          {"SPRING_DATASOURCE_PASSWORD", "password"}
        }) {
      JsonNode ref = rendered.env(variable[0]).at("/valueFrom/secretKeyRef");
      assertThat(ref.get("name").asText()).as(variable[0]).isEqualTo("floe-db");
      assertThat(ref.get("key").asText()).as(variable[0]).isEqualTo(variable[1]);
    }
  }

  @Test
  void runsPipelinesOnTheFlinkSessionClusterByDefault() {
    JsonNode runtime = rendered.applicationConfig().at("/floe/runtime");
    assertThat(runtime.get("default-target").asText()).isEqualTo("flink-cluster");
    assertThat(runtime.at("/flink-cluster/rest-url").asText())
        .isEqualTo("http://flink-session-rest:8081");
    assertThat(runtime.has("managed-flink")).isFalse();
  }

  @Test
  void registersTheImagesLoaderJarAndNamesLeasesAfterThePod() {
    assertThat(rendered.env("FLOE_RUNTIME_LOADER_JAR").get("value").asText())
        .isEqualTo("/opt/floe/loader/loader-job.jar");
    assertThat(
            rendered.env("FLOE_RECONCILE_INSTANCE_ID").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.name");
  }

  @Test
  void serviceAccountHasNoRoleAndNoApiToken() {
    JsonNode account = rendered.one("ServiceAccount");
    assertThat(account.at("/metadata/name").asText())
        .isEqualTo(rendered.podSpec().get("serviceAccountName").asText());
    assertThat(account.at("/metadata/annotations").isMissingNode()).isTrue();
    assertThat(account.get("automountServiceAccountToken").asBoolean()).isFalse();
    assertThat(rendered.podSpec().get("automountServiceAccountToken").asBoolean()).isFalse();
  }

  @Test
  void serviceExposesTheApiAndTheManagementPortByName() {
    JsonNode service = rendered.one("Service");
    assertThat(service.at("/spec/type").asText()).isEqualTo("ClusterIP");
    assertThat(service.at("/spec/selector"))
        .isEqualTo(rendered.deployment().at("/spec/selector/matchLabels"));
    List<String> targets = new ArrayList<>();
    service.at("/spec/ports").forEach(port -> targets.add(port.get("targetPort").asText()));
    assertThat(targets).containsExactly("http", "management");
  }

  @Test
  void setsResources() {
    JsonNode resources = rendered.container().get("resources");
    assertThat(resources.at("/requests/cpu").asText()).isEqualTo("500m");
    assertThat(resources.at("/requests/memory").asText()).isEqualTo("1Gi");
    assertThat(resources.at("/limits/memory").asText()).isEqualTo("1Gi");
  }

  @Test
  void notesShowHowToReachTheApiTheDatabaseSecretAndTheTarget() {
    String notes = Chart.notes();
    assertThat(notes)
        .contains("kubectl --namespace data port-forward service/floe 8080:8080")
        .contains("curl localhost:8081/actuator/health")
        .contains("PostgreSQL from the Secret floe-db")
        .contains("Pipelines that name no target run on flink-cluster.")
        .doesNotContain("WARNING");
  }

  private static int containerPort(String name) {
    for (JsonNode port : rendered.container().get("ports")) {
      if (port.get("name").asText().equals(name)) {
        return port.get("containerPort").asInt();
      }
    }
    throw new AssertionError("No container port " + name);
  }

  private static JsonNode volume(String name) {
    for (JsonNode volume : rendered.podSpec().get("volumes")) {
      if (volume.get("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("No volume " + name);
  }

  private static String mountOf(String volume) {
    for (JsonNode mount : rendered.container().get("volumeMounts")) {
      if (mount.get("name").asText().equals(volume)) {
        assertThat(mount.get("readOnly").asBoolean()).isTrue();
        return mount.get("mountPath").asText();
      }
    }
    throw new AssertionError("No mount of " + volume);
  }

  static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }
}
