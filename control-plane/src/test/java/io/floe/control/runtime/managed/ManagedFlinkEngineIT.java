package io.floe.control.runtime.managed;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.ControlPlane;
import io.floe.control.testing.LocalFlinkEngine;
import io.floe.control.testing.TestS3;
import io.floe.control.testing.TestTopics;
import io.floe.control.testing.Warehouse;
import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalKafka;
import io.floe.local.LocalS3;
import io.floe.testing.aws.AwsJsonFakeServer;
import io.floe.testing.aws.FakeCloudWatch;
import io.floe.testing.aws.FakeKinesisAnalyticsV2;
import io.floe.testing.aws.ReceivedRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The managed-flink target end to end: the kinesisanalyticsv2 fake runs each application on a local
 * Flink session cluster ({@link LocalFlinkEngine}), with the loader JAR the control plane put in
 * the local S3 server and the property groups it rendered, so a pipeline created over HTTP writes
 * rows to its Iceberg table, and a stop (the service's snapshot: a savepoint) then start restores
 * the loader's state, also when the stop was made outside Floe and the reconciler recovers the
 * pipeline.
 */
class ManagedFlinkEngineIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String BUCKET = "floe-artifacts";
  private static final String APPLICATION = "floe-events";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dir;

  static LocalKafka kafka;
  static LocalFlinkCluster flink;
  static TestTopics topics;
  static LocalS3 s3;
  static LocalFlinkEngine engine;
  static FakeKinesisAnalyticsV2 kda;
  static AwsJsonFakeServer kdaServer;
  static FakeCloudWatch cloudWatch;
  static ControlPlane controlPlane;
  static ApiClient api;
  static Warehouse warehouse;
  static KinesisAnalyticsV2Client outside;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("aws.accessKeyId", "akid");
    System.setProperty("aws.secretAccessKey", "secret");
    CompletableFuture<LocalKafka> broker =
        CompletableFuture.supplyAsync(() -> LocalKafka.start(dir.resolve("kafka")));
    try {
      flink =
          LocalFlinkCluster.builder(dir.resolve("flink"))
              .taskSlots(2)
              .taskManagerMemory("2048m")
              .start();
    } finally {
      kafka = broker.get();
    }
    topics = new TestTopics(kafka.bootstrapServers());
    s3 = LocalS3.start(dir.resolve("s3"));
    s3.createBucket(BUCKET, true);
    engine =
        new LocalFlinkEngine(
            flink.restUrl(),
            TestS3.client(s3.endpoint(), "akid"),
            dir.resolve("engine"),
            Duration.ofMinutes(2));
    kda =
        new FakeKinesisAnalyticsV2(
            "eu-west-1",
            Clock.systemUTC(),
            FakeKinesisAnalyticsV2.Delays.uniform(Duration.ofMillis(200)),
            Optional.of(engine));
    kdaServer = AwsJsonFakeServer.start(kda);
    cloudWatch = FakeCloudWatch.start();
    Map<String, Object> properties = ControlPlane.properties(dir.resolve("cp"));
    properties.put("floe.runtime.default-target", "managed-flink");
    properties.put("floe.runtime.managed-flink.region", "eu-west-1");
    properties.put("floe.runtime.managed-flink.endpoint", kdaServer.endpoint().toString());
    properties.put("floe.runtime.managed-flink.s3-endpoint", s3.endpoint().toString());
    properties.put(
        "floe.runtime.managed-flink.service-role-arn",
        "arn:aws:iam::123456789012:role/floe-loader");
    properties.put("floe.runtime.managed-flink.artifact-bucket", BUCKET);
    properties.put("floe.runtime.managed-flink.log-group", "/floe/loaders");
    properties.put("floe.runtime.managed-flink.steady-state-timeout", "60s");
    properties.put(
        "floe.runtime.managed-flink.cloudwatch.endpoint", cloudWatch.endpoint().toString());
    controlPlane = ControlPlane.start(properties);
    api = controlPlane.admin();
    warehouse = new Warehouse(dir.resolve("cp"));
    outside =
        KinesisAnalyticsV2Client.builder()
            .endpointOverride(kdaServer.endpoint())
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stop() {
    if (outside != null) {
      outside.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (topics != null) {
      topics.close();
    }
    if (kdaServer != null) {
      kdaServer.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (cloudWatch != null) {
      cloudWatch.close();
    }
    if (flink != null) {
      flink.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aPipelineRunsOnManagedFlinkAndAStopThenStartRestoresItsSnapshot() {
    topics.create("events", 2);
    topics.create("events-dlq", 1);
    topics.send("events", 1, 50);

    awaitOperation(api.put("/pipelines/events", pipeline("events")));
    api.awaitState("events", "RUNNING", WAIT);
    assertThat(kda.application(APPLICATION)).isPresent();
    assertThat(engine.job(APPLICATION)).isPresent();
    assertExactlyOnce(awaitIds("events", 50), 50);

    // stop: StopApplication without Force, whose snapshot is a savepoint of the loader
    awaitOperation(api.post("/pipelines/events/stop", Map.of()));
    api.awaitState("events", "STOPPED", WAIT);
    assertThat(engine.job(APPLICATION)).isEmpty();
    List<String> snapshots = kda.snapshotNames(APPLICATION);
    assertThat(snapshots).isNotEmpty();
    String stopSnapshot = snapshots.get(snapshots.size() - 1);

    // published while stopped; the start must pick up exactly there
    topics.send("events", 51, 100);
    awaitOperation(api.post("/pipelines/events/start", Map.of()));
    api.awaitState("events", "RUNNING", WAIT);
    JsonNode start = json(last("StartApplication"));
    JsonNode restore = start.path("RunConfiguration").path("ApplicationRestoreConfiguration");
    String restoreType = restore.path("ApplicationRestoreType").asString();
    assertThat(restoreType).isIn("RESTORE_FROM_LATEST_SNAPSHOT", "RESTORE_FROM_CUSTOM_SNAPSHOT");
    if (restoreType.equals("RESTORE_FROM_CUSTOM_SNAPSHOT")) {
      assertThat(restore.path("SnapshotName").asString()).isEqualTo(stopSnapshot);
    }
    List<FakeKinesisAnalyticsV2.EngineStart> starts =
        engine.starts().stream().filter(s -> s.application().equals(APPLICATION)).toList();
    assertThat(starts).hasSize(2);
    assertThat(starts.get(0).restoreFrom()).isEmpty();
    assertThat(starts.get(1).restoreFrom())
        .as("the loader restarts from the stop's savepoint")
        .hasValueSatisfying(path -> assertThat(path).contains("savepoint"));
    // The pipeline reads from the earliest offsets when it has no state: only the restored
    // offsets keep ids 1..50 from being loaded twice.
    assertExactlyOnce(awaitIds("events", 100), 100);
  }

  @Test
  void anApplicationStoppedOutsideFloeIsRecoveredFromThatStopsSnapshotExactlyOnce() {
    String application = "floe-outside";
    topics.create("outside", 1);
    topics.create("outside-dlq", 1);
    topics.send("outside", 1, 30);
    awaitOperation(api.put("/pipelines/outside", pipeline("outside")));
    String first =
        api.awaitState("outside", "RUNNING", WAIT).path("status").path("runId").asString();
    assertExactlyOnce(awaitIds("outside", 30), 30);

    // someone stops the application in the console: a stop with a snapshot (a savepoint)
    outside.stopApplication(r -> r.applicationName(application).force(false));
    String stopSnapshot =
        ApiClient.await(
                "the snapshot of the stop",
                () -> kda.snapshotNames(application),
                names -> !names.isEmpty(),
                WAIT)
            .get(0);
    topics.send("outside", 31, 60);

    ApiClient.await(
        "a recovered run of outside RUNNING",
        () -> api.get("/pipelines/outside").body().path("status"),
        status ->
            status.path("observedState").asString().equals("RUNNING")
                && !status.path("runId").asString().equals(first),
        WAIT);
    JsonNode restore =
        json(last(application, "StartApplication"))
            .path("RunConfiguration")
            .path("ApplicationRestoreConfiguration");
    assertThat(restore.path("ApplicationRestoreType").asString())
        .isEqualTo("RESTORE_FROM_CUSTOM_SNAPSHOT");
    assertThat(restore.path("SnapshotName").asString()).isEqualTo(stopSnapshot);
    List<FakeKinesisAnalyticsV2.EngineStart> starts =
        engine.starts().stream().filter(s -> s.application().equals(application)).toList();
    assertThat(starts).hasSize(2);
    assertThat(starts.get(1).restoreFrom())
        .as("the recovered loader restarts from the savepoint of the stop made outside Floe")
        .hasValueSatisfying(path -> assertThat(path).contains("savepoint"));
    assertExactlyOnce(awaitIds("outside", 60), 60);
  }

  private static Map<String, Object> pipeline(String topic) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "source",
        Map.of(
            "bootstrapServers",
            kafka.bootstrapServers(),
            "topics",
            List.of(topic),
            "startingOffsets",
            "earliest"));
    body.put(
        "table",
        Map.of(
            "namespace",
            "db",
            "name",
            topic,
            "createIfMissing",
            Map.of(
                "columns",
                List.of(
                    Map.of("name", "id", "type", "long", "required", true),
                    Map.of("name", "name", "type", "string"),
                    Map.of("name", "at", "type", "timestamptz")))));
    body.put("badMessages", Map.of("deadLetterTopic", topic + "-dlq"));
    body.put("runtime", Map.of("target", "managed-flink", "parallelism", 1, "flushInterval", "1s"));
    return body;
  }

  private static Map<Long, Integer> awaitIds(String table, long upTo) {
    return ApiClient.await(
        "ids 1.." + upTo + " in db." + table,
        () -> warehouse.idCounts("db", table),
        counts -> counts.size() >= upTo,
        WAIT);
  }

  private static void assertExactlyOnce(Map<Long, Integer> counts, long upTo) {
    assertThat(counts).hasSize((int) upTo);
    for (long id = 1; id <= upTo; id++) {
      assertThat(counts.get(id)).as("occurrences of id " + id).isEqualTo(1);
    }
  }

  private static void awaitOperation(ApiClient.Response response) {
    assertThat(response.status()).as(response.toString()).isIn(200, 201, 202);
    String id;
    if (response.status() == 202) {
      id = response.body().path("id").asString();
    } else {
      String name = response.body().path("name").asString();
      id =
          api.get("/pipelines/" + name + "/operations?limit=1").body().get(0).path("id").asString();
    }
    JsonNode operation = api.awaitOperation(id, WAIT);
    String pipeline = operation.path("pipeline").asString();
    assertThat(operation.path("state").asString())
        .as(operation + " events " + api.get("/pipelines/" + pipeline + "/events").body())
        .isEqualTo("SUCCEEDED");
  }

  private static ReceivedRequest last(String operation) {
    return last(APPLICATION, operation);
  }

  private static ReceivedRequest last(String application, String operation) {
    List<ReceivedRequest> requests =
        kdaServer.requests(operation).stream()
            .filter(
                r ->
                    r.text("ApplicationName").orElse("").equals(application)
                        && r.errorType().isEmpty())
            .toList();
    assertThat(requests).as(operation).isNotEmpty();
    return requests.get(requests.size() - 1);
  }

  private static JsonNode json(ReceivedRequest request) {
    return JSON.readTree(request.body().toString());
  }
}
