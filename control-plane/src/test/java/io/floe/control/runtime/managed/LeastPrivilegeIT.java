package io.floe.control.runtime.managed;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.ControlPlane;
import io.floe.control.testing.IdCounts;
import io.floe.control.testing.LocalFlinkEngine;
import io.floe.control.testing.SystemProperties;
import io.floe.control.testing.TestS3;
import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalKafka;
import io.floe.local.LocalS3;
import io.floe.testing.aws.AwsCall;
import io.floe.testing.aws.AwsJsonFakeServer;
import io.floe.testing.aws.FakeCloudWatch;
import io.floe.testing.aws.FakeGlue;
import io.floe.testing.aws.FakeKinesisAnalyticsV2;
import io.floe.testing.aws.FakeSecretsManager;
import io.floe.testing.aws.IamPolicyCheck;
import io.floe.testing.aws.RecordingS3Proxy;
import io.floe.testing.kafka.KafkaTestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The least-privilege policies proven by use, on the production path: a pipeline on Managed Flink
 * (the kinesisanalyticsv2 fake runs it on a local Flink cluster), its table in Glue with files in
 * S3, its Kafka credentials in Secrets Manager, the control plane reading CloudWatch. Every AWS
 * call is recorded with the access key it was signed with: the loader's processes and the service's
 * reads for the application sign as the application role ({@value #LOADER}), the control plane as
 * its own role ({@value #CONTROL_PLANE}). After a run that loads, is maintained, changes schema (a
 * stop with a snapshot and a start from it) and is deleted, each role's calls must all be allowed
 * by its policy, and the policy may grant only what the calls used plus what the README explains
 * (named below, each with its reason).
 */
class LeastPrivilegeIT {
  static final String LOADER = "floe-loader";
  static final String CONTROL_PLANE = "floe-control-plane";
  private static final String TEST = "floe-test";
  private static final String REGION = "eu-west-1";
  private static final String ACCOUNT = "123456789012";
  private static final String ARTIFACTS = "example-floe-artifacts";
  private static final String LAKE = "example-lake";
  private static final String SECRET = "floe/kafka/orders";
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path CONTROL_PLANE_POLICY =
      Path.of("../docs/managed-flink-control-plane-policy.json");

  @TempDir static Path dir;

  static final SystemProperties systemProperties = new SystemProperties();
  static LocalKafka kafka;
  static LocalFlinkCluster flink;
  static LocalS3 s3;
  static RecordingS3Proxy s3Front;
  static FakeSecretsManager secrets;
  static AwsJsonFakeServer secretsServer;
  static FakeGlue glue;
  static AwsJsonFakeServer glueServer;
  static LocalFlinkEngine engine;
  static FakeKinesisAnalyticsV2 kda;
  static AwsJsonFakeServer kdaServer;
  static FakeCloudWatch cloudWatch;
  static ControlPlane controlPlane;
  static ApiClient api;
  static KafkaTestClient topics;
  static Catalog reader;

  @BeforeAll
  static void start() throws Exception {
    secrets = new FakeSecretsManager(REGION, Clock.systemUTC());
    secretsServer = AwsJsonFakeServer.start(secrets);
    secrets.putSecret(SECRET, "{\"apiKey\": \"floe\", \"apiSecret\": \"kafka-secret\"}");
    secrets.clearCalls();
    glue = new FakeGlue(REGION, Clock.systemUTC());
    glueServer = AwsJsonFakeServer.start(glue);
    CompletableFuture<LocalKafka> broker =
        CompletableFuture.supplyAsync(
            () ->
                LocalKafka.builder(dir.resolve("kafka")).scramUser("floe", "kafka-secret").start());
    try {
      flink =
          LocalFlinkCluster.builder(dir.resolve("flink"))
              .taskSlots(2)
              .taskManagerMemory("2048m")
              // The application role, as Managed Flink gives it to the job's clients.
              .environment("AWS_ACCESS_KEY_ID", LOADER)
              .environment("AWS_SECRET_ACCESS_KEY", "test-secret")
              .environment("AWS_REGION", REGION)
              .environment("AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsServer.endpoint().toString())
              .start();
    } finally {
      kafka = broker.get();
    }
    topics = new KafkaTestClient(kafka.bootstrapServers());
    s3 = LocalS3.start(dir.resolve("s3"));
    s3.createBucket(ARTIFACTS, true);
    s3.createBucket(LAKE);
    s3Front = RecordingS3Proxy.start(s3.endpoint());
    // The service reads the application's code with the application's role.
    engine =
        new LocalFlinkEngine(
            flink.restUrl(),
            TestS3.client(s3Front.endpoint(), LOADER),
            dir.resolve("downloads"),
            Duration.ofMinutes(2));
    kda =
        new FakeKinesisAnalyticsV2(
            REGION,
            Clock.systemUTC(),
            FakeKinesisAnalyticsV2.Delays.uniform(Duration.ofMillis(200)),
            Optional.of(engine));
    kdaServer = AwsJsonFakeServer.start(kda);
    cloudWatch = FakeCloudWatch.start();

    // The control plane runs in this JVM: the SDK's default chains find its role here.
    systemProperties
        .set("aws.accessKeyId", CONTROL_PLANE)
        .set("aws.secretAccessKey", "test-secret")
        .set("aws.region", REGION)
        .set("aws.endpointUrlSecretsManager", secretsServer.endpoint().toString());
    Map<String, Object> properties = ControlPlane.properties(dir.resolve("cp"));
    properties.put("floe.runtime.default-target", "managed-flink");
    properties.put("floe.runtime.managed-flink.region", REGION);
    properties.put("floe.runtime.managed-flink.endpoint", kdaServer.endpoint().toString());
    properties.put("floe.runtime.managed-flink.s3-endpoint", s3Front.endpoint().toString());
    properties.put(
        "floe.runtime.managed-flink.service-role-arn",
        "arn:aws:iam::" + ACCOUNT + ":role/floe-loader");
    properties.put("floe.runtime.managed-flink.artifact-bucket", ARTIFACTS);
    properties.put("floe.runtime.managed-flink.log-group", "/floe/loaders");
    properties.put("floe.runtime.managed-flink.snapshots-to-keep", "1");
    properties.put("floe.runtime.managed-flink.steady-state-timeout", "60s");
    properties.put(
        "floe.runtime.managed-flink.cloudwatch.endpoint", cloudWatch.endpoint().toString());
    properties.put("floe.runtime.managed-flink.cloudwatch.refresh", "1s");
    properties.put("floe.maintenance.scheduled", "false");
    lakeCatalog(CONTROL_PLANE)
        .forEach((key, value) -> properties.put("floe.catalogs.default." + key, value));
    controlPlane = ControlPlane.start(properties);
    api = controlPlane.admin();
    Map<String, String> readerProperties = lakeCatalog(TEST);
    readerProperties.put(
        "client.credentials-provider", "io.floe.control.catalog.AccessKeyCredentials");
    readerProperties.put("client.credentials-provider.access-key-id", TEST);
    reader = CatalogUtil.buildIcebergCatalog("reader", readerProperties, new Configuration());
  }

  /**
   * The catalog as a user configures Glue with an S3 warehouse (path-style for the local server).
   */
  private static Map<String, String> lakeCatalog(String caller) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("type", "glue");
    properties.put("glue.endpoint", glueServer.endpoint().toString());
    properties.put("client.region", REGION);
    properties.put("warehouse", "s3://" + LAKE + "/warehouse");
    properties.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    properties.put("s3.endpoint", s3Front.endpoint().toString());
    properties.put("s3.path-style-access", "true");
    return properties;
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      for (AutoCloseable closeable :
          new AutoCloseable[] {
            controlPlane,
            topics,
            engine,
            kdaServer,
            cloudWatch,
            s3Front,
            s3,
            glueServer,
            secretsServer,
            flink,
            kafka,
            reader instanceof AutoCloseable c ? c : null
          }) {
        if (closeable != null) {
          closeable.close();
        }
      }
    } finally {
      systemProperties.close();
    }
  }

  @Test
  void everyCallIsAllowedByItsRolesPolicyAndEveryGrantIsUsedOrExplained() throws IOException {
    topics.createTopic("orders", 2);
    topics.createTopic("orders-dlq", 1);
    topics.sendEvents("orders", 1, 10);

    ApiClient.Response created = api.put("/pipelines/orders", pipeline());
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    api.awaitState("orders", "RUNNING", WAIT);
    assertExactlyOnce(awaitIds(10), 10);
    // Several commits, so that compaction and snapshot expiry have files to rewrite and delete.
    for (long batch = 1; batch < 4; batch++) {
      topics.sendEvents("orders", batch * 10 + 1, batch * 10 + 10);
      awaitIds(batch * 10 + 10);
    }
    assertExactlyOnce(idCounts(), 40);
    JsonNode policy = api.get("/pipelines/orders/iam-policy").body();

    for (String task : List.of("compaction", "snapshot-expiry", "orphan-files")) {
      runMaintenance(task);
    }
    assertThat(api.get("/pipelines/orders/health").body().path("status").asString()).isNotEmpty();
    // A schema change restarts the loader: a stop with a snapshot, a start from it.
    ApiClient.Response added =
        api.post("/pipelines/orders/schema/columns", Map.of("name", "extra", "type", "string"));
    assertThat(added.status()).as(added.toString()).isIn(200, 202);
    if (added.status() == 202) {
      awaitSucceeded(added.body().path("restart").path("id").asString());
    }
    topics.sendEvents("orders", 41, 60);
    api.awaitState("orders", "RUNNING", WAIT);
    assertExactlyOnce(awaitIds(60), 60);
    // A rescale updates the running application.
    ApiClient.Response rescaled =
        api.post("/pipelines/orders/parallelism", Map.of("parallelism", 2));
    assertThat(rescaled.status()).as(rescaled.toString()).isEqualTo(202);
    awaitSucceeded(rescaled.body().path("id").asString());
    topics.sendEvents("orders", 61, 80);
    assertExactlyOnce(awaitIds(80), 80);
    awaitSucceeded(api.delete("/pipelines/orders").body().path("id").asString());

    IamPolicyCheck applicationRole = IamPolicyCheck.of(JSON.writeValueAsString(policy));
    List<AwsCall> loaderCalls = callsOf(LOADER);
    for (String caller : List.of(LOADER, CONTROL_PLANE)) {
      Map<String, Long> byAction = new java.util.TreeMap<>();
      callsOf(caller).forEach(call -> byAction.merge(call.action(), 1L, Long::sum));
      System.out.println("LeastPrivilegeIT: calls of " + caller + " by action: " + byAction);
    }
    assertThat(loaderCalls).as("the loader's calls").isNotEmpty();
    assertThat(applicationRole.denied(loaderCalls))
        .as("calls of the run that GET /pipelines/orders/iam-policy does not allow")
        .isEmpty();
    assertThat(applicationRole.unused(loaderCalls))
        .as("grants of the application role no call of the run used")
        .containsExactlyInAnyOrderElementsOf(explainedApplicationRoleGrants());

    IamPolicyCheck controlPlaneRole = IamPolicyCheck.of(Files.readString(CONTROL_PLANE_POLICY));
    List<AwsCall> controlPlaneCalls = callsOf(CONTROL_PLANE);
    assertThat(controlPlaneRole.denied(controlPlaneCalls))
        .as("calls of the control plane its documented policy does not allow")
        .isEmpty();
    assertThat(controlPlaneRole.unused(controlPlaneCalls))
        .as("grants of the control plane's policy no call used")
        .containsExactlyInAnyOrderElementsOf(explainedControlPlaneGrants());
  }

  /**
   * What the application role grants that the loader does not call itself, as the README explains:
   * Managed Flink, not the job, publishes the metrics and writes the logs with the role.
   */
  private static List<IamPolicyCheck.Grant> explainedApplicationRoleGrants() {
    String logs = "arn:aws:logs:" + REGION + ":" + ACCOUNT + ":log-group:";
    return List.of(
        // The service reads the pinned object version of the code (GetObjectVersion); AWS's
        // documented application role grants GetObject beside it.
        grant("ReadLoaderArtifact", "Action", "s3:GetObject"),
        // The service publishes the application's metrics and writes its logs with the role.
        grant("PublishMetrics", "Action", "cloudwatch:PutMetricData"),
        grant("PublishMetrics", "Resource", "*"),
        grant("FindLogGroups", "Action", "logs:DescribeLogGroups"),
        grant("FindLogGroups", "Resource", logs + "*"),
        grant("FindLogStreams", "Action", "logs:DescribeLogStreams"),
        grant("FindLogStreams", "Resource", logs + "/floe/loaders:log-stream:*"),
        grant("WriteLogs", "Action", "logs:PutLogEvents"),
        grant("WriteLogs", "Resource", logs + "/floe/loaders:log-stream:floe-orders"));
  }

  private static IamPolicyCheck.Grant grant(String statement, String element, String value) {
    return new IamPolicyCheck.Grant(statement, element, value);
  }

  /** What the control plane's documented policy grants beyond this run, as the README explains. */
  private static List<IamPolicyCheck.Grant> explainedControlPlaneGrants() {
    return List.of(
        // After a restart of the control plane, to find the run each application runs.
        grant("ListApplications", "Action", "kinesisanalytics:ListApplications"),
        grant("ListApplications", "Resource", "*"));
  }

  private static List<AwsCall> callsOf(String caller) {
    return Stream.of(
            s3Front.calls(), glue.calls(), secrets.calls(), kda.calls(), cloudWatch.calls())
        .flatMap(List::stream)
        .filter(call -> call.caller().equals(caller))
        .toList();
  }

  private static Map<String, Object> pipeline() {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("bootstrapServers", kafka.saslSsl().orElseThrow().bootstrapServers());
    source.put("topics", List.of("orders"));
    source.put("startingOffsets", "earliest");
    source.put("securityProtocol", "sasl-ssl");
    source.put("saslMechanism", "scram-sha-512");
    source.put("credentialsSecret", "secretsmanager:" + SECRET);
    source.put(
        "kafkaProperties",
        Map.of(
            "ssl.truststore.type",
            "PEM",
            "ssl.truststore.location",
            kafka.saslSsl().orElseThrow().trustedCertificate().toString()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("source", source);
    body.put(
        "table",
        Map.of(
            "namespace",
            "analytics",
            "name",
            "orders",
            "createIfMissing",
            Map.of(
                "columns",
                List.of(
                    Map.of("name", "id", "type", "long", "required", true),
                    Map.of("name", "name", "type", "string"),
                    Map.of("name", "at", "type", "timestamptz")))));
    body.put("badMessages", Map.of("deadLetterTopic", "orders-dlq"));
    body.put("maintenance", Map.of("snapshotExpiry", Map.of("olderThan", "0s", "retainLast", 1)));
    body.put("runtime", Map.of("parallelism", 1, "flushInterval", "1s"));
    return body;
  }

  private static void runMaintenance(String task) {
    ApiClient.Response run = api.post("/pipelines/orders/maintenance/" + task + "/run", Map.of());
    assertThat(run.status()).as(run.toString()).isIn(200, 201, 202);
    String id = run.body().path("id").asString();
    JsonNode done =
        ApiClient.await(
            task + " run " + id + " finished",
            () -> api.get("/pipelines/orders/maintenance/runs/" + id).body(),
            body -> List.of("SUCCEEDED", "FAILED").contains(body.path("state").asString()),
            WAIT);
    assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
  }

  private static void awaitSucceeded(String operation) {
    JsonNode done = api.awaitOperation(operation, WAIT);
    assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
  }

  private static Map<Long, Integer> awaitIds(long upTo) {
    return ApiClient.await(
        "ids 1.." + upTo + " in analytics.orders",
        LeastPrivilegeIT::idCounts,
        counts -> counts.size() >= upTo,
        WAIT);
  }

  private static Map<Long, Integer> idCounts() {
    return IdCounts.of(reader, TableIdentifier.of("analytics", "orders"));
  }

  private static void assertExactlyOnce(Map<Long, Integer> counts, long upTo) {
    List<Long> wrong = new ArrayList<>();
    for (long id = 1; id <= upTo; id++) {
      if (counts.getOrDefault(id, 0) != 1) {
        wrong.add(id);
      }
    }
    assertThat(wrong).as("ids not exactly once").isEmpty();
    assertThat(counts).hasSize((int) upTo);
  }
}
