package io.floe.control.health;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.TestStack;
import io.floe.control.testing.Warehouse;
import io.floe.testing.kafka.EventPublisher;
import io.floe.testing.kafka.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Health and schema changes end to end, on the local runtime target (the control plane starts its
 * own Flink cluster), with a real broker and catalog, while a publisher keeps sending.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthIT {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final int RATE = 50;
  private static final int FLUSH_SECONDS = 2;
  // One message in a hundred is malformed, as in the demo; the pipeline's threshold is above that.
  private static final int MALFORMED_EVERY = 100;
  private static final double DEAD_LETTER_RATIO = 0.03;

  @TempDir static Path dir;
  static TestStack stack;
  static KafkaTestClient topics;
  static ApiClient api;
  static Warehouse warehouse;
  static EventPublisher publisher;

  @BeforeAll
  static void start() {
    stack =
        TestStack.in(dir)
            .localFlink()
            .property("floe.health.interval", "1s")
            .topic("events", 2)
            .topic("events-dlq", 1)
            .start();
    topics = stack.topics();
    api = stack.api();
    warehouse = stack.warehouse();
    Map<String, Object> body =
        stack
            .pipeline("events", "events")
            .deadLetterTopic("events-dlq")
            .deadLetterRatio(DEAD_LETTER_RATIO)
            .runtime(1, FLUSH_SECONDS + "s")
            .body();
    assertThat(api.put("/pipelines/events", body).status()).isEqualTo(201);
    api.awaitState("events", "RUNNING", LONG);
    publisher = topics.publish("events", 1, RATE, MALFORMED_EVERY);
  }

  @AfterAll
  static void stop() throws Exception {
    if (publisher != null) {
      publisher.stop();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static JsonNode health() {
    return api.get("/pipelines/events/health").body();
  }

  private static JsonNode awaitHealth(String status, Duration timeout) {
    return await(
        "health " + status,
        HealthIT::health,
        h -> h.path("status").asString().equals(status),
        timeout);
  }

  @Test
  @Order(1)
  void aRunningPipelineIsHealthyWithFiguresThatMatchWhatWasPublished() {
    JsonNode health =
        await(
            "ten commits in the window",
            HealthIT::health,
            h -> h.path("commits").path("commitsInWindow").asInt() >= 10,
            LONG);
    health = awaitHealth("HEALTHY", LONG);

    // Steadily fed, with 1 % malformed messages under its own threshold of 3 %, it stays HEALTHY
    // from check to check (one a second, against a commit every 2 s) across twelve commits: the
    // lag between two commits is no growth, and its dead letters are within its share.
    List<JsonNode> seen = new ArrayList<>();
    Set<String> commitTimes = new HashSet<>();
    await(
        "twelve more commits",
        () -> {
          JsonNode now = health();
          seen.add(now);
          commitTimes.add(now.path("commits").path("lastCommitAt").asString());
          return commitTimes.size();
        },
        commits -> commits > 12,
        LONG);
    assertThat(seen)
        .allSatisfy(
            h -> {
              assertThat(h.path("status").asString()).as(h.toString()).isEqualTo("HEALTHY");
              assertThat(h.path("lag").path("growing").asBoolean()).as(h.toString()).isFalse();
              assertThat(h.path("runtime").path("failedCheckpoints").asLong())
                  .as(h.toString())
                  .isZero();
            });
    assertThat(health.path("commits").path("deadLetterRatio").asDouble())
        .as(health.toString())
        .isBetween(0.005, DEAD_LETTER_RATIO);

    double perMinute = health.path("commits").path("recordsPerMinute").asDouble();
    assertThat(perMinute).as(health.toString()).isBetween(RATE * 60 * 0.75, RATE * 60 * 1.25);
    assertThat(health.path("commits").path("freshnessSeconds").asLong())
        .as(health.toString())
        .isLessThan(2L * FLUSH_SECONDS);
    assertThat(health.path("commits").path("expectedIntervalSeconds").asLong())
        .isEqualTo(FLUSH_SECONDS);
    assertThat(health.path("commits").path("secondsBetweenCommits").asDouble())
        .isBetween(FLUSH_SECONDS * 0.5, FLUSH_SECONDS * 2.0);
    assertThat(health.path("lag").path("records").asLong())
        .isLessThan(RATE * 2L * FLUSH_SECONDS + 100);
    assertThat(health.path("runtime").path("state").asString()).isEqualTo("RUNNING");
    assertThat(health.path("reasons").get(0).asString()).isEqualTo("loading on time");
  }

  @Test
  @Order(2)
  void aBurstOfMalformedMessagesIsDegradedWithTheDeadLetterRate() {
    // Well above the pipeline's 3 %, however many messages the window holds (5 min, 15,000).
    for (int i = 0; i < 1_000; i++) {
      topics.sendRaw(
          "events",
          ("{\"id\": " + (1_000_000 + i) + ", \"name\": ").getBytes(StandardCharsets.UTF_8));
    }
    topics.flush();

    JsonNode health = awaitHealth("DEGRADED", LONG);

    assertThat(health.path("commits").path("deadLetteredPerMinute").asDouble()).isGreaterThan(0);
    assertThat(
            health
                .path("reasons")
                .valueStream()
                .map(JsonNode::asString)
                .collect(Collectors.toList()))
        .anySatisfy(reason -> assertThat(reason).startsWith("dead letters: "));
    JsonNode actuator = api.get("/actuator/health").body();
    assertThat(actuator.path("components").path("pipelines").path("status").asString())
        .isEqualTo("PIPELINES_DEGRADED");
    assertThat(api.as(null).get("/actuator/health/readiness").status())
        .as("a degraded pipeline does not take the control plane out of its load balancer")
        .isEqualTo(200);
  }

  @Test
  @Order(3)
  void aColumnAddedInTheCatalogIsDetectedAndFilledAfterAnAutomaticRestart() {
    warehouse.updateSchema(
        "db", "events", update -> update.addColumn("extra", Types.StringType.get()));
    long addedAt = publisher.published();

    await(
        "the schema watcher restarts the loader",
        () -> eventTypes(),
        types -> types.contains("SCHEMA_CHANGED"),
        LONG);
    await(
        "rows with the new column",
        () -> rowsWith("extra"),
        rows ->
            rows.stream()
                .anyMatch(r -> r.getField("extra") != null && (Long) r.getField("id") > addedAt),
        LONG);
    for (Record row : rowsWith("extra")) {
      long id = (Long) row.getField("id");
      if (row.getField("extra") != null) {
        assertThat(row.getField("extra")).isEqualTo("extra-" + id);
      }
    }
    assertExactlyOnceSoFar();
  }

  @Test
  @Order(4)
  void columnsAddedAndDroppedThroughTheApiRestartTheLoaderWithoutLoss() {
    ApiClient.Response added =
        api.post(
            "/pipelines/events/schema/columns",
            Map.of("name", "more", "type", "int", "after", "name"));
    assertThat(added.status()).as(added.toString()).isEqualTo(202);
    assertThat(added.body().path("schema").path("columns").get(2).path("name").asString())
        .isEqualTo("more");
    awaitSucceeded(added.body().path("restart").path("id").asString());
    long afterAdd = publisher.published();
    await(
        "rows with more",
        () -> rowsWith("more"),
        rows ->
            rows.stream()
                .anyMatch(r -> r.getField("more") != null && (Long) r.getField("id") > afterAdd),
        LONG);

    ApiClient.Response dropped = api.delete("/pipelines/events/schema/columns/extra");
    assertThat(dropped.status()).as(dropped.toString()).isEqualTo(202);
    awaitSucceeded(dropped.body().path("restart").path("id").asString());
    // The old run writes the dropped column until its savepoint; the restarted run does not.
    long snapshotBeforeDrop = warehouse.table("db", "events").currentSnapshot().snapshotId();
    long afterDrop = publisher.published();
    await(
        "rows after the drop",
        () -> warehouse.idCounts("db", "events"),
        ids -> ids.containsKey(afterDrop + RATE),
        LONG);

    Table table = warehouse.table("db", "events");
    assertThat(table.schema().findField("extra")).isNull();
    List<DataFile> newFiles = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table
            .newIncrementalAppendScan()
            .fromSnapshotExclusive(snapshotBeforeDrop)
            .includeColumnStats()
            .planFiles()) {
      tasks.forEach(task -> newFiles.add(task.file()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    int extraFieldId = 4;
    assertThat(newFiles).isNotEmpty();
    assertThat(newFiles)
        .allSatisfy(file -> assertThat(file.valueCounts()).doesNotContainKey(extraFieldId));
    assertThat(
            api.get("/pipelines/events/schema")
                .body()
                .path("columns")
                .valueStream()
                .map(c -> c.path("name").asString())
                .collect(Collectors.toList()))
        .containsExactly("id", "name", "more", "at");
    assertExactlyOnceSoFar();
  }

  @Test
  @Order(5)
  void prometheusHasThePipelinesSeries() {
    String metrics = api.getText("/actuator/prometheus");
    assertThat(metrics)
        .contains("floe_pipeline_freshness_seconds{pipeline=\"events\"}")
        .contains("floe_pipeline_lag_records{pipeline=\"events\"}")
        .contains("floe_pipeline_records_per_minute{pipeline=\"events\"}")
        .contains("floe_pipeline_commits_per_minute{pipeline=\"events\"}")
        .contains("floe_pipeline_dead_letters_per_minute{pipeline=\"events\"}")
        .contains("floe_pipeline_health{pipeline=\"events\"}")
        // The API's own request timings stay with Spring Security's observations off.
        .contains("http_server_requests_seconds_count{");
  }

  @Test
  @Order(6)
  void aJobStoppedBehindTheControlPlanesBackIsFailingWithThatReason() {
    String runId = api.get("/pipelines/events").body().path("status").path("runId").asString();
    stack.flinkRest().cancel(runId);

    JsonNode health = awaitHealth("FAILING", LONG);

    assertThat(health.path("reasons").get(0).asString()).contains(runId).contains("CANCELED");
    assertThat(health.path("lag").path("records").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(
            api.get("/actuator/health")
                .body()
                .path("components")
                .path("pipelines")
                .path("status")
                .asString())
        .isEqualTo("PIPELINES_FAILING");
    assertThat(api.as(null).get("/actuator/health/readiness").status()).isEqualTo(200);
  }

  private static void awaitSucceeded(String operationId) {
    JsonNode operation = api.awaitOperation(operationId, LONG);
    assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("SUCCEEDED");
  }

  private static List<String> eventTypes() {
    return api.get("/pipelines/events/events?limit=500")
        .body()
        .valueStream()
        .map(e -> e.path("type").asString())
        .collect(Collectors.toList());
  }

  private static List<Record> rowsWith(String column) {
    Table table = warehouse.table("db", "events");
    if (table.schema().findField(column) == null) {
      return List.of();
    }
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).select("id", column).build()) {
      records.forEach(r -> rows.add(r.copy()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return rows;
  }

  /** Every id published so far and already loaded exactly once, with no gap below the highest. */
  private static void assertExactlyOnceSoFar() {
    Map<Long, Integer> counts = warehouse.idCounts("db", "events");
    long highest = counts.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    assertThat(counts.values()).allMatch(n -> n == 1, "no id twice");
    assertThat(counts.keySet())
        .as("no id missing below the highest loaded")
        .containsAll(LongStream.rangeClosed(1, highest).boxed().collect(Collectors.toSet()));
  }
}
