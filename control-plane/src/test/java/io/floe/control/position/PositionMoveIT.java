package io.floe.control.position;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.TestStack;
import io.floe.control.testing.Warehouse;
import io.floe.loader.summary.CommitSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.iceberg.Snapshot;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Moving a pipeline's read positions end to end, on the local runtime with a real broker: the dry
 * run's figures per partition are checked against what the topic holds, and the moves against what
 * the table then holds (rows read again, or skipped, exactly as many as announced).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PositionMoveIT {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final String TOPIC = "moves";
  // Record timestamps within the broker's retention (7 days), which would delete older ones.
  private static final Instant BASE =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

  @TempDir static Path dir;
  static TestStack stack;
  static KafkaProducer<byte[], byte[]> producer;
  static ApiClient api;
  static Warehouse warehouse;

  @BeforeAll
  static void start() {
    stack = TestStack.in(dir).localFlink().topic(TOPIC, 2).start();
    producer = stack.topics().producer();
    api = stack.api();
    warehouse = stack.warehouse();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** Ids from..to: the first half of the range to partition 0, the rest to partition 1. */
  private static void publish(long from, long to) {
    long half = from + (to - from + 1) / 2;
    for (long id = from; id <= to; id++) {
      String json =
          "{\"id\": " + id + ", \"name\": \"n\", \"at\": \"" + BASE.plusSeconds(id) + "\"}";
      producer.send(
          new ProducerRecord<>(
              TOPIC,
              id < half ? 0 : 1,
              BASE.plusSeconds(id).toEpochMilli(),
              Long.toString(id).getBytes(StandardCharsets.UTF_8),
              json.getBytes(StandardCharsets.UTF_8)));
    }
    producer.flush();
  }

  private static Map<Long, Integer> ids() {
    return warehouse.idCounts("db", "moves");
  }

  private static JsonNode plan(Map<String, Object> request) {
    ApiClient.Response response = api.post("/pipelines/moves/offsets?dryRun=true", request);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body().path("plan");
  }

  private static Map<String, JsonNode> byPartition(JsonNode plan) {
    return plan.path("partitions")
        .valueStream()
        .collect(Collectors.toMap(p -> p.path("partition").asString(), p -> p));
  }

  private static JsonNode run(ApiClient.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    JsonNode operation =
        api.awaitOperation(response.body().path("operation").path("id").asString(), LONG);
    assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("SUCCEEDED");
    return response.body().path("plan");
  }

  @Test
  @Order(1)
  void movingARunningPipelineToEarliestReadsAgainExactlyWhatTheDryRunSaid() {
    publish(1, 100);
    Map<String, Object> body =
        stack
            .pipeline(TOPIC, "moves")
            .startingOffsets("earliest")
            .skipBadMessages()
            .runtime(2, "1s")
            .body();
    assertThat(api.put("/pipelines/moves", body).status()).isEqualTo(201);
    await("100 rows", PositionMoveIT::ids, ids -> ids.size() >= 100, LONG);

    JsonNode plan = plan(Map.of("to", "earliest"));
    assertThat(plan.path("readAgain").asLong()).isEqualTo(100);
    assertThat(plan.path("skipped").asLong()).isZero();
    Map<String, JsonNode> partitions = byPartition(plan);
    assertThat(partitions.get("moves:0").path("current").asLong()).isEqualTo(50);
    assertThat(partitions.get("moves:0").path("target").asLong()).isZero();
    assertThat(partitions.get("moves:0").path("readAgain").asLong()).isEqualTo(50);
    assertThat(partitions.get("moves:1").path("end").asLong()).isEqualTo(50);

    run(api.post("/pipelines/moves/offsets", Map.of("to", "earliest")));
    Map<Long, Integer> ids =
        await(
            "every row read again",
            PositionMoveIT::ids,
            counts -> counts.values().stream().allMatch(n -> n == 2),
            LONG);
    assertThat(ids).hasSize(100);
    assertThat(api.get("/pipelines/moves").body().path("status").path("observedState").asString())
        .isEqualTo("RUNNING");
    List<String> moved =
        api.get("/pipelines/moves/events")
            .body()
            .valueStream()
            .filter(e -> e.path("type").asString().equals("POSITIONS_MOVED"))
            .map(e -> e.path("message").asString())
            .collect(Collectors.toList());
    assertThat(moved)
        .singleElement()
        .satisfies(
            message ->
                assertThat(message)
                    .contains("moved to earliest at the request of admin")
                    .contains("moves:0 50 -> 0")
                    .contains("moves:1 50 -> 0"));
  }

  @Test
  @Order(2)
  void movingAStoppedPipelineToLatestSkipsExactlyWhatTheDryRunSaidAndItStaysStopped() {
    JsonNode stop = api.post("/pipelines/moves/stop", "").body();
    assertThat(api.awaitOperation(stop.path("id").asString(), LONG).path("state").asString())
        .isEqualTo("SUCCEEDED");
    publish(101, 160);

    JsonNode plan = plan(Map.of("to", "latest"));
    assertThat(plan.path("skipped").asLong()).isEqualTo(60);
    assertThat(plan.path("readAgain").asLong()).isZero();
    Map<String, JsonNode> partitions = byPartition(plan);
    assertThat(partitions.get("moves:0").path("current").asLong()).isEqualTo(50);
    assertThat(partitions.get("moves:0").path("target").asLong()).isEqualTo(80);
    assertThat(partitions.get("moves:1").path("skipped").asLong()).isEqualTo(30);

    run(api.post("/pipelines/moves/offsets", Map.of("to", "latest")));
    assertThat(api.get("/pipelines/moves").body().path("status").path("observedState").asString())
        .isEqualTo("STOPPED");
    Snapshot move = warehouse.table("db", "moves").currentSnapshot();
    assertThat(move.summary())
        .containsEntry(CommitSummary.COMMIT_KIND, CommitSummary.KIND_POSITION_MOVE)
        .containsEntry(CommitSummary.KAFKA_OFFSETS, "moves:0=80,moves:1=80");
    assertThat(move.summary().get(CommitSummary.POSITION_MOVE)).contains("\"actor\":\"admin\"");

    JsonNode start = api.post("/pipelines/moves/start", "").body();
    assertThat(api.awaitOperation(start.path("id").asString(), LONG).path("state").asString())
        .isEqualTo("SUCCEEDED");
    publish(161, 170);
    Map<Long, Integer> ids =
        await(
            "rows published after the move",
            PositionMoveIT::ids,
            counts -> LongStream.rangeClosed(161, 170).allMatch(counts::containsKey),
            LONG);
    assertThat(LongStream.rangeClosed(101, 160).filter(ids::containsKey).boxed().toList())
        .as("the 60 messages the move skipped")
        .isEmpty();
    assertThat(LongStream.rangeClosed(161, 170).mapToObj(ids::get).toList()).containsOnly(1);
  }

  @Test
  @Order(3)
  void aTimestampAndOffsetsArePlannedPerPartition() {
    JsonNode plan = plan(Map.of("to", "timestamp", "timestamp", BASE.plusSeconds(20).toString()));
    Map<String, JsonNode> partitions = byPartition(plan);
    assertThat(partitions.get("moves:0").path("target").asLong())
        .as("id 20 is offset 19 of partition 0")
        .isEqualTo(19);
    assertThat(partitions.get("moves:1").path("target").asLong())
        .as("partition 1 starts after the timestamp")
        .isZero();

    JsonNode offsets = plan(Map.of("to", "offsets", "offsets", Map.of("moves:0", 60)));
    assertThat(offsets.path("partitions").size()).as("only the named partition").isEqualTo(1);
    assertThat(byPartition(offsets).get("moves:0").path("target").asLong()).isEqualTo(60);
  }

  @Test
  @Order(4)
  void badRequestsNameTheirField() {
    ApiClient.Response sideways =
        api.post("/pipelines/moves/offsets?dryRun=true", Map.of("to", "sideways"));
    assertThat(sideways.status()).isEqualTo(400);
    assertThat(sideways.body().path("field").asString()).isEqualTo("to");

    ApiClient.Response noTimestamp =
        api.post("/pipelines/moves/offsets?dryRun=true", Map.of("to", "timestamp"));
    assertThat(noTimestamp.status()).isEqualTo(400);
    assertThat(noTimestamp.body().path("field").asString()).isEqualTo("timestamp");

    ApiClient.Response outside =
        api.post(
            "/pipelines/moves/offsets",
            Map.of("to", "offsets", "offsets", Map.of("moves:0", 1000)));
    assertThat(outside.status()).isEqualTo(422);
    assertThat(outside.body().path("field").asString()).isEqualTo("offsets.moves:0");

    ApiClient.Response unknown =
        api.post(
            "/pipelines/moves/offsets?dryRun=true",
            Map.of("to", "offsets", "offsets", Map.of("other:0", 1)));
    assertThat(unknown.status()).isEqualTo(422);

    assertThat(api.post("/pipelines/nothing/offsets", Map.of("to", "latest")).status())
        .isEqualTo(404);
  }
}
