package io.floe.control.deadletter;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.ControlPlane;
import io.floe.control.testing.FreezeAfterRedriveCommit;
import io.floe.control.testing.TestStack;
import io.floe.control.testing.Warehouse;
import io.floe.loader.deadletter.DeadLetterHeaders;
import io.floe.local.LocalFlinkCluster;
import io.floe.testing.kafka.EventPublisher;
import io.floe.testing.kafka.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Dead letters browsed and loaded again, end to end on a Flink session cluster with a real broker
 * and table: a pipeline that refuses fields the table lacks dead-letters them; once the columns
 * exist (added through the API, and directly in the catalog) a redrive loads exactly those, once,
 * however often it runs and while the loader recovers from a killed TaskManager; what still fails
 * is reported with its reason and stays in the topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeadLetterRedriveIT {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final String TOPIC = "orders";
  private static final String DLQ = "orders-dlq";
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  private static final List<Map<String, Object>> STRICT_NAMES =
      List.of(Map.of("column", "name", "pattern", "(n|event)-\\d+"));
  private static final List<Map<String, Object>> ANY_NAME =
      List.of(Map.of("column", "name", "maxLength", 64));

  @TempDir static Path dir;
  static TestStack stack;
  static KafkaTestClient topics;
  static ApiClient api;
  static Warehouse warehouse;

  @BeforeAll
  static void start() {
    stack =
        TestStack.in(dir).flinkCluster(cluster -> cluster).topic(TOPIC, 2).topic(DLQ, 2).start();
    topics = stack.topics();
    api = stack.api();
    warehouse = stack.warehouse();
    ApiClient.Response created = api.put("/pipelines/" + TOPIC, orders(STRICT_NAMES));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  /** The pipeline: fields the table lacks are refused, and names checked by the rules given. */
  private static Map<String, Object> orders(List<Map<String, Object>> rules) {
    Map<String, Object> body =
        stack.pipeline(TOPIC, TOPIC).deadLetterTopic(DLQ).runtime(1, "1s").rules(rules).body();
    body.put(
        "parsing",
        Map.of("unknownFields", "reject", "metadataColumns", Map.of("headers", "_kafka_headers")));
    @SuppressWarnings("unchecked")
    Map<String, Object> table = (Map<String, Object>) body.get("table");
    @SuppressWarnings("unchecked")
    Map<String, Object> creation =
        new java.util.LinkedHashMap<>((Map<String, Object>) table.get("createIfMissing"));
    @SuppressWarnings("unchecked")
    List<Object> columns = new java.util.ArrayList<>((List<Object>) creation.get("columns"));
    columns.add(Map.of("name", "_kafka_headers", "type", "map<string,string>"));
    creation.put("columns", columns);
    table.put("createIfMissing", creation);
    return body;
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A message with just the table's columns. */
  private static byte[] plain(long id) {
    return json("{\"id\": " + id + ", \"name\": \"n-" + id + "\", \"at\": \"" + AT + "\"}");
  }

  /** A message with a field the table lacks at first. */
  private static byte[] withCountry(long id) {
    return json(
        "{\"id\": "
            + id
            + ", \"name\": \"n-"
            + id
            + "\", \"country\": \"C"
            + id
            + "\", \"at\": \""
            + AT
            + "\"}");
  }

  private static byte[] withChannel(long id) {
    return json("{\"id\": " + id + ", \"channel\": \"web-" + id + "\", \"at\": \"" + AT + "\"}");
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Sends the messages of ids from..to, each with the header trace=t-<id>. */
  private static void send(long from, long to, java.util.function.LongFunction<byte[]> message) {
    KafkaProducer<byte[], byte[]> producer = topics.producer();
    for (long id = from; id <= to; id++) {
      RecordHeaders headers = new RecordHeaders();
      header(headers, "trace", "t-" + id);
      producer.send(
          new ProducerRecord<>(
              TOPIC,
              null,
              null,
              Long.toString(id).getBytes(StandardCharsets.UTF_8),
              message.apply(id),
              headers));
    }
    producer.flush();
  }

  private static Map<Long, Integer> ids() {
    return warehouse.idCounts("db", TOPIC);
  }

  private static JsonNode browse(String query) {
    ApiClient.Response response = api.get("/pipelines/" + TOPIC + "/dead-letters" + query);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body();
  }

  /** Runs a redrive to its end; its view. */
  private static JsonNode redrive(Map<String, Object> request) {
    ApiClient.Response response =
        api.post("/pipelines/" + TOPIC + "/dead-letters/redrive", request);
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    String id = response.body().path("id").asString();
    assertThat(response.header("Location"))
        .isEqualTo("/pipelines/" + TOPIC + "/dead-letters/redrives/" + id);
    JsonNode operation = api.awaitOperation(id, LONG);
    assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("SUCCEEDED");
    assertThat(operation.path("type").asString()).isEqualTo("REDRIVE");
    JsonNode view = api.get("/pipelines/" + TOPIC + "/dead-letters/redrives/" + id).body();
    assertThat(view.path("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(view.path("outcome").asString()).isEqualTo(operation.path("outcome").asString());
    view.path("partitions")
        .properties()
        .forEach(
            p ->
                assertThat(p.getValue().path("position").asLong())
                    .as("partition " + p.getKey() + " read to its end")
                    .isEqualTo(p.getValue().path("end").asLong()));
    return view;
  }

  private static Map<Long, Object> column(String name) {
    return warehouse.columnById("db", TOPIC, name);
  }

  private static List<Snapshot> redriveCommits() {
    Table table = warehouse.table("db", TOPIC);
    return StreamSupport.stream(table.snapshots().spliterator(), false)
        .filter(s -> s.summary().containsKey("floe.redrive.operation"))
        .collect(Collectors.toList());
  }

  private static long succeededRestarts() {
    return succeeded("RESTART");
  }

  /** How many operations of the type succeeded so far. */
  private static long succeeded(String type) {
    return api.get("/pipelines/" + TOPIC + "/operations")
        .body()
        .valueStream()
        .filter(o -> o.path("type").asString().equals(type))
        .filter(o -> o.path("state").asString().equals("SUCCEEDED"))
        .count();
  }

  /** Adds a string column through the API and waits for the loader's restart that applies it. */
  private static void addColumnThroughTheApi(String name) {
    ApiClient.Response change =
        api.post("/pipelines/" + TOPIC + "/schema/columns", Map.of("name", name, "type", "string"));
    assertThat(change.status()).as(change.toString()).isEqualTo(202);
    JsonNode restart =
        api.awaitOperation(change.body().path("restart").path("id").asString(), LONG);
    assertThat(restart.path("state").asString()).as(restart.toString()).isEqualTo("SUCCEEDED");
  }

  @Test
  @Order(1)
  void deadLettersAreCountedPerErrorClassAndPathAndShownSafely() {
    send(1, 100, DeadLetterRedriveIT::plain);
    send(101, 160, DeadLetterRedriveIT::withCountry);
    for (int i = 0; i < 10; i++) {
      topics.send(TOPIC, null, json("{\"id\": 9" + i + ", \"name\": "));
    }
    send(
        501,
        505,
        id -> json("{\"id\": " + id + ", \"name\": \"bad-" + id + "\", \"at\": \"" + AT + "\"}"));
    for (int i = 0; i < 3; i++) {
      topics.send(TOPIC, null, new byte[] {'{', '"', 'i', '"', ':', (byte) 0xC3, (byte) 0x28, '}'});
    }
    topics.flush();
    await("ids 1..100 loaded", DeadLetterRedriveIT::ids, ids -> ids.size() == 100, LONG);
    JsonNode summary =
        await(
            "78 dead letters",
            () -> browse("?samples=50"),
            s -> s.path("matched").asLong() == 78,
            LONG);

    assertThat(summary.path("topic").asString()).isEqualTo(DLQ);
    assertThat(summary.path("truncated").asBoolean()).isFalse();
    Map<String, JsonNode> byClass =
        summary
            .path("byErrorClass")
            .valueStream()
            .collect(Collectors.toMap(c -> c.path("errorClass").asString(), c -> c));
    assertThat(byClass)
        .containsOnlyKeys("UNKNOWN_FIELD", "MALFORMED_JSON", "INVALID_UTF8", "RULE_VIOLATION");
    assertThat(byClass.get("RULE_VIOLATION").path("byPath").path("name").asLong()).isEqualTo(5);
    assertThat(byClass.get("UNKNOWN_FIELD").path("count").asLong()).isEqualTo(60);
    assertThat(byClass.get("UNKNOWN_FIELD").path("byPath").path("country").asLong()).isEqualTo(60);
    assertThat(byClass.get("MALFORMED_JSON").path("count").asLong()).isEqualTo(10);
    assertThat(byClass.get("INVALID_UTF8").path("count").asLong()).isEqualTo(3);

    List<JsonNode> samples = summary.path("samples").valueStream().collect(Collectors.toList());
    assertThat(samples).hasSize(50);
    JsonNode binary =
        samples.stream()
            .filter(s -> s.path("errorClass").asString().equals("INVALID_UTF8"))
            .findFirst()
            .orElseThrow();
    assertThat(binary.path("value").path("encoding").asString()).isEqualTo("hex");
    assertThat(binary.path("value").path("text").asString()).isEqualTo("7b2269223ac3287d");
    JsonNode unknown =
        samples.stream()
            .filter(s -> s.path("errorClass").asString().equals("UNKNOWN_FIELD"))
            .findFirst()
            .orElseThrow();
    assertThat(unknown.path("path").asString()).isEqualTo("country");
    assertThat(unknown.path("sourceTopic").asString()).isEqualTo(TOPIC);
    assertThat(unknown.path("value").path("encoding").asString()).isEqualTo("utf-8");
    assertThat(unknown.path("value").path("text").asString()).contains("\"country\"");

    JsonNode onlyMalformed = browse("?errorClass=MALFORMED_JSON&samples=0");
    assertThat(onlyMalformed.path("matched").asLong()).isEqualTo(10);
    assertThat(onlyMalformed.path("samples").size()).isZero();
    assertThat(api.get("/pipelines/" + TOPIC + "/dead-letters?errorClass=NOPE").status())
        .isEqualTo(400);
  }

  @Test
  @Order(2)
  void aRedriveThatIsAskedWrongIsRefusedNamingTheField() {
    ApiClient.Response wrong =
        api.post(
            "/pipelines/" + TOPIC + "/dead-letters/redrive",
            Map.of("errorClasses", List.of("UNKNOWN_FIELD", "NOPE"), "fromOffset", 5));
    assertThat(wrong.status()).as(wrong.toString()).isEqualTo(400);
    assertThat(
            wrong
                .body()
                .path("errors")
                .valueStream()
                .map(e -> e.path("field").asString())
                .collect(Collectors.toList()))
        .containsExactlyInAnyOrder("errorClasses[1]", "fromOffset");
    assertThat(api.post("/pipelines/nope/dead-letters/redrive", Map.of()).status()).isEqualTo(404);

    // Dead letters hold what producers sent: viewers see neither them nor a redrive's reasons.
    ApiClient viewer = api.as(ControlPlane.VIEWER);
    assertThat(viewer.get("/pipelines/" + TOPIC + "/dead-letters").status()).isEqualTo(403);
    assertThat(viewer.get("/pipelines/" + TOPIC + "/dead-letters/redrives/x").status())
        .isEqualTo(403);
    assertThat(viewer.post("/pipelines/" + TOPIC + "/dead-letters/redrive", Map.of()).status())
        .isEqualTo(403);
    ApiClient operator = api.as(ControlPlane.OPERATOR);
    assertThat(operator.get("/pipelines/" + TOPIC + "/dead-letters?samples=0").status())
        .isEqualTo(200);
    assertThat(
            operator
                .post(
                    "/pipelines/" + TOPIC + "/dead-letters/redrive",
                    Map.of("errorClasses", List.of("NOPE")))
                .status())
        .as("past security to the request's check")
        .isEqualTo(400);
  }

  @Test
  @Order(3)
  void aDryRunReportsWhatWouldLoadAndWritesNothing() {
    addColumnThroughTheApi("country");

    JsonNode dry = redrive(Map.of("dryRun", true));
    assertThat(dry.path("dryRun").asBoolean()).isTrue();
    JsonNode report = dry.path("report");
    assertThat(report.path("examined").asLong()).isEqualTo(78);
    assertThat(report.path("loaded").asLong()).isEqualTo(60);
    assertThat(report.path("stillFailing").asLong()).isEqualTo(18);
    assertThat(report.path("byErrorClass").path("RULE_VIOLATION").path("stillFailingAs"))
        .as("the rule still holds")
        .hasToString("{\"RULE_VIOLATION\":5}");
    assertThat(dry.path("outcome").asString()).startsWith("would load 60 of 78");
    assertThat(redriveCommits()).isEmpty();
    assertThat(ids()).hasSize(100);
  }

  @Test
  @Order(4)
  void aRedriveLoadsExactlyTheDeadLettersThatNowParseOnceHoweverOftenItRuns() {
    JsonNode first = redrive(Map.of());
    JsonNode report = first.path("report");
    assertThat(report.path("loaded").asLong()).isEqualTo(60);
    assertThat(report.path("alreadyLoaded").asLong()).isZero();
    assertThat(report.path("stillFailing").asLong()).isEqualTo(18);
    JsonNode unknown = report.path("byErrorClass").path("UNKNOWN_FIELD");
    assertThat(unknown.path("loaded").asLong()).isEqualTo(60);
    JsonNode malformed = report.path("byErrorClass").path("MALFORMED_JSON");
    assertThat(malformed.path("stillFailing").asLong()).isEqualTo(10);
    assertThat(malformed.path("stillFailingAs").path("MALFORMED_JSON").asLong()).isEqualTo(10);
    assertThat(report.path("samples").valueStream())
        .filteredOn(s -> s.path("errorClass").asString().equals("MALFORMED_JSON"))
        .hasSize(5)
        .allSatisfy(s -> assertThat(s.path("message").asString()).isNotEmpty());

    Map<Long, Integer> ids =
        await("ids 1..160", DeadLetterRedriveIT::ids, counts -> counts.size() == 160, LONG);
    assertThat(ids.keySet())
        .containsExactlyInAnyOrderElementsOf(
            LongStream.rangeClosed(1, 160).boxed().collect(Collectors.toList()));
    assertThat(ids.values()).as("exactly once").containsOnly(1);
    Map<Long, Object> countries = column("country");
    assertThat(countries).hasSize(60);
    assertThat(column("_kafka_headers").get(101L))
        .as("a redriven row's headers are the original message's")
        .isEqualTo(Map.of("trace", "t-101"));
    assertThat(column("_kafka_headers").get(1L))
        .as("a loaded row's headers")
        .isEqualTo(Map.of("trace", "t-1"));
    LongStream.rangeClosed(101, 160)
        .forEach(id -> assertThat(countries.get(id)).isEqualTo("C" + id));
    assertThat(redriveCommits()).hasSize(1);
    assertThat(redriveCommits().get(0).summary())
        .containsEntry("floe.redrive.records", "60")
        .containsEntry("floe.redrive.pipeline", TOPIC);

    JsonNode again = redrive(Map.of());
    assertThat(again.path("report").path("loaded").asLong()).isZero();
    assertThat(again.path("report").path("alreadyLoaded").asLong()).isEqualTo(60);
    assertThat(again.path("report").path("stillFailing").asLong()).isEqualTo(18);
    assertThat(redriveCommits()).hasSize(1);
    assertThat(ids().values()).as("still exactly once").containsOnly(1);
    assertThat(browse("").path("matched").asLong())
        .as("nothing was dead-lettered again")
        .isEqualTo(78);
    List<String> events =
        api.get("/pipelines/" + TOPIC + "/events")
            .body()
            .valueStream()
            .map(e -> e.path("type").asString())
            .collect(Collectors.toList());
    assertThat(events).contains("REDRIVE_STARTED", "REDRIVE_COMMITTED");
  }

  @Test
  @Order(5)
  void aRedriveWhileTheLoaderRecoversFromAKilledTaskManagerLoadsEachIdOnce() throws Exception {
    send(200, 229, DeadLetterRedriveIT::withChannel);
    await(
        "30 more dead letters",
        () -> browse("?errorClass=UNKNOWN_FIELD&samples=0"),
        s -> s.path("matched").asLong() == 90,
        LONG);
    long restartsBefore = succeededRestarts();
    // Directly in the catalog, as another engine would; the loader restarts on its own. The
    // publisher's events also carry extra and more.
    warehouse.updateSchema(
        "db",
        TOPIC,
        update ->
            update
                .addColumn("channel", Types.StringType.get())
                .addColumn("extra", Types.StringType.get())
                .addColumn("more", Types.LongType.get()));
    await(
        "the loader restarted for the new columns",
        DeadLetterRedriveIT::succeededRestarts,
        n -> n > restartsBefore,
        LONG);

    EventPublisher publisher = topics.publish(TOPIC, 10_000, 40);
    long last;
    try {
      await(
          "the loader loads again",
          DeadLetterRedriveIT::ids,
          ids -> ids.containsKey(10_010L),
          LONG);
      LocalFlinkCluster flink = stack.flinkCluster().orElseThrow();
      flink.killTaskManager();
      JsonNode redriven = redrive(Map.of("errorClasses", List.of("UNKNOWN_FIELD")));
      flink.startTaskManager();
      assertThat(redriven.path("range").path("errorClasses").asString()).isEqualTo("UNKNOWN_FIELD");
      assertThat(redriven.path("report").path("loaded").asLong()).isEqualTo(30);
      assertThat(redriven.path("report").path("alreadyLoaded").asLong()).isEqualTo(60);
      assertThat(redriven.path("report").path("stillFailing").asLong())
          .as("malformed ones are outside the range")
          .isZero();
      long publishedAfterTheKill = publisher.published();
      await(
          "loads after the kill",
          DeadLetterRedriveIT::ids,
          ids -> ids.containsKey(publishedAfterTheKill),
          LONG);
    } finally {
      last = publisher.stop();
    }
    long lastId = last;
    Map<Long, Integer> ids =
        await(
            "every published id",
            DeadLetterRedriveIT::ids,
            counts -> LongStream.rangeClosed(10_000, lastId).allMatch(counts::containsKey),
            LONG);
    assertThat(ids.values()).as("exactly once").containsOnly(1);
    assertThat(
            api.get("/pipelines/" + TOPIC + "/events")
                .body()
                .valueStream()
                .map(e -> e.path("message").asString()))
        .as("the kill made the loader restart")
        .anyMatch(
            message ->
                message.startsWith("RUNNING -> RESTARTING")
                    || message.startsWith("RUNNING -> STARTING"));
    List<Long> expected =
        LongStream.concat(
                LongStream.concat(LongStream.rangeClosed(1, 160), LongStream.rangeClosed(200, 229)),
                LongStream.rangeClosed(10_000, last))
            .boxed()
            .collect(Collectors.toList());
    assertThat(ids.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    Map<Long, Object> channels = column("channel");
    LongStream.rangeClosed(200, 229)
        .forEach(id -> assertThat(channels.get(id)).isEqualTo("web-" + id));
  }

  @Test
  @Order(6)
  void afterARuleIsRelaxedARedriveLoadsWhatNowPasses() {
    long updatesBefore = succeeded("UPDATE");
    ApiClient.Response relaxed = api.put("/pipelines/" + TOPIC, orders(ANY_NAME));
    assertThat(relaxed.status()).as(relaxed.toString()).isEqualTo(200);
    await(
        "the loader runs the relaxed rule",
        () -> succeeded("UPDATE"),
        n -> n > updatesBefore,
        LONG);

    JsonNode redriven = redrive(Map.of("errorClasses", List.of("RULE_VIOLATION")));
    assertThat(redriven.path("report").path("loaded").asLong()).isEqualTo(5);
    assertThat(redriven.path("report").path("examined").asLong()).isEqualTo(5);
    Map<Long, Integer> ids = ids();
    assertThat(LongStream.rangeClosed(501, 505).mapToObj(ids::get)).containsOnly(1);
    assertThat(column("name").get(501L)).isEqualTo("bad-501");
  }

  @Test
  @Order(7)
  void aControlPlaneKilledBetweenARedrivesCommitAndItsRecordRepeatsTheBatchWithoutARowTwice()
      throws Exception {
    topics.createTopic("crash", 1);
    topics.createTopic("crash-dlq", 1);
    // Dead letters as the loader writes them: the original record plus Floe's headers.
    KafkaProducer<byte[], byte[]> producer = topics.producer();
    for (long id = 1; id <= 40; id++) {
      RecordHeaders headers = new RecordHeaders();
      header(headers, DeadLetterHeaders.PIPELINE, "crashy");
      header(headers, DeadLetterHeaders.SOURCE_TOPIC, "crash");
      header(headers, DeadLetterHeaders.SOURCE_PARTITION, "0");
      header(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(id * 2));
      header(headers, DeadLetterHeaders.SOURCE_TIMESTAMP, Long.toString(AT.toEpochMilli()));
      header(headers, DeadLetterHeaders.ERROR_CLASS, "WRONG_TYPE");
      header(headers, DeadLetterHeaders.ERROR_MESSAGE, "expected a string, found a number");
      header(headers, DeadLetterHeaders.ERROR_PATH, "name");
      header(headers, DeadLetterHeaders.SNAPSHOT_ID, "1");
      producer.send(
          new ProducerRecord<>("crash-dlq", null, AT.toEpochMilli(), null, plain(id), headers));
    }
    producer.flush();
    Map<String, Object> properties = ControlPlane.properties(dir.resolve("crash"));
    properties.put("floe.runtime.default-target", "flink-cluster");
    properties.put(
        "floe.runtime.flink-cluster.rest-url",
        stack.flinkCluster().orElseThrow().restUrl().toString());
    Map<String, Object> body =
        stack
            .pipeline("crash", "crashy")
            .deadLetterTopic("crash-dlq")
            .desiredState("STOPPED")
            .body();
    FreezeAfterRedriveCommit.frozen = new CountDownLatch(1);
    String id;
    try (ControlPlane first = ControlPlane.start(properties, new FreezeAfterRedriveCommit())) {
      ApiClient.Response created = first.admin().put("/pipelines/crashy", body);
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      ApiClient.Response asked =
          first.admin().post("/pipelines/crashy/dead-letters/redrive", Map.of());
      assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
      id = asked.body().path("id").asString();
      assertThat(FreezeAfterRedriveCommit.frozen.await(2, TimeUnit.MINUTES)).isTrue();
    }
    Warehouse crashWarehouse = new Warehouse(dir.resolve("crash"));
    assertThat(crashWarehouse.idCounts("db", "crashy")).as("committed before the kill").hasSize(40);

    try (ControlPlane second = ControlPlane.start(properties)) {
      JsonNode operation = second.admin().awaitOperation(id, LONG);
      assertThat(operation.path("state").asString())
          .as(operation.toString())
          .isEqualTo("SUCCEEDED");
      JsonNode report =
          second.admin().get("/pipelines/crashy/dead-letters/redrives/" + id).body().path("report");
      assertThat(report.path("loaded").asLong()).isZero();
      assertThat(report.path("alreadyLoaded").asLong()).isEqualTo(40);
    }
    Map<Long, Integer> ids = crashWarehouse.idCounts("db", "crashy");
    assertThat(ids).hasSize(40);
    assertThat(ids.values()).as("exactly once").containsOnly(1);
  }

  private static void header(RecordHeaders headers, String key, String value) {
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
