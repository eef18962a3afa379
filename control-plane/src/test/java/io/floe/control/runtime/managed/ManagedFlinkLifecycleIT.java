package io.floe.control.runtime.managed;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.ControlPlane;
import io.floe.control.testing.TestS3;
import io.floe.control.testing.TestTopics;
import io.floe.control.testing.Warehouse;
import io.floe.local.LocalKafka;
import io.floe.local.LocalS3;
import io.floe.testing.aws.AwsJsonFakeServer;
import io.floe.testing.aws.FakeCloudWatch;
import io.floe.testing.aws.FakeKinesisAnalyticsV2;
import io.floe.testing.aws.ReceivedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The managed-flink target of a real control plane, through the real AWS SDK clients, against the
 * stateful fakes of kinesisanalyticsv2 and S3 (transitions take time; no code runs): the whole
 * lifecycle with every request checked against the API's rules, a stale-token race, a create
 * retried after a lost response, a pipeline over the property limits, the IAM policy, and recovery
 * from what others do to an application (a stop, a forced stop, a rollback), restoring only
 * snapshots newer than what the run committed.
 */
class ManagedFlinkLifecycleIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ROLE = "arn:aws:iam::123456789012:role/floe-loader";
  private static final String BUCKET = "floe-artifacts";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dir;

  static LocalKafka kafka;
  static TestTopics topics;
  static FakeKinesisAnalyticsV2 kda;
  static AwsJsonFakeServer kdaServer;
  static LocalS3 s3;
  static FakeCloudWatch cloudWatch;
  static ControlPlane controlPlane;
  static ApiClient api;
  static Warehouse warehouse;

  /** Someone else's calls (a console, a script), through the real SDK client. */
  static KinesisAnalyticsV2Client outside;

  @BeforeAll
  static void start() {
    System.setProperty("aws.accessKeyId", "akid");
    System.setProperty("aws.secretAccessKey", "secret");
    kafka = LocalKafka.start(dir.resolve("kafka"));
    topics = new TestTopics(kafka.bootstrapServers());
    kda =
        new FakeKinesisAnalyticsV2(
            "eu-west-1",
            Clock.systemUTC(),
            FakeKinesisAnalyticsV2.Delays.uniform(Duration.ofMillis(400)),
            Optional.empty());
    kdaServer = AwsJsonFakeServer.start(kda);
    s3 = LocalS3.start(dir.resolve("s3"));
    s3.createBucket(BUCKET, true);
    cloudWatch = FakeCloudWatch.start();
    Map<String, Object> properties = ControlPlane.properties(dir.resolve("cp"));
    properties.put("floe.runtime.default-target", "managed-flink");
    properties.put("floe.runtime.managed-flink.region", "eu-west-1");
    properties.put("floe.runtime.managed-flink.endpoint", kdaServer.endpoint().toString());
    properties.put("floe.runtime.managed-flink.s3-endpoint", s3.endpoint().toString());
    properties.put("floe.runtime.managed-flink.service-role-arn", ROLE);
    properties.put("floe.runtime.managed-flink.artifact-bucket", BUCKET);
    properties.put("floe.runtime.managed-flink.snapshots-to-keep", "2");
    properties.put("floe.runtime.managed-flink.kpu-limit", "4");
    properties.put("floe.runtime.managed-flink.log-group", "/floe/loaders");
    properties.put("floe.runtime.managed-flink.steady-state-timeout", "5s");
    properties.put(
        "floe.runtime.managed-flink.cloudwatch.endpoint", cloudWatch.endpoint().toString());
    properties.put("floe.runtime.managed-flink.cloudwatch.refresh", "1s");
    properties.put("floe.health.interval", "1s");
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
    if (s3 != null) {
      s3.close();
    }
    if (cloudWatch != null) {
      cloudWatch.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void createStartRescaleRestartUpgradeStopDeleteFollowTheApiRules() throws Exception {
    topics.create("orders", 4);
    topics.create("orders-dlq", 1);
    JsonNode build = awaitBuildArtifact();
    String application = "floe-orders";

    JsonNode uploaded = uploadJar("loader-v2.jar", jar("v2"));
    assertThat(uploaded.path("versionId").asString()).isNotEmpty();
    assertThat(uploaded.path("key").asString())
        .isEqualTo("loader/" + uploaded.path("sha256").asString() + ".jar");
    assertThat(uploadJar("again.jar", jar("v2")).path("sha256")).isEqualTo(uploaded.path("sha256"));
    try (S3Client client = TestS3.client(s3.endpoint(), "akid")) {
      assertThat(
              client
                  .listObjectVersions(r -> r.bucket(BUCKET).prefix(uploaded.path("key").asString()))
                  .versions())
          .hasSize(1);
    }

    // create -> start
    ApiClient.Response created = api.put("/pipelines/orders", pipeline("orders", 1, null));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    awaitOperation(created);
    api.awaitState("orders", "RUNNING", WAIT);
    ReceivedRequest create = only("CreateApplication");
    JsonNode body = json(create);
    assertThat(body.path("ApplicationName").asString()).isEqualTo(application);
    assertThat(body.path("RuntimeEnvironment").asString()).isEqualTo("FLINK-1_20");
    assertThat(body.path("ServiceExecutionRole").asString()).isEqualTo(ROLE);
    JsonNode configuration = body.path("ApplicationConfiguration");
    JsonNode code = configuration.path("ApplicationCodeConfiguration");
    assertThat(code.path("CodeContentType").asString()).isEqualTo("ZIPFILE");
    JsonNode location = code.path("CodeContent").path("S3ContentLocation");
    assertThat(location.path("BucketARN").asString()).isEqualTo("arn:aws:s3:::" + BUCKET);
    assertThat(location.path("FileKey").asString()).isEqualTo(build.path("key").asString());
    assertThat(location.path("ObjectVersion").asString())
        .isEqualTo(build.path("versionId").asString());
    JsonNode flink = configuration.path("FlinkApplicationConfiguration");
    assertThat(flink.path("CheckpointConfiguration").path("ConfigurationType").asString())
        .isEqualTo("CUSTOM");
    assertThat(flink.path("CheckpointConfiguration").path("CheckpointInterval").asLong())
        .isEqualTo(2000);
    assertThat(flink.path("ParallelismConfiguration").path("ConfigurationType").asString())
        .isEqualTo("CUSTOM");
    assertThat(flink.path("ParallelismConfiguration").path("Parallelism").asInt()).isEqualTo(1);
    assertThat(flink.path("ParallelismConfiguration").path("ParallelismPerKPU").asInt())
        .isEqualTo(1);
    assertThat(flink.path("ParallelismConfiguration").path("AutoScalingEnabled").asBoolean(true))
        .isFalse();
    assertThat(flink.path("MonitoringConfiguration").path("ConfigurationType").asString())
        .isEqualTo("CUSTOM");
    assertThat(
            configuration
                .path("ApplicationSnapshotConfiguration")
                .path("SnapshotsEnabled")
                .asBoolean())
        .isTrue();
    List<String> groups = new ArrayList<>();
    configuration
        .path("EnvironmentProperties")
        .path("PropertyGroups")
        .forEach(g -> groups.add(g.path("PropertyGroupId").asString()));
    assertThat(groups).contains("pipeline", "source", "table", "job");
    assertThat(body.path("CloudWatchLoggingOptions").get(0).path("LogStreamARN").asString())
        .isEqualTo(
            "arn:aws:logs:eu-west-1:123456789012:log-group:/floe/loaders:log-stream:"
                + application);
    JsonNode firstStart = json(last("StartApplication"));
    assertThat(restoreType(firstStart)).isEqualTo("RESTORE_FROM_LATEST_SNAPSHOT");

    // rescale: an update of the parallelism of the running application
    awaitOperation(api.post("/pipelines/orders/parallelism", Map.of("parallelism", 2)));
    JsonNode rescale = json(last("UpdateApplication"));
    assertThat(
            rescale
                .path("ApplicationConfigurationUpdate")
                .path("FlinkApplicationConfigurationUpdate")
                .path("ParallelismConfigurationUpdate")
                .path("ParallelismUpdate")
                .asInt())
        .isEqualTo(2);
    assertThat(
            rescale
                .path("RunConfigurationUpdate")
                .path("ApplicationRestoreConfiguration")
                .path("ApplicationRestoreType")
                .asString())
        .isEqualTo("RESTORE_FROM_LATEST_SNAPSHOT");
    assertThat(
            rescale
                .path("RunConfigurationUpdate")
                .path("FlinkRunConfiguration")
                .has("AllowNonRestoredState"))
        .isTrue();
    JsonNode rescaled = api.awaitState("orders", "RUNNING", WAIT);
    assertThat(rescaled.path("status").path("parallelism").asInt()).isEqualTo(2);
    assertThat(application(application).path("ApplicationVersionId").asLong()).isEqualTo(2);

    // refused above the KPU limit (4 KPUs x 1) and above the topic's partitions
    ApiClient.Response tooMany =
        api.post("/pipelines/orders/parallelism", Map.of("parallelism", 5));
    assertThat(tooMany.status()).as(tooMany.toString()).isEqualTo(422);
    assertThat(tooMany.body().toString()).contains("partitions");
    ApiClient.Response forced =
        api.post("/pipelines/orders/parallelism", Map.of("parallelism", 5, "force", true));
    assertThat(forced.status()).as(forced.toString()).isEqualTo(422);
    assertThat(forced.body().toString()).contains("KPU limit");

    // schema change -> restart restoring the stop's snapshot
    warehouse.updateSchema(
        "db", "orders", update -> update.addColumn("extra", Types.StringType.get()));
    awaitOperation(api.post("/pipelines/orders/restart", Map.of()));
    api.awaitState("orders", "RUNNING", WAIT);
    JsonNode restartStart = json(last("StartApplication"));
    assertThat(restoreType(restartStart)).isEqualTo("RESTORE_FROM_CUSTOM_SNAPSHOT");
    String restored =
        restartStart
            .path("RunConfiguration")
            .path("ApplicationRestoreConfiguration")
            .path("SnapshotName")
            .asString();
    assertThat(kda.snapshotNames(application)).contains(restored);

    // artifact upgrade: an UPDATE that restores the state into the new loader
    Map<String, Object> upgraded = pipeline("orders", 2, uploaded.path("sha256").asString());
    ApiClient.Response put = api.put("/pipelines/orders", upgraded);
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    awaitOperation(put);
    api.awaitState("orders", "RUNNING", WAIT);
    JsonNode codeUpdate = json(last("UpdateApplication"));
    JsonNode s3Update =
        codeUpdate
            .path("ApplicationConfigurationUpdate")
            .path("ApplicationCodeConfigurationUpdate")
            .path("CodeContentUpdate")
            .path("S3ContentLocationUpdate");
    assertThat(s3Update.path("FileKeyUpdate").asString())
        .isEqualTo(uploaded.path("key").asString());
    assertThat(s3Update.path("ObjectVersionUpdate").asString())
        .isEqualTo(uploaded.path("versionId").asString());
    assertThat(
            codeUpdate
                .path("RunConfigurationUpdate")
                .path("FlinkRunConfiguration")
                .path("AllowNonRestoredState")
                .asBoolean())
        .isTrue();
    JsonNode upgradeStart = json(last("StartApplication"));
    assertThat(restoreType(upgradeStart)).isEqualTo("RESTORE_FROM_CUSTOM_SNAPSHOT");
    assertThat(
            upgradeStart
                .path("RunConfiguration")
                .path("FlinkRunConfiguration")
                .path("AllowNonRestoredState")
                .asBoolean())
        .isTrue();
    assertThat(kda.snapshotNames(application)).hasSizeLessThanOrEqualTo(2);

    // stop -> delete
    awaitOperation(api.post("/pipelines/orders/stop", Map.of()));
    api.awaitState("orders", "STOPPED", WAIT);
    JsonNode createTimestamp = application(application).path("CreateTimestamp");
    awaitOperation(api.delete("/pipelines/orders"));
    ApiClient.await(
        "application " + application + " deleted",
        () -> kda.application(application),
        Optional::isEmpty,
        WAIT);
    assertThat(api.get("/pipelines/orders").status()).isEqualTo(404);
    JsonNode delete = json(only("DeleteApplication"));
    assertThat(delete.path("CreateTimestamp").decimalValue())
        .isEqualByComparingTo(createTimestamp.decimalValue());

    // every request against the API's rules
    for (ReceivedRequest request : forApplication(application)) {
      JsonNode sent = json(request);
      switch (request.operation()) {
        case "UpdateApplication":
          assertThat(sent.path("ConditionalToken").asString()).as("token of " + sent).isNotEmpty();
          assertThat(request.errorType()).as("a current token: " + sent).isEmpty();
          assertThat(
                  sent.path("RunConfigurationUpdate")
                      .path("FlinkRunConfiguration")
                      .has("AllowNonRestoredState"))
              .as("AllowNonRestoredState sent with " + sent)
              .isTrue();
          break;
        case "StopApplication":
          assertThat(sent.path("Force").asBoolean(false)).as("never Force").isFalse();
          break;
        case "StartApplication":
          assertThat(restoreType(sent)).isNotEqualTo("SKIP_RESTORE_FROM_SNAPSHOT");
          assertThat(
                  sent.path("RunConfiguration")
                      .path("FlinkRunConfiguration")
                      .has("AllowNonRestoredState"))
              .isTrue();
          break;
        default:
          break;
      }
    }
    assertThat(kdaServer.requests("DescribeApplicationOperation")).isNotEmpty();
    List<String> events = new ArrayList<>();
    api.get("/pipelines/orders/events?limit=1000")
        .body()
        .forEach(event -> events.add(event.path("type").asString()));
    // the pipeline is deleted; its events stay readable
    assertThat(events)
        .contains("APPLICATION_CREATED", "APPLICATION_OPERATION_SUCCEEDED", "APPLICATION_DELETED");
  }

  @Test
  void healthShowsTheRestartsAndFailedCheckpointsManagedFlinkPublishesToCloudWatch() {
    topics.create("metered", 1);
    topics.create("metered-dlq", 1);
    awaitOperation(api.put("/pipelines/metered", pipeline("metered", 1, null)));
    api.awaitState("metered", "RUNNING", WAIT);
    JsonNode unknown = health("metered");
    assertThat(unknown.path("runtime").path("restarts").isNumber())
        .as("no datapoint yet: unknown, not zero: " + unknown)
        .isFalse();

    // Managed Flink re-publishes the job's running totals every 15 s.
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    publish("fullRestarts", minute, 0);
    publish("numberOfFailedCheckpoints", minute, 0);
    publish("downtime", minute, 0);
    ApiClient.await(
        "restarts 0 in the health",
        () -> health("metered"),
        h -> h.path("runtime").path("restarts").asLong(-1) == 0,
        WAIT);
    publish("fullRestarts", minute.plusSeconds(15), 1, 2, 3);
    publish("numberOfFailedCheckpoints", minute.plusSeconds(15), 1, 2, 2);

    JsonNode failing =
        ApiClient.await(
            "three restarts in the health",
            () -> health("metered"),
            h -> h.path("runtime").path("restarts").asLong(-1) == 3,
            WAIT);
    assertThat(failing.path("runtime").path("failedCheckpoints").asLong()).isEqualTo(2);
    assertThat(failing.path("runtime").path("state").asString()).isEqualTo("RUNNING");
    assertThat(failing.path("status").asString()).as(failing.toString()).isEqualTo("FAILING");
    assertThat(failing.path("reasons").toString()).contains("restarting in a loop: 3 restarts");
    assertThat(cloudWatch.requests())
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(r.parameters())
                    .containsEntry("MetricDataQueries.member.1.MetricStat.Stat", "Maximum"));
  }

  @Test
  void aStaleConditionalTokenIsResolvedByReadingAgainAndRetrying() {
    topics.create("race", 2);
    topics.create("race-dlq", 1);
    awaitOperation(api.put("/pipelines/race", pipeline("race", 1, null)));
    api.awaitState("race", "RUNNING", WAIT);
    kda.raceNextUpdate("floe-race");
    kdaServer.clearRequests();
    awaitOperation(api.post("/pipelines/race/parallelism", Map.of("parallelism", 2)));
    List<ReceivedRequest> updates = kdaServer.requests("UpdateApplication");
    assertThat(updates).hasSize(2);
    assertThat(updates.get(0).errorType()).contains("ConcurrentModificationException");
    assertThat(updates.get(1).errorType()).isEmpty();
    assertThat(json(updates.get(1)).path("ConditionalToken").asString())
        .isNotEqualTo(json(updates.get(0)).path("ConditionalToken").asString());
    assertThat(api.awaitState("race", "RUNNING", WAIT).path("status").path("parallelism").asInt())
        .isEqualTo(2);
  }

  @Test
  void aCreateRetriedAfterALostResponseReconcilesTheApplicationItCreated() {
    topics.create("retried", 2);
    topics.create("retried-dlq", 1);
    kda.loseResponses("CreateApplication", 1);
    awaitOperation(api.put("/pipelines/retried", pipeline("retried", 1, null)));
    api.awaitState("retried", "RUNNING", WAIT);
    List<ReceivedRequest> creates =
        kdaServer.requests("CreateApplication").stream()
            .filter(r -> r.text("ApplicationName").orElse("").equals("floe-retried"))
            .toList();
    assertThat(creates).hasSize(2);
    assertThat(creates.get(0).httpStatus()).isEqualTo(500);
    assertThat(creates.get(1).errorType()).contains("ResourceInUseException");
    assertThat(kda.application("floe-retried")).isPresent();
    List<String> events = new ArrayList<>();
    api.get("/pipelines/retried/events").body().forEach(e -> events.add(e.path("type").asString()));
    assertThat(events).contains("APPLICATION_EXISTS");
  }

  @Test
  void aPipelineOverThePropertyGroupLimitsIsRefused() {
    topics.create("wide", 1);
    topics.create("wide-dlq", 1);
    Map<String, Object> body = pipeline("wide", 1, null);
    Map<String, String> kafkaProperties = new LinkedHashMap<>();
    for (int i = 0; i < 55; i++) {
      kafkaProperties.put("floe.custom." + i, "x");
    }
    kafkaProperties.put("client.id", "c".repeat(3000));
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("bootstrapServers", kafka.bootstrapServers());
    source.put("topics", List.of("wide"));
    source.put("kafkaProperties", kafkaProperties);
    body.put("source", source);
    ApiClient.Response refused = api.put("/pipelines/wide", body);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    List<String> fields = new ArrayList<>();
    refused.body().path("errors").forEach(e -> fields.add(e.path("field").asString()));
    assertThat(fields).contains("source", "source.kafkaProperties.client.id");
    assertThat(refused.body().toString()).contains("more than 50").contains("2048");
    assertThat(api.get("/pipelines/wide").status()).isEqualTo(404);
    assertThat(kda.application("floe-wide")).isEmpty();
  }

  @Test
  void theIamPolicyOfAPipelineNamesItsArtifactAndLogStream() {
    topics.create("policy", 1);
    topics.create("policy-dlq", 1);
    JsonNode build = awaitBuildArtifact();
    Map<String, Object> body = pipeline("policy", 1, null);
    body.put("desiredState", "STOPPED");
    assertThat(api.put("/pipelines/policy", body).status()).isEqualTo(201);
    ApiClient.Response policy = api.get("/pipelines/policy/iam-policy");
    assertThat(policy.status()).as(policy.toString()).isEqualTo(200);
    Map<String, JsonNode> statements = new LinkedHashMap<>();
    policy.body().path("Statement").forEach(s -> statements.put(s.path("Sid").asString(), s));
    assertThat(statements.get("ReadLoaderArtifact").path("Resource").get(0).asString())
        .isEqualTo("arn:aws:s3:::" + BUCKET + "/" + build.path("key").asString());
    assertThat(statements.get("WriteLogs").path("Resource").get(0).asString())
        .isEqualTo(
            "arn:aws:logs:eu-west-1:123456789012:log-group:/floe/loaders:log-stream:floe-policy");
    assertThat(statements).doesNotContainKey("GlueTable").doesNotContainKey("ReadKafkaCredentials");
  }

  @Test
  void anApplicationStoppedOutsideFloeIsStartedAgainFromTheSnapshotOfThatStop() {
    String pipeline = "stopped-outside";
    String application = "floe-" + pipeline;
    String first = runningPipeline(pipeline, 1);
    warehouse.recordLoaderCommit("db", pipeline, pipeline);

    outside.stopApplication(r -> r.applicationName(application).force(false));
    String stopSnapshot =
        ApiClient.await(
                "the snapshot of the stop",
                () -> kda.snapshotNames(application),
                names -> !names.isEmpty(),
                WAIT)
            .get(0);

    JsonNode status = awaitNewRun(pipeline, first);
    assertThat(status.path("recovery").path("halted").asBoolean(false)).isFalse();
    JsonNode start = json(last(application, "StartApplication"));
    assertThat(restoreType(start)).isEqualTo("RESTORE_FROM_CUSTOM_SNAPSHOT");
    assertThat(snapshotName(start)).isEqualTo(stopSnapshot);
    assertThat(events(pipeline, "RECOVERING"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.path("message").asString())
                    .contains("outside Floe")
                    .contains("restoring " + stopSnapshot));
  }

  @Test
  void aRolledBackApplicationIsStartedAgainFromItsNewestSnapshotSinceTheRunStarted() {
    String pipeline = "rolled-back";
    String application = "floe-" + pipeline;
    String first = runningPipeline(pipeline, 2);
    warehouse.recordLoaderCommit("db", pipeline, pipeline);
    // a rescale: the update of the running application takes a snapshot
    awaitOperation(api.post("/pipelines/" + pipeline + "/parallelism", Map.of("parallelism", 2)));
    api.awaitState(pipeline, "RUNNING", WAIT);
    List<String> snapshots = kda.snapshotNames(application);
    assertThat(snapshots).hasSize(1);

    kda.rolledBack(application);

    awaitNewRun(pipeline, first);
    JsonNode start = json(last(application, "StartApplication"));
    assertThat(restoreType(start)).isEqualTo("RESTORE_FROM_CUSTOM_SNAPSHOT");
    assertThat(snapshotName(start)).isEqualTo(snapshots.get(0));
    assertThat(application(application).path("ApplicationStatus").asString()).isEqualTo("RUNNING");
  }

  @Test
  void aForcedStopRestoresNothingWhenTheOnlySnapshotIsFromBeforeTheRun() {
    String pipeline = "forced-before";
    String application = "floe-" + pipeline;
    runningPipeline(pipeline, 1);
    awaitOperation(api.post("/pipelines/" + pipeline + "/stop", Map.of()));
    api.awaitState(pipeline, "STOPPED", WAIT);
    awaitOperation(api.post("/pipelines/" + pipeline + "/start", Map.of()));
    String second =
        api.awaitState(pipeline, "RUNNING", WAIT).path("status").path("runId").asString();
    assertThat(restoreType(json(last(application, "StartApplication"))))
        .as("the second run starts from the stop's snapshot")
        .isEqualTo("RESTORE_FROM_CUSTOM_SNAPSHOT");
    // the second run commits: the snapshot it started from is older than the table now
    warehouse.recordLoaderCommit("db", pipeline, pipeline);

    outside.stopApplication(r -> r.applicationName(application).force(true));

    awaitNewRun(pipeline, second);
    JsonNode start = json(last(application, "StartApplication"));
    assertThat(restoreType(start)).isEqualTo("SKIP_RESTORE_FROM_SNAPSHOT");
    assertThat(events(pipeline, "RECOVERING"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.path("message").asString())
                    .contains("continuing after the offsets the table recorded"));
  }

  @Test
  void aForcedStopRestoresNothingWhenTheOnlySnapshotIsOlderThanTheTablesLastCommit() {
    String pipeline = "forced-stale";
    String application = "floe-" + pipeline;
    String first = runningPipeline(pipeline, 2);
    awaitOperation(api.post("/pipelines/" + pipeline + "/parallelism", Map.of("parallelism", 2)));
    api.awaitState(pipeline, "RUNNING", WAIT);
    assertThat(kda.snapshotNames(application)).as("the rescale's snapshot").hasSize(1);
    // the run commits after the rescale's snapshot
    warehouse.recordLoaderCommit("db", pipeline, pipeline);

    outside.stopApplication(r -> r.applicationName(application).force(true));

    awaitNewRun(pipeline, first);
    JsonNode start = json(last(application, "StartApplication"));
    assertThat(restoreType(start)).isEqualTo("SKIP_RESTORE_FROM_SNAPSHOT");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Creates a running pipeline on its own topic (and dead-letter topic); answers its run id. */
  private static String runningPipeline(String name, int partitions) {
    topics.create(name, partitions);
    topics.create(name + "-dlq", 1);
    awaitOperation(api.put("/pipelines/" + name, pipeline(name, 1, null)));
    return api.awaitState(name, "RUNNING", WAIT).path("status").path("runId").asString();
  }

  /** Waits until another run than {@code previous} runs the pipeline; answers its status. */
  private static JsonNode awaitNewRun(String pipeline, String previous) {
    return ApiClient.await(
            "a run of " + pipeline + " other than " + previous + " RUNNING",
            () -> api.get("/pipelines/" + pipeline).body(),
            p ->
                p.path("status").path("observedState").asString().equals("RUNNING")
                    && !p.path("status").path("runId").asString().equals(previous),
            WAIT)
        .path("status");
  }

  private static List<JsonNode> events(String pipeline, String type) {
    List<JsonNode> events = new ArrayList<>();
    api.get("/pipelines/" + pipeline + "/events?limit=500")
        .body()
        .forEach(
            event -> {
              if (event.path("type").asString().equals(type)) {
                events.add(event);
              }
            });
    return events;
  }

  private static String snapshotName(JsonNode start) {
    return start
        .path("RunConfiguration")
        .path("ApplicationRestoreConfiguration")
        .path("SnapshotName")
        .asString();
  }

  private static Map<String, Object> pipeline(String topic, int parallelism, String artifact) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "source", Map.of("bootstrapServers", kafka.bootstrapServers(), "topics", List.of(topic)));
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
    Map<String, Object> runtime = new LinkedHashMap<>();
    runtime.put("target", "managed-flink");
    runtime.put("parallelism", parallelism);
    runtime.put("flushInterval", "2s");
    if (artifact != null) {
      runtime.put("artifact", artifact);
    }
    body.put("runtime", runtime);
    return body;
  }

  private static JsonNode awaitBuildArtifact() {
    JsonNode list =
        ApiClient.await(
            "the build's loader JAR registered",
            () -> api.get("/artifacts").body(),
            artifacts -> build(artifacts) != null,
            WAIT);
    return build(list);
  }

  private static JsonNode build(JsonNode artifacts) {
    for (JsonNode artifact : artifacts) {
      if (artifact.path("source").asString().equals("build")) {
        return artifact;
      }
    }
    return null;
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
    assertThat(operation.path("state").asString())
        .as(
            operation
                + " events "
                + api.get("/pipelines/" + operation.path("pipeline").asString() + "/events").body())
        .isEqualTo("SUCCEEDED");
  }

  private static JsonNode uploadJar(String name, byte[] content)
      throws IOException, InterruptedException {
    String boundary = "floe-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name
                + "\"\r\nContent-Type: application/java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(content);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(controlPlane.url() + "/artifacts"))
                    .header("Authorization", "Bearer " + ControlPlane.ADMIN)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    return JSON.readTree(response.body());
  }

  private static byte[] jar(String marker) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      ZipEntry entry = new ZipEntry("META-INF/MANIFEST.MF");
      entry.setTime(0);
      zip.putNextEntry(entry);
      zip.write(
          ("Manifest-Version: 1.0\nFloe-Marker: " + marker + "\n")
              .getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }

  private static JsonNode health(String pipeline) {
    ApiClient.Response response = api.get("/pipelines/" + pipeline + "/health");
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body();
  }

  /** Samples of an application metric 15 s apart from {@code start}, as Managed Flink sends. */
  private static void publish(String metric, Instant start, double... values) {
    for (int i = 0; i < values.length; i++) {
      cloudWatch.record(
          "AWS/KinesisAnalytics",
          metric,
          Map.of("Application", "floe-metered"),
          start.plusSeconds(15L * i),
          values[i]);
    }
  }

  private static List<ReceivedRequest> forApplication(String application) {
    return kdaServer.requests().stream()
        .filter(r -> r.text("ApplicationName").orElse("").equals(application))
        .toList();
  }

  private static ReceivedRequest only(String operation) {
    List<ReceivedRequest> requests =
        forApplication("floe-orders").stream()
            .filter(r -> r.operation().equals(operation))
            .toList();
    assertThat(requests).as(operation).hasSize(1);
    return requests.get(0);
  }

  private static ReceivedRequest last(String operation) {
    return last("floe-orders", operation);
  }

  private static ReceivedRequest last(String application, String operation) {
    List<ReceivedRequest> requests =
        forApplication(application).stream()
            .filter(r -> r.operation().equals(operation) && r.errorType().isEmpty())
            .toList();
    assertThat(requests).as(operation).isNotEmpty();
    return requests.get(requests.size() - 1);
  }

  private static String restoreType(JsonNode start) {
    return start
        .path("RunConfiguration")
        .path("ApplicationRestoreConfiguration")
        .path("ApplicationRestoreType")
        .asString();
  }

  private static JsonNode json(ReceivedRequest request) {
    return JSON.readTree(request.body().toString());
  }

  private static JsonNode application(String name) {
    return JSON.readTree(kda.application(name).orElseThrow().toString());
  }
}
