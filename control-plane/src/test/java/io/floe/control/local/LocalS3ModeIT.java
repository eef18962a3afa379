package io.floe.control.local;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.FloeApplication;
import io.floe.control.testing.ApiClient;
import io.floe.control.testing.IdCounts;
import io.floe.control.testing.TestS3;
import io.floe.local.LocalProcess;
import io.floe.local.LocalS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code ./floe-local --s3}: the local profile with local-s3 starts the S3 server with the rest of
 * the stack, and the demo pipeline runs with its table in {@code s3://floe-warehouse/warehouse},
 * its data files on that server, each id once.
 */
class LocalS3ModeIT {
  private static final Duration OPERATION = Duration.ofMinutes(3);
  private static final TableIdentifier TABLE = TableIdentifier.of("demo", "events");

  @TempDir static Path dir;
  static ConfigurableApplicationContext app;
  static ApiClient api;
  static int s3Port;

  @BeforeAll
  static void start() {
    s3Port = LocalProcess.freePort();
    app =
        new SpringApplicationBuilder(FloeApplication.class)
            .profiles("local", "local-s3")
            .run(
                "--floe.local.dir=" + dir.toAbsolutePath(),
                "--server.port=0",
                "--floe.local.flink-rest-port=" + LocalProcess.freePort(),
                "--floe.local.kafka-port=" + LocalProcess.freePort(),
                "--floe.local.catalog-port=" + LocalProcess.freePort(),
                "--floe.local.s3-port=" + s3Port,
                "--floe.local.flink-slots=2",
                "--floe.runtime.loader-jar="
                    + Path.of("target/loader/loader-job.jar").toAbsolutePath());
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    api = new ApiClient(URI.create("http://localhost:" + port), adminToken());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void theDemoPipelineRunsWithItsRowsOnTheLocalS3Server() {
    api.awaitState("demo", "RUNNING", OPERATION);
    LocalS3 s3 = app.getBean(LocalStack.class).s3().orElseThrow();
    assertThat(s3.dataDir()).startsWith(dir.toAbsolutePath());
    // The catalog the control plane reads, as Trino would read it.
    Catalog catalog = app.getBean(io.floe.control.catalog.Catalogs.class).catalog("local");
    Map<Long, Integer> ids =
        await(
            "rows in demo.events", () -> idCounts(catalog), counts -> !counts.isEmpty(), OPERATION);
    assertThat(ids.values()).as("each id once").containsOnly(1);
    Table table = catalog.loadTable(TABLE);
    assertThat(table.location()).startsWith("s3://floe-warehouse/warehouse/");
    try (S3Client client = TestS3.client(s3.endpoint(), "floe-test")) {
      assertThat(
              client
                  .listObjectsV2(
                      r -> r.bucket("floe-warehouse").prefix("warehouse/demo/events/data/"))
                  .contents())
          .extracting(S3Object::key)
          .anyMatch(key -> key.endsWith(".parquet"));
    }
  }

  private static Map<Long, Integer> idCounts(Catalog catalog) {
    return IdCounts.of(catalog, TABLE);
  }

  private static String adminToken() {
    Path file = dir.resolve("admin-token");
    assertThat(file).as("the generated admin token").exists();
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
