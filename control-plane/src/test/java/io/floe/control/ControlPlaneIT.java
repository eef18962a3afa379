package io.floe.control;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.ControlPlane;
import io.floe.control.testing.TestTopics;
import io.floe.control.testing.Warehouse;
import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
  static LocalKafka kafka;
  static LocalFlinkCluster flink;
  static TestTopics topics;
  static ControlPlane controlPlane;
  static ApiClient api;
  static Warehouse warehouse;

  @BeforeAll
  static void start() {
    kafka = LocalKafka.start(dir.resolve("kafka"));
    flink =
        LocalFlinkCluster.builder(dir.resolve("flink"))
            .taskSlots(4)
            .taskManagerMemory("2048m")
            .start();
    topics = new TestTopics(kafka.bootstrapServers());
    Map<String, Object> properties = ControlPlane.properties(dir.resolve("cp"));
    properties.put("floe.runtime.default-target", "flink-cluster");
    properties.put("floe.runtime.flink-cluster.rest-url", flink.restUrl().toString());
    controlPlane = ControlPlane.start(properties);
    api = controlPlane.admin();
    warehouse = new Warehouse(dir.resolve("cp"));
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (topics != null) {
      topics.close();
    }
    if (flink != null) {
      flink.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  static Map<String, Object> pipeline(String topic, String table, int parallelism) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "source", Map.of("bootstrapServers", kafka.bootstrapServers(), "topics", List.of(topic)));
    body.put(
        "table",
        Map.of(
            "namespace",
            "db",
            "name",
            table,
            "createIfMissing",
            Map.of(
                "columns",
                List.of(
                    Map.of("name", "id", "type", "long", "required", true),
                    Map.of("name", "name", "type", "string"),
                    Map.of("name", "at", "type", "timestamptz")),
                "partitionBy",
                List.of("day(at)"))));
    body.put("badMessages", Map.of("deadLetterTopic", topic + "-dlq"));
    body.put("runtime", Map.of("parallelism", parallelism, "flushInterval", "1s"));
    body.put("labels", Map.of("team", "test"));
    return body;
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
    topics.create("orders", 2);
    topics.create("orders-dlq", 1);

    ApiClient.Response created = api.put("/pipelines/orders", pipeline("orders", "orders", 1));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.header("ETag")).isEqualTo("\"1\"");
    assertThat(created.header("Location")).isEqualTo("/pipelines/orders");
    api.awaitState("orders", "RUNNING", OPERATION);
    topics.send("orders", 1, 500);
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
    TestTopics.Publisher publisher = topics.publish("orders", 501, 200);
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
}
