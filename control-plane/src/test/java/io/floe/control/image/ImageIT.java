package io.floe.control.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The image tar the build made (target/jib-image.tar, by Jib in the package phase), opened as a
 * container runtime would: a non-root user, the ports the Helm chart's probes and Service use, a
 * Java runtime that can start, writable working directories, and the build's loader JAR.
 */
@DisabledIfSystemProperty(
    named = "floe.image.skipped",
    matches = "true",
    disabledReason = "-Djib.skip: the build made no image")
class ImageIT {
  private static final Path IMAGE = Path.of("target/jib-image.tar");
  private static final Path LOADER_JAR = Path.of("target/loader/loader-job.jar");
  private static final Path CHART_VALUES = Path.of("../helm/floe/values.yaml");
  private static final String IMAGE_LOADER_JAR = "/opt/floe/loader/loader-job.jar";

  private static JsonNode config;
  private static final Map<String, FileEntry> files = new HashMap<>();

  /** A file of the image's file system, from the layer that added it last. */
  record FileEntry(int mode, char type, String sha256, String text) {}

  @BeforeAll
  static void openImage() throws IOException {
    assertThat(IMAGE).as("the package phase writes the image tar").isRegularFile();
    JsonMapper json = JsonMapper.builder().build();
    Map<String, byte[]> blobs = new HashMap<>();
    List<String> layers = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(IMAGE))) {
      TarEntries.read(
          in,
          (path, mode, type, content) -> {
            if (path.endsWith(".tar.gz")) {
              layers.add(path);
              readLayer(content);
            } else {
              blobs.put(path, content.readAllBytes());
            }
          });
    }
    JsonNode manifest = json.readTree(blobs.get("/manifest.json")).get(0);
    config = json.readTree(blobs.get("/" + manifest.get("Config").asString())).get("config");
    List<String> listed = new ArrayList<>();
    manifest.get("Layers").forEach(layer -> listed.add("/" + layer.asString()));
    // Files were collected in tar order; the manifest must apply the layers in that order.
    assertThat(layers).isEqualTo(listed);
  }

  @Test
  void runsAsANumericNonRootUserWithAPasswdEntry() {
    String user = config.get("User").asString();
    assertThat(user).matches("\\d+(:\\d+)?");
    int uid = Integer.parseInt(user.split(":")[0]);
    assertThat(uid).isPositive();
    assertThat(files.get("/etc/passwd").text()).containsPattern("(?m)^\\w+:x:" + uid + ":");
  }

  @Test
  void exposesThePortsTheChartsProbesAndServiceUse() throws IOException {
    JsonNode ports = YAMLMapper.builder().build().readTree(CHART_VALUES.toFile()).get("ports");
    int http = ports.get("http").asInt();
    int management = ports.get("management").asInt();
    List<String> exposed = new ArrayList<>(config.get("ExposedPorts").propertyNames());
    assertThat(exposed).containsExactlyInAnyOrder(http + "/tcp", management + "/tcp");
    // Without the chart the image serves the probes on the same port.
    assertThat(env()).containsEntry("MANAGEMENT_SERVER_PORT", String.valueOf(management));
  }

  @Test
  void startsItsOwnJavaRuntime() {
    String java = config.get("Entrypoint").get(0).asString();
    assertThat(java).isEqualTo("/opt/java/bin/java");
    assertExecutable(java);
    // The program interpreter of every dynamically linked Linux x86-64 binary.
    assertExecutable("/lib64/ld-linux-x86-64.so.2");
    assertThat(files).containsKeys("/opt/java/lib/server/libjvm.so", "/opt/java/lib/modules");
    assertThat(files).containsKey("/lib/x86_64-linux-gnu/libc.so.6");
  }

  @Test
  void worksInWritableDirectories() {
    assertThat(config.get("WorkingDir").asString()).isEqualTo("/var/lib/floe");
    for (String directory : List.of("/var/lib/floe", "/tmp")) {
      FileEntry entry = files.get(directory);
      assertThat(entry).as(directory).isNotNull();
      assertThat(entry.type()).isEqualTo('5');
      assertThat(entry.mode() & 0777).as(directory).isEqualTo(0777);
    }
  }

  @Test
  void carriesTheBuildsLoaderJarAsItsDefault() throws IOException {
    FileEntry jar = files.get(IMAGE_LOADER_JAR);
    assertThat(jar).as(IMAGE_LOADER_JAR + " in a layer").isNotNull();
    try (InputStream in = Files.newInputStream(LOADER_JAR)) {
      assertThat(jar.sha256()).isEqualTo(sha256(in));
    }
    assertThat(env()).containsEntry("FLOE_RUNTIME_LOADER_JAR", IMAGE_LOADER_JAR);
  }

  private static void readLayer(InputStream gzip) throws IOException {
    TarEntries.read(
        new GZIPInputStream(gzip, 1 << 16),
        (path, mode, type, content) -> {
          String sha256 = path.equals(IMAGE_LOADER_JAR) ? sha256(content) : null;
          String text =
              path.startsWith("/etc/")
                  ? new String(content.readAllBytes(), StandardCharsets.UTF_8)
                  : null;
          files.put(path, new FileEntry(mode, type, sha256, text));
        });
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    config
        .get("Env")
        .forEach(
            entry -> {
              String[] pair = entry.asString().split("=", 2);
              env.put(pair[0], pair[1]);
            });
    return env;
  }

  private static void assertExecutable(String path) {
    FileEntry entry = files.get(path);
    assertThat(entry).as(path).isNotNull();
    assertThat(entry.type()).as(path).isEqualTo('0');
    assertThat(entry.mode() & 0111).as(path + " executable by all").isEqualTo(0111);
  }

  private static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
        digesting.transferTo(OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
