package io.floe.control;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.ControlPlane;
import io.floe.control.testing.CrashAfterSubmit;
import io.floe.control.testing.TestStack;
import io.floe.control.testing.Warehouse;
import io.floe.local.LocalFlinkCluster;
import io.floe.testing.flink.FlinkTestClient;
import io.floe.testing.kafka.EventPublisher;
import io.floe.testing.kafka.KafkaTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The control plane end to end: real HTTP, a real Flink session cluster, a real Kafka broker, a
 * real Iceberg catalog; pipelines created, stopped, started, restarted and rescaled while data
 * flows, every row counted by its id.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneIT {
  private static final Duration OPERATION = Duration.ofMinutes(3);

  @TempDir static Path dir;
  static TestStack stack;
  static LocalFlinkCluster flink;
  static KafkaTestClient topics;
  static ApiClient api;
  static Warehouse warehouse;

  @BeforeAll
  static void start() {
    stack =
        TestStack.in(dir)
            .flinkCluster(cluster -> cluster.taskSlots(4).taskManagerMemory("2048m"))
            .controlPlaneIn(dir.resolve("cp"))
            .start();
    flink = stack.flinkCluster().orElseThrow();
    topics = stack.topics();
    api = stack.api();
    warehouse = stack.warehouse();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  static Map<String, Object> pipeline(String topic, String table, int parallelism) {
    return stack
        .pipeline(topic, table)
        .partitionBy("day(at)")
        .deadLetterTopic(topic + "-dlq")
        .runtime(parallelism, "1s")
        .labels(Map.of("team", "test"))
        .body();
  }

  private static JsonNode run(ApiClient.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    JsonNode operation = api.awaitOperation(response.body().path("id").asString(), OPERATION);
    assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("SUCCEEDED");
    return operation;
  }

  private static Map<Long, Integer> awaitIds(String table, long upTo) {
    return await(
        "ids 1.." + upTo + " in " + table,
        () -> warehouse.idCounts("db", table),
        counts -> counts.size() >= upTo,
        Duration.ofMinutes(2));
  }

  private static void assertExactlyOnce(Map<Long, Integer> counts, long upTo) {
    assertThat(counts.keySet())
        .isEqualTo(LongStream.rangeClosed(1, upTo).boxed().collect(Collectors.toSet()));
    assertThat(counts.values()).allMatch(n -> n == 1, "every id exactly once");
  }

  @Test
  @Order(1)
  void aCreatedPipelineRunsAndLoadsEveryPublishedRow() {
    topics.createTopic("orders", 2);
    topics.createTopic("orders-dlq", 1);

    ApiClient.Response created = api.put("/pipelines/orders", pipeline("orders", "orders", 1));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.header("ETag")).isEqualTo("\"1\"");
    assertThat(created.header("Location")).isEqualTo("/pipelines/orders");
    api.awaitState("orders", "RUNNING", OPERATION);
    assertThat(warehouse.table("db", "orders").properties())
        .as("Floe's table defaults, set at creation")
        .containsEntry("write.parquet.dict-size-bytes", "65536");
    topics.sendEvents("orders", 1, 500);
    assertExactlyOnce(awaitIds("orders", 500), 500);

    JsonNode view = api.get("/pipelines/orders").body();
    assertThat(view.path("desiredState").asString()).isEqualTo("RUNNING");
    assertThat(view.path("status").path("runId").asString()).hasSize(32);
    assertThat(view.path("status").path("lastOperation").path("type").asString())
        .isEqualTo("START");
    assertThat(view.path("status").path("lastOperation").path("state").asString())
        .isEqualTo("SUCCEEDED");
    assertThat(api.put("/pipelines/orders", pipeline("orders", "orders", 1)).status())
        .as("the same PUT again changes nothing")
        .isEqualTo(200);
    assertThat(api.get("/pipelines/orders").body().path("generation").asLong()).isEqualTo(1);
    assertThat(api.get("/pipelines?label=team=test").body().path("total").asInt()).isEqualTo(1);
    assertThat(api.get("/pipelines?state=STOPPED").body().path("total").asInt()).isEqualTo(0);
  }

  @Test
  @Order(2)
  void stopStartRestartAndRescaleWhileDataFlowsLoseAndDuplicateNothing() throws Exception {
    EventPublisher publisher = topics.publish("orders", 501, 200);
    try {
      run(api.post("/pipelines/orders/stop", Map.of()));
      assertThat(
              api.get("/pipelines/orders").body().path("status").path("observedState").asString())
          .isEqualTo("STOPPED");
      run(api.post("/pipelines/orders/start", Map.of()));
      api.awaitState("orders", "RUNNING", OPERATION);
      run(api.post("/pipelines/orders/restart", Map.of()));
      run(api.post("/pipelines/orders/parallelism", Map.of("parallelism", 2)));
      assertThat(api.get("/pipelines/orders").body().path("status").path("parallelism").asInt())
          .isEqualTo(2);
      run(api.post("/pipelines/orders/parallelism", Map.of("parallelism", 1)));
      assertThat(api.get("/pipelines/orders").body().path("status").path("parallelism").asInt())
          .isEqualTo(1);
    } finally {
      long last = publisher.stop();
      assertExactlyOnce(awaitIds("orders", last), last);
    }
    List<String> types =
        api.get("/pipelines/orders/events?limit=500")
            .body()
            .valueStream()
            .map(event -> event.path("type").asString())
            .collect(Collectors.toList());
    assertThat(types)
        .contains("CREATED", "RUN_SUBMITTED", "SAVEPOINT_COMPLETED", "OPERATION_SUCCEEDED");
    JsonNode anEvent = api.get("/pipelines/orders/events").body().get(0);
    assertThat(anEvent.path("requestId").asString()).isNotBlank();
    assertThat(anEvent.path("actor").asString()).isEqualTo("admin");
  }

  @Test
  @Order(3)
  void badRequestsGetTheirOwnStatusAndNameTheField() {
    Map<String, Object> unknownField = pipeline("orders", "orders", 1);
    unknownField.put("tabel", Map.of());
    assertProblem(api.put("/pipelines/other", unknownField), 400, "tabel");

    Map<String, Object> unknownNested = pipeline("orders", "orders", 1);
    unknownNested.put("runtime", Map.of("paralellism", 2));
    assertProblem(api.put("/pipelines/other", unknownNested), 400, "runtime.paralellism");

    assertProblem(api.put("/pipelines/Bad_Name", pipeline("orders", "orders", 1)), 400, "name");
    assertProblem(api.put("/pipelines/other", "{\"source\": ", new String[0]), 400, null);
    assertProblem(
        api.post("/pipelines/orders/parallelism", Map.of("parallelism", "two")),
        400,
        "parallelism");
    assertProblem(
        api.post("/pipelines/orders/parallelism", Map.of("parallelism", 5)), 422, "parallelism");
    assertProblem(
        api.put("/pipelines/ghost", pipeline("no-such-topic", "ghost", 1)), 422, "source.topics");

    Map<String, Object> longTransactions = pipeline("orders", "other", 1);
    longTransactions.put(
        "badMessages", Map.of("deadLetterTopic", "orders-dlq", "transactionTimeout", "20m"));
    ApiClient.Response refused = api.put("/pipelines/other", longTransactions);
    assertProblem(refused, 422, "badMessages.transactionTimeout");
    assertThat(refused.body().path("errors").get(0).path("message").asString())
        .as("the broker's default maximum, 15 min")
        .contains("transaction.max.timeout.ms (900000 ms)");

    Map<String, Object> badDuration = pipeline("orders", "other", 1);
    badDuration.put("runtime", Map.of("flushInterval", "soon"));
    assertProblem(api.put("/pipelines/other", badDuration), 400, "runtime.flushInterval");

    Map<String, Object> secured = pipeline("orders", "other", 1);
    secured.put(
        "source",
        Map.of(
            "bootstrapServers", stack.bootstrapServers(),
            "topics", List.of("orders"),
            "securityProtocol", "sasl_ssl",
            "saslMechanism", "scram-sha-256",
            "credentialsSecret", "env:FLOE_NO_SUCH_VARIABLE"));
    assertProblem(api.put("/pipelines/other", secured), 422, "source.credentialsSecret");

    assertProblem(
        api.put("/pipelines/orders", pipeline("orders", "orders", 1), "If-Match", "\"999\""),
        412,
        "If-Match");
    assertProblem(api.post("/pipelines/orders", pipeline("orders", "orders", 1)), 405, null);
    assertProblem(api.get("/pipelines/nothing-here"), 404, null);

    ApiClient.Response noToken = api.as(null).get("/pipelines");
    assertProblem(noToken, 401, null);
    assertThat(noToken.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertProblem(api.as("not-a-token").get("/pipelines"), 401, null);
    assertProblem(api.as(ControlPlane.VIEWER).post("/pipelines/orders/stop", Map.of()), 403, null);
    assertProblem(
        api.as(ControlPlane.OPERATOR).put("/pipelines/orders", pipeline("orders", "orders", 1)),
        403,
        null);
    assertThat(api.as(ControlPlane.VIEWER).get("/pipelines/orders").status()).isEqualTo(200);
    assertThat(api.as(null).get("/actuator/health/readiness").status()).isEqualTo(200);
    assertThat(api.as(null).get("/actuator/health/liveness").status()).isEqualTo(200);
    assertProblem(api.as(null).get("/actuator/prometheus"), 401, null);
    assertThat(api.get("/pipelines/other").status()).as("nothing was saved").isEqualTo(404);
  }

  private static void assertProblem(ApiClient.Response response, int status, String field) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.body().path("status").asInt()).isEqualTo(status);
    assertThat(response.body().path("detail").asString()).isNotBlank();
    String type = response.body().path("type").asString();
    assertThat(type).as("a type of Floe's own, relative to the API").startsWith("/problems/");
    ApiClient.Response documented = api.as(null).get(type);
    assertThat(documented.status()).as("GET " + type).isEqualTo(200);
    assertThat(documented.body().path("title").asString())
        .isEqualTo(response.body().path("title").asString());
    assertThat(documented.body().path("description").asString()).isNotBlank();
    if (field != null) {
      assertThat(response.body().path("field").asString()).as(response.toString()).isEqualTo(field);
      assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo(field);
    }
  }

  @Test
  @Order(4)
  void aControlPlaneKilledBetweenSubmitAndRecordComesBackWithoutASecondJob() throws Exception {
    topics.createTopic("crash", 1);
    topics.createTopic("crash-dlq", 1);
    Map<String, Object> properties = ControlPlane.properties(dir.resolve("crash"));
    properties.put("floe.runtime.default-target", "flink-cluster");
    properties.put("floe.runtime.flink-cluster.rest-url", flink.restUrl().toString());
    CrashAfterSubmit.frozen = new java.util.concurrent.CountDownLatch(1);
    String operationId;
    try (ControlPlane first = ControlPlane.start(properties, new CrashAfterSubmit())) {
      ApiClient.Response created =
          first.admin().put("/pipelines/crashy", pipeline("crash", "crashy", 1));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(CrashAfterSubmit.frozen.await(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
      operationId =
          first.admin().get("/pipelines/crashy/operations").body().get(0).path("id").asString();
    }
    try (ControlPlane second = ControlPlane.start(properties)) {
      ApiClient restarted = second.admin();
      JsonNode operation = restarted.awaitOperation(operationId, OPERATION);
      assertThat(operation.path("state").asString())
          .as(operation.toString())
          .isEqualTo("SUCCEEDED");
      restarted.awaitState("crashy", "RUNNING", OPERATION);
      topics.sendEvents("crash", 1, 50);
      Warehouse crashWarehouse = new Warehouse(dir.resolve("crash"));
      assertExactlyOnce(
          await(
              "50 ids",
              () -> crashWarehouse.idCounts("db", "crashy"),
              c -> c.size() >= 50,
              Duration.ofMinutes(2)),
          50);
      assertThat(flinkJobs("floe-crashy")).as("jobs of the pipeline on the cluster").hasSize(1);
      run(restarted, restarted.post("/pipelines/crashy/stop", Map.of()));
    }
  }

  private static JsonNode run(ApiClient client, ApiClient.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    JsonNode operation = client.awaitOperation(response.body().path("id").asString(), OPERATION);
    assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("SUCCEEDED");
    return operation;
  }

  /** The jobs with this name that the cluster has, in any state. */
  private static List<FlinkTestClient.Job> flinkJobs(String name) {
    return stack.flinkRest().jobs().stream()
        .filter(job -> job.name().equals(name))
        .collect(Collectors.toList());
  }

  /** Five rules on the test events' columns; every event of sendEvents passes them. */
  private static List<Map<String, Object>> fiveRules() {
    return List.of(
        Map.of("column", "id", "min", 1),
        Map.of("column", "name", "notNull", true, "pattern", "event-\\d+"),
        Map.of(
            "column",
            "at",
            "notBefore",
            "2023-01-01T00:00:00Z",
            "freshness",
            Map.of("maxAhead", "1h")));
  }

  @Test
  @Order(5)
  void messagesThatBreakARuleAreDeadLetteredWithTheRuleAndCountedApartInHealth() {
    topics.createTopic("graded", 1);
    topics.createTopic("graded-dlq", 1);

    Map<String, Object> misfit =
        stack
            .pipeline("graded", "misfit")
            .deadLetterTopic("graded-dlq")
            .rules(
                List.of(
                    Map.of("column", "price", "min", 0),
                    Map.of("column", "name", "min", 0),
                    Map.of("column", "id", "pattern", "\\d+"),
                    Map.of("column", "name", "pattern", "[a-"),
                    Map.of("column", "name", "freshness", Map.of("maxAge", "7d"))))
            .body();
    ApiClient.Response refused = api.put("/pipelines/misfit", misfit);
    assertProblem(refused, 422, "table.rules[0].column");
    assertThat(refused.body().path("errors").valueStream().map(e -> e.path("field").asString()))
        .containsExactly(
            "table.rules[0].column",
            "table.rules[1].min",
            "table.rules[2].pattern",
            "table.rules[3].pattern",
            "table.rules[4].freshness.maxAge");

    Map<String, Object> graded =
        stack
            .pipeline("graded", "graded")
            .deadLetterTopic("graded-dlq")
            .rules(fiveRules())
            .runtime(1, "1s")
            .body();
    assertThat(api.put("/pipelines/graded", graded).status()).isEqualTo(201);
    api.awaitState("graded", "RUNNING", OPERATION);
    assertThat(api.get("/pipelines/graded").body().path("table").path("rules"))
        .as("the rules read back as given")
        .hasSize(3);

    topics.sendEvents("graded", 1, 200);
    String now =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    Map<String, String> violations =
        Map.of(
            "{\"id\": 0, \"name\": \"event-0\", \"at\": \"" + now + "\"}",
            "id rules[0].min 1",
            "{\"id\": 9001, \"at\": \"" + now + "\"}",
            "name rules[1].notNull true",
            "{\"id\": 9002, \"name\": \"bad\", \"at\": \"" + now + "\"}",
            "name rules[1].pattern event-\\d+",
            "{\"id\": 9003, \"name\": \"event-9003\", \"at\": \"2020-01-01T00:00:00Z\"}",
            "at rules[2].notBefore 2023-01-01T00:00:00Z",
            "{\"id\": 9004, \"name\": \"event-9004\", \"at\": \"2100-01-01T00:00:00Z\"}",
            "at rules[2].freshness.maxAhead 1h");
    violations.keySet().forEach(json -> topics.sendRaw("graded", bytes(json)));
    topics.sendRaw("graded", bytes("{\"id\": 9005, \"name\": "));
    topics.sendEvents("graded", 201, 300);

    assertExactlyOnce(awaitIds("graded", 300), 300);
    List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> deadLetters =
        topics.readCommitted("graded-dlq", 6, Duration.ofMinutes(2));
    Map<String, String> byClass =
        deadLetters.stream()
            .collect(
                Collectors.toMap(
                    r -> header(r, "floe.error.path") + " " + header(r, "floe.error.message"),
                    r -> header(r, "floe.error.class")));
    assertThat(byClass).as(byClass.toString()).hasSize(6);
    assertThat(byClass.values()).containsOnly("RULE_VIOLATION", "MALFORMED_JSON");
    assertThat(byClass.entrySet())
        .filteredOn(e -> e.getValue().equals("RULE_VIOLATION"))
        .extracting(Map.Entry::getKey)
        .hasSize(5)
        .allSatisfy(
            found ->
                assertThat(violations.values())
                    .anySatisfy(rule -> assertThat(found).startsWith(rule)));

    JsonNode health =
        await(
            "health counting the rule violations",
            () -> api.get("/pipelines/graded/health").body(),
            h -> h.path("commits").path("ruleViolationsInWindow").asLong() == 5,
            Duration.ofMinutes(2));
    assertThat(health.path("commits").path("malformedInWindow").asLong())
        .as(health.toString())
        .isEqualTo(1);
    run(api.post("/pipelines/graded/stop", Map.of()));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String header(
      org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record, String key) {
    org.apache.kafka.common.header.Header header = record.headers().lastHeader(key);
    return header == null
        ? null
        : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  @Order(7)
  @SuppressWarnings("unchecked")
  void anUpsertPipelineKeepsTheLastRowOfEachKeyAndItsKeyIsCheckedOnSave() throws Exception {
    topics.createTopic("accounts", 1);
    topics.createTopic("accounts-dlq", 1);
    Map<String, Object> write =
        Map.of(
            "mode",
            "upsert",
            "key",
            List.of("id"),
            "deleteField",
            "op",
            "deleteValues",
            List.of("d"));
    Map<String, Object> partitioned =
        stack.pipeline("accounts", "accounts").partitionBy("day(at)").runtime(1, "1s").body();
    ((Map<String, Object>) partitioned.get("table")).put("write", write);
    assertProblem(api.put("/pipelines/accounts", partitioned), 422, "table.write.key");

    Map<String, Object> optionalKey =
        stack.pipeline("accounts", "accounts").runtime(1, "1s").body();
    ((Map<String, Object>) optionalKey.get("table"))
        .put("write", Map.of("mode", "upsert", "key", List.of("name")));
    assertProblem(api.put("/pipelines/accounts", optionalKey), 422, "table.write.key[0]");
    assertThat(warehouse.exists("db", "accounts")).as("nothing was created").isFalse();

    Map<String, Object> upsert =
        stack
            .pipeline("accounts", "accounts")
            .deadLetterTopic("accounts-dlq")
            .runtime(1, "1s")
            .body();
    ((Map<String, Object>) upsert.get("table")).put("write", write);
    ApiClient.Response created = api.put("/pipelines/accounts", upsert);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(warehouse.table("db", "accounts").schema().identifierFieldNames())
        .as("the key, set as the table's identifier fields")
        .containsExactly("id");
    api.awaitState("accounts", "RUNNING", OPERATION);

    for (long id = 1; id <= 20; id++) {
      topics.send("accounts", key(id), json("{\"id\": " + id + ", \"name\": \"first\"}"));
    }
    for (long id = 1; id <= 10; id++) {
      topics.send("accounts", key(id), json("{\"id\": " + id + ", \"name\": \"second\"}"));
    }
    for (long id = 1; id <= 5; id++) {
      topics.send("accounts", key(id), json("{\"id\": " + id + ", \"op\": \"d\"}"));
    }
    topics.send("accounts", key(6), null); // a tombstone deletes id 6
    topics.send("accounts", key(21), json("{\"id\": 21, \"name\": \"last\"}"));
    topics.flush();

    Map<Long, Object> expected = new java.util.TreeMap<>();
    for (long id = 7; id <= 20; id++) {
      expected.put(id, id <= 10 ? "second" : "first");
    }
    expected.put(21L, "last");
    Map<Long, Object> names =
        await(
            "the last row of every live key",
            () -> new java.util.TreeMap<>(warehouse.columnById("db", "accounts", "name")),
            rows -> rows.containsKey(21L),
            Duration.ofMinutes(2));
    assertThat(names).isEqualTo(expected);
    assertThat(warehouse.idCounts("db", "accounts").values())
        .as("one row per key")
        .allMatch(n -> n == 1);

    // Updates in rounds, each committed before the next: delete files pile up.
    for (int round = 1; round <= 3; round++) {
      String name = "round-" + round;
      for (long id = 11; id <= 20; id++) {
        topics.send("accounts", key(id), json("{\"id\": " + id + ", \"name\": \"" + name + "\"}"));
      }
      topics.flush();
      await(
          name + " committed",
          () -> warehouse.columnById("db", "accounts", "name").get(20L),
          name::equals,
          Duration.ofMinutes(2));
      expected.put(20L, name);
    }
    for (long id = 11; id <= 20; id++) {
      expected.put(id, "round-3");
    }
    // Compaction while the loader commits new keys: the rows stay the model, the deletes fold.
    java.util.concurrent.ExecutorService flow =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    java.util.concurrent.Future<?> flowing =
        flow.submit(
            () -> {
              for (long id = 100; id < 400; id++) {
                topics.send("accounts", key(id), json("{\"id\": " + id + ", \"name\": \"flow\"}"));
                if (id % 20 == 0) {
                  topics.flush();
                  Thread.sleep(200);
                }
              }
              topics.flush();
              return null;
            });
    JsonNode compaction;
    try {
      ApiClient.Response requested =
          api.post("/pipelines/accounts/maintenance/compaction/run", null);
      assertThat(requested.status()).as(requested.toString()).isEqualTo(202);
      String id = requested.body().path("id").asString();
      compaction =
          await(
              "the compaction",
              () -> api.get("/pipelines/accounts/maintenance/runs/" + id).body(),
              run ->
                  run.path("state").asString().equals("SUCCEEDED")
                      || run.path("state").asString().equals("FAILED"),
              Duration.ofMinutes(3));
      flowing.get();
    } finally {
      flow.shutdownNow();
    }
    System.out.println("ControlPlaneIT compaction of an upserted table: " + compaction);
    assertThat(compaction.path("state").asString())
        .as(compaction.toString())
        .isEqualTo("SUCCEEDED");
    JsonNode figures = compaction.path("figures");
    Instant started = Instant.parse(compaction.path("startedAt").asString());
    Instant finished = Instant.parse(compaction.path("finishedAt").asString());
    org.apache.iceberg.Table accounts = warehouse.table("db", "accounts");
    long addedMeanwhile = 0;
    for (org.apache.iceberg.Snapshot snapshot : accounts.snapshots()) {
      Instant at = Instant.ofEpochMilli(snapshot.timestampMillis());
      if (!at.isBefore(started)
          && !at.isAfter(finished)
          && snapshot.summary().containsKey(io.floe.loader.summary.CommitSummary.FLINK_JOB_ID)) {
        addedMeanwhile +=
            Long.parseLong(
                snapshot
                    .summary()
                    .getOrDefault(org.apache.iceberg.SnapshotSummary.ADDED_DELETE_FILES_PROP, "0"));
      }
    }
    assertThat(figures.path("deleteFilesRemoved").asLong()).as(compaction.toString()).isPositive();
    assertThat(figures.path("deleteFilesAfter").asLong() - addedMeanwhile)
        .as(compaction + ", less the loader's " + addedMeanwhile + " delete files meanwhile")
        .isLessThan(figures.path("deleteFilesBefore").asLong());
    for (long id = 100; id < 400; id++) {
      expected.put(id, "flow");
    }
    Map<Long, Object> afterCompaction =
        await(
            "every key after the compaction",
            () -> new java.util.TreeMap<>(warehouse.columnById("db", "accounts", "name")),
            rows -> rows.containsKey(399L),
            Duration.ofMinutes(2));
    assertThat(afterCompaction).isEqualTo(expected);
    assertThat(warehouse.idCounts("db", "accounts").values())
        .as("one row per key after the compaction")
        .allMatch(n -> n == 1);

    ApiClient.Response redrive = api.post("/pipelines/accounts/dead-letters/redrive", Map.of());
    assertThat(redrive.status()).as(redrive.toString()).isEqualTo(409);
    assertThat(redrive.body().path("detail").asString()).contains("upserts by key");
    assertThat(api.delete("/pipelines/accounts").status() / 100).isEqualTo(2);
  }

  private static byte[] key(long id) {
    return json("{\"id\": " + id + "}");
  }

  private static byte[] json(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  @Order(6)
  void theServedApiIsExactlyOpenapiYaml() throws Exception {
    JsonNode served = api.as(null).get("/v3/api-docs").body();
    Path contract = Path.of("..", "openapi.yaml").toAbsolutePath().normalize();
    tools.jackson.dataformat.yaml.YAMLMapper yaml =
        tools.jackson.dataformat.yaml.YAMLMapper.builder()
            .enable(tools.jackson.dataformat.yaml.YAMLWriteFeature.MINIMIZE_QUOTES)
            .disable(tools.jackson.dataformat.yaml.YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .disable(tools.jackson.dataformat.yaml.YAMLWriteFeature.SPLIT_LINES)
            .build();
    boolean write =
        Boolean.getBoolean("floe.openapi.write") || System.getenv("FLOE_OPENAPI_WRITE") != null;
    if (write) {
      java.nio.file.Files.writeString(
          contract,
          "# The Floe API contract: the control plane serves exactly this at /v3/api-docs\n"
              + "# (ControlPlaneIT checks it). Regenerate with FLOE_OPENAPI_WRITE=1 after an API change.\n"
              + yaml.writeValueAsString(served));
    }
    JsonNode expected = yaml.readTree(java.nio.file.Files.readString(contract));
    assertThat(served)
        .as(
            "the served API differs from openapi.yaml; if the change is intended, rerun with"
                + " FLOE_OPENAPI_WRITE=1 and review the diff of openapi.yaml")
        .isEqualTo(expected);
  }
}
