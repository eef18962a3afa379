package io.floe.control.local;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.FloeApplication;
import io.floe.control.testing.ApiClient;
import io.floe.control.testing.IdCounts;
import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalKafka;
import io.floe.local.LocalProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Local mode as {@code ./floe-local} runs it: the real application with the local profile starts
 * PostgreSQL, Kafka and a Flink cluster, creates the demo pipeline and publishes sample data. The
 * test uses the generated admin token over real HTTP, reads the rows through the same JDBC catalog
 * (as Trino would), and stops and starts the pipeline through the API. Then it kills the
 * TaskManager and the broker with SIGKILL: each comes back, the pipeline's events say so, and the
 * rows carry on, each id once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalModeIT {
  private static final Duration OPERATION = Duration.ofMinutes(2);
  private static final TableIdentifier TABLE = TableIdentifier.of("demo", "events");

  @TempDir static Path dir;
  static ConfigurableApplicationContext app;
  static ApiClient api;
  static JdbcCatalog catalog;

  @BeforeAll
  static void start() {
    int catalogPort = LocalProcess.freePort();
    app =
        new SpringApplicationBuilder(FloeApplication.class)
            .profiles("local")
            .run(
                "--floe.local.dir=" + dir.toAbsolutePath(),
                "--server.port=0",
                "--floe.local.flink-rest-port=" + LocalProcess.freePort(),
                "--floe.local.kafka-port=" + LocalProcess.freePort(),
                "--floe.local.catalog-port=" + catalogPort,
                "--floe.runtime.loader-jar="
                    + Path.of("target/loader/loader-job.jar").toAbsolutePath());
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    api = new ApiClient(URI.create("http://localhost:" + port), adminToken());
    catalog = new JdbcCatalog();
    catalog.setConf(new Configuration());
    catalog.initialize(
        "local",
        Map.of(
            "uri", "jdbc:postgresql://localhost:" + catalogPort + "/postgres",
            "jdbc.user", "postgres",
            "jdbc.password", "postgres",
            "jdbc.init-catalog-tables", "false",
            "warehouse", dir.resolve("warehouse").toUri().toString()));
  }

  @AfterAll
  static void stop() throws IOException {
    if (catalog != null) {
      catalog.close();
    }
    if (app != null) {
      app.close();
    }
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

  @Test
  @Order(1)
  void theDemoPipelineIsListedAndRuns() {
    ApiClient.Response list = api.get("/pipelines");
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    assertThat(list.body().path("items").findValuesAsString("name")).contains("demo");

    JsonNode demo = api.awaitState("demo", "RUNNING", OPERATION);
    assertThat(demo.path("table").path("catalog").asString()).isEqualTo("local");
    assertThat(demo.path("badMessages").path("deadLetterTopic").asString())
        .isEqualTo("demo-events-dlq");
    assertThat(demo.path("health").path("deadLetterRatio").asDouble())
        .as("the demo's own dead-letter threshold, above the share it makes malformed on purpose")
        .isEqualTo(LocalDemo.DEAD_LETTER_RATIO)
        .isGreaterThan(Double.parseDouble(LocalDemo.MALFORMED_SHARE));

    ApiClient.Response events = api.get("/pipelines/demo/events");
    assertThat(events.status()).as(events.toString()).isEqualTo(200);
    assertThat(events.body().findValuesAsString("type")).contains("TABLE_CREATED");
  }

  @Test
  @Order(2)
  void rowsAreCommittedToTheTableInTheSharedCatalog() {
    Map<Long, Integer> ids =
        await("rows in demo.events", LocalModeIT::idCounts, counts -> !counts.isEmpty(), OPERATION);
    assertThat(ids.values()).as("each id once").containsOnly(1);
    Table table = catalog.loadTable(TABLE);
    assertThat(table.location()).startsWith(dir.resolve("warehouse").toUri().toString());
    assertThat(table.spec().fields()).hasSize(1);
  }

  @Test
  @Order(3)
  void stopAndStartThroughTheApi() {
    JsonNode stopped = run(api.post("/pipelines/demo/stop", ""));
    assertThat(stopped.path("type").asString()).isEqualTo("STOP");
    assertThat(api.get("/pipelines/demo").body().path("status").path("observedState").asString())
        .isEqualTo("STOPPED");
    int atStop = idCounts().size();

    run(api.post("/pipelines/demo/start", ""));
    api.awaitState("demo", "RUNNING", OPERATION);
    Map<Long, Integer> ids =
        await(
            "rows after the restart",
            LocalModeIT::idCounts,
            counts -> counts.size() > atStop,
            OPERATION);
    assertThat(ids.values()).as("each id once across the stop and start").containsOnly(1);
  }

  @Test
  @Order(4)
  void aTaskManagerKilledFromOutsideIsStartedAgainAndTheDemoCarriesOn() {
    LocalFlinkCluster flink = app.getBean(LocalStack.class).flink().orElseThrow();
    long killed = flink.taskManagerPid();

    kill9(killed);

    JsonNode event = awaitRestartEvent("taskmanager (pid " + killed + ")");
    assertThat(event.path("message").asString())
        .contains("exited with 137")
        .contains("as pid " + flink.taskManagerPid());
    carriesOnExactlyOnce();
  }

  @Test
  @Order(5)
  void aKafkaBrokerKilledFromOutsideIsStartedAgainAndTheDemoCarriesOn() {
    LocalKafka kafka = app.getBean(LocalStack.class).kafka().orElseThrow();
    long killed = kafka.pid();

    kill9(killed);

    JsonNode event = awaitRestartEvent("kafka (pid " + killed + ")");
    assertThat(event.path("message").asString())
        .contains("exited with 137")
        .contains("as pid " + kafka.pid());
    carriesOnExactlyOnce();
  }

  /** Kills a process with SIGKILL from outside the control plane, as a crash would. */
  private static void kill9(long pid) {
    assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).as("kill -9 " + pid).isTrue();
  }

  /** Waits for the demo pipeline's event that the process named was started again. */
  private static JsonNode awaitRestartEvent(String process) {
    JsonNode events =
        await(
            "a LOCAL_PROCESS_RESTARTED event of " + process + " on demo",
            () -> api.get("/pipelines/demo/events?limit=1000").body(),
            list -> restartEvent(list, process).isPresent(),
            OPERATION);
    JsonNode event = restartEvent(events, process).orElseThrow();
    assertThat(event.path("actor").asString()).isEqualTo("local-stack");
    return event;
  }

  private static Optional<JsonNode> restartEvent(JsonNode events, String process) {
    for (JsonNode event : events) {
      if (event.path("type").asString().equals("LOCAL_PROCESS_RESTARTED")
          && event.path("message").asString().contains(process)) {
        return Optional.of(event);
      }
    }
    return Optional.empty();
  }

  /**
   * Rows keep coming after a restart (committed since, so through the restarted process), each id
   * once, and the pipeline runs.
   */
  private static void carriesOnExactlyOnce() {
    int atRestart = idCounts().size();
    Map<Long, Integer> ids =
        await(
            "rows committed after the restart",
            LocalModeIT::idCounts,
            counts -> counts.size() > atRestart + 250,
            OPERATION);
    assertThat(ids.values()).as("each id once across the restart").containsOnly(1);
    api.awaitState("demo", "RUNNING", OPERATION);
  }

  private static JsonNode run(ApiClient.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    JsonNode operation = api.awaitOperation(response.body().path("id").asString(), OPERATION);
    assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("SUCCEEDED");
    return operation;
  }

  /** How often each id occurs in the table. */
  private static Map<Long, Integer> idCounts() {
    return IdCounts.of(catalog, TABLE);
  }
}
