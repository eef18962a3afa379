package io.floe.control.maintenance;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.S3MockObjects;
import io.floe.control.testing.SystemProperties;
import io.floe.control.testing.TestS3;
import io.floe.control.testing.TestStack;
import io.floe.loader.summary.CommitSummary;
import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalS3;
import io.floe.testing.aws.AwsCall;
import io.floe.testing.aws.RecordingS3Proxy;
import io.floe.testing.kafka.EventPublisher;
import io.floe.testing.kafka.KafkaTestClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * The production path's storage for real: pipelines load into an {@code s3://} warehouse through
 * Iceberg's S3FileIO (a JDBC catalog on PostgreSQL), against the local S3 server behind its
 * recording front. Exactly once through a TaskManager kill, health read from the table on S3, and
 * compaction, snapshot expiry, orphan-file cleanup (its listing through S3 prefix operations) and
 * retention run on S3 tables while their loaders commit. The loader (the Flink processes) and the
 * control plane sign with different access keys, so every S3 call is attributed to one of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3WarehouseIT {
  /** The access key id the loader's processes sign with. */
  static final String LOADER_KEY = "floe-loader";

  /** The access key id the control plane signs with. */
  static final String CONTROL_PLANE_KEY = "floe-control-plane";

  private static final String TEST_KEY = "floe-test";
  private static final String BUCKET = "floe-warehouse";
  private static final Duration LONG = Duration.ofMinutes(4);

  @TempDir static Path dir;
  static final SystemProperties systemProperties = new SystemProperties();
  static LocalS3 s3;
  static RecordingS3Proxy front;
  static EmbeddedPostgres postgres;
  static TestStack stack;
  static KafkaTestClient topics;
  static ApiClient api;
  static Catalog catalog;
  static S3Client testS3;
  static long lastId;

  @BeforeAll
  static void start() throws IOException {
    s3 = LocalS3.start(dir.resolve("s3"));
    s3.createBucket(BUCKET);
    front = RecordingS3Proxy.start(s3.endpoint());
    postgres = EmbeddedPostgres.builder().start();
    Map<String, String> catalogProperties = catalogProperties();
    // The control plane finds its credentials through the SDK's default chain.
    systemProperties
        .set("aws.accessKeyId", CONTROL_PLANE_KEY)
        .set("aws.secretAccessKey", "control-plane-secret")
        .set("aws.region", LocalS3.REGION);
    TestStack.Builder builder =
        TestStack.in(dir)
            .flinkCluster(
                cluster ->
                    cluster
                        .taskSlots(3)
                        .taskManagerMemory("2048m")
                        .environment("AWS_ACCESS_KEY_ID", LOADER_KEY)
                        .environment("AWS_SECRET_ACCESS_KEY", "loader-secret")
                        .environment("AWS_REGION", LocalS3.REGION))
            .property("floe.maintenance.interval", "1s")
            .property("floe.health.interval", "2s")
            .topic("events", 2)
            .topic("daily", 1);
    catalogProperties.forEach(
        (key, value) -> builder.property("floe.catalogs.default." + key, value));
    stack = builder.start();
    topics = stack.topics();
    api = stack.api();

    // The test reads the tables with a key of its own, apart from the loader's and control plane's.
    Map<String, String> testCatalog = new LinkedHashMap<>(catalogProperties);
    testCatalog.put("s3.access-key-id", TEST_KEY);
    testCatalog.put("s3.secret-access-key", "test-secret");
    // The same name: a JDBC catalog files its tables under its name.
    catalog = CatalogUtil.buildIcebergCatalog("default", testCatalog, new Configuration());
    testS3 = TestS3.client(front.endpoint(), TEST_KEY);
  }

  private static Map<String, String> catalogProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("type", "jdbc");
    properties.put("uri", postgres.getJdbcUrl("postgres", "postgres"));
    properties.put("jdbc.user", "postgres");
    properties.put("jdbc.password", "postgres");
    properties.put("warehouse", "s3://" + BUCKET + "/warehouse");
    properties.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    properties.put("s3.endpoint", front.endpoint().toString());
    properties.put("s3.path-style-access", "true");
    properties.put("client.region", LocalS3.REGION);
    return properties;
  }

  @AfterAll
  static void stop() throws IOException {
    if (stack != null) {
      stack.close();
    }
    if (catalog instanceof java.io.Closeable closeable) {
      closeable.close();
    }
    if (testS3 != null) {
      testS3.close();
    }
    if (front != null) {
      front.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (s3 != null) {
      s3.close();
    }
    systemProperties.close();
  }

  @Test
  @Order(1)
  void loadsIntoS3ExactlyOnceThroughATaskManagerKill() throws Exception {
    Map<String, Object> body =
        stack
            .pipeline("events", "events")
            .runtime(2, "1s")
            .maintenance(Map.of("compaction", Map.of("targetFileSize", "1MiB")))
            .body();
    assertThat(api.put("/pipelines/events", body).status()).isEqualTo(201);
    api.awaitState("events", "RUNNING", LONG);

    EventPublisher publisher = topics.publish("events", 1, 300);
    LocalFlinkCluster flink = stack.flinkCluster().orElseThrow();
    try {
      awaitLoaderCommits("events", 5);
      flink.killTaskManager();
      flink.startTaskManager();
      int before = loaderCommits(table("events")).size();
      awaitLoaderCommits("events", before + 5);
    } finally {
      lastId = publisher.stop();
    }
    awaitIds("events", lastId);

    Table table = table("events");
    assertThat(TestTables.idCounts(table).values()).as("exactly once").containsOnly(1);
    assertThat(table.location()).startsWith("s3://" + BUCKET + "/warehouse/");
    assertThat(dataFiles(table)).allMatch(location -> location.startsWith("s3://" + BUCKET + "/"));
    List<AwsCall> calls = front.calls();
    assertThat(calls)
        .as("the loader writes data files with its own key")
        .anyMatch(
            call ->
                call.caller().equals(LOADER_KEY)
                    && call.action().equals("s3:PutObject")
                    && call.resource().contains("/warehouse/db/events/data/"));
    assertThat(calls)
        .as("the control plane created the table with its own key")
        .anyMatch(
            call ->
                call.caller().equals(CONTROL_PLANE_KEY)
                    && call.action().equals("s3:PutObject")
                    && call.resource().contains("/warehouse/db/events/metadata/"));
    assertThat(calls.stream().map(AwsCall::caller).collect(Collectors.toSet()))
        .containsOnly(LOADER_KEY, CONTROL_PLANE_KEY, TEST_KEY);
  }

  @Test
  @Order(2)
  void healthReadsTheTableOnS3() {
    JsonNode health =
        await(
            "health of events with its commits",
            () -> api.get("/pipelines/events/health").body(),
            h -> !h.path("commits").path("lastCommitAt").asString("").isEmpty(),
            LONG);
    assertThat(health.path("runtime").path("state").asString()).isEqualTo("RUNNING");
    assertThat(health.path("commits").path("freshnessSeconds").asLong())
        .as(health.toString())
        .isLessThan(120);
    assertThat(health.path("commits").path("recordsPerMinute").asDouble())
        .as(health.toString())
        .isPositive();
  }

  @Test
  @Order(3)
  void compactionExpiryAndOrphanCleanupRunOnS3WhileTheLoaderCommits() throws Exception {
    String orphanKey = "warehouse/db/events/data/00000-lost-by-a-crash.parquet";
    EventPublisher publisher = topics.publish("events", lastId + 1, 300);
    JsonNode compaction;
    JsonNode expiry;
    JsonNode orphans;
    List<String> compactionErrors;
    try {
      awaitLoaderCommits("events", loaderCommits(table("events")).size() + 3);
      compaction = requestAndAwait("events", "compaction");
      compactionErrors = front.errors();

      Map<String, Object> body =
          stack
              .pipeline("events", "events")
              .runtime(2, "1s")
              .maintenance(
                  Map.of(
                      "compaction", Map.of("targetFileSize", "1MiB"),
                      "snapshotExpiry", Map.of("olderThan", "0s", "retainLast", 3)))
              .body();
      assertThat(api.put("/pipelines/events", body).status()).isEqualTo(200);
      expiry = requestAndAwait("events", "snapshot-expiry");

      // A file no snapshot names, four days old: what a crashed writer leaves behind.
      testS3.putObject(r -> r.bucket(BUCKET).key(orphanKey), RequestBody.fromString("x"));
      S3MockObjects.setLastModified(
          s3.dataDir(), BUCKET, orphanKey, Instant.now().minus(Duration.ofDays(4)));
      front.clear();
      orphans = requestAndAwait("events", "orphan-files");
    } finally {
      lastId = publisher.stop();
    }

    assertThat(compaction.path("state").asString())
        .as(compaction + "\nS3 errors: " + compactionErrors)
        .isEqualTo("SUCCEEDED");
    assertThat(compaction.path("figures").path("filesRewritten").asLong())
        .as(compaction.toString())
        .isPositive();
    assertThat(expiry.path("state").asString()).as(expiry.toString()).isEqualTo("SUCCEEDED");
    assertThat(expiry.path("figures").path("snapshotsExpired").asLong())
        .as(expiry.toString())
        .isPositive();
    assertThat(expiry.path("figures").path("filesDeleted").asLong())
        .as("the small files compaction replaced went with their snapshots: " + expiry)
        .isPositive();
    assertThat(orphans.path("state").asString()).as(orphans.toString()).isEqualTo("SUCCEEDED");
    assertThat(orphans.path("figures").path("filesDeleted").asLong())
        .as(orphans.toString())
        .isEqualTo(1);
    assertThat(testS3.listObjectsV2(r -> r.bucket(BUCKET).prefix(orphanKey)).contents()).isEmpty();
    assertThat(front.calls())
        .as("the orphan listing went through S3 prefix listing, by the control plane")
        .anyMatch(
            call ->
                call.caller().equals(CONTROL_PLANE_KEY)
                    && call.action().equals("s3:ListBucket")
                    && call.conditions()
                        .getOrDefault("s3:prefix", "")
                        .startsWith("warehouse/db/events"));
    assertThat(front.calls())
        .contains(
            new AwsCall(
                CONTROL_PLANE_KEY, "s3:DeleteObject", "arn:aws:s3:::" + BUCKET + "/" + orphanKey));

    awaitIds("events", lastId);
    Table table = table("events");
    assertThat(TestTables.idCounts(table).values()).as("exactly once").containsOnly(1);
    assertThat(compactionCommits(table)).isNotEmpty();
    assertThat(loaderCommitsBetween(table, compaction))
        .as("the loader committed meanwhile")
        .isNotEmpty();
  }

  @Test
  @Order(4)
  void retentionDropsOldPartitionsOnS3WhileTheLoaderCommits() throws Exception {
    Map<String, Object> body =
        stack
            .pipeline("daily", "daily")
            .partitionBy("day(at)")
            .runtime(1, "1s")
            .maintenance(Map.of("retention", Map.of("column", "at", "olderThan", "3d")))
            .body();
    assertThat(api.put("/pipelines/daily", body).status()).isEqualTo(201);
    api.awaitState("daily", "RUNNING", LONG);
    Instant now = Instant.now();
    long id = 0;
    for (int day = 0; day <= 6; day++) {
      for (int i = 0; i < 20; i++) {
        topics.sendRaw("daily", event(++id, now.minus(Duration.ofDays(day))));
      }
    }
    topics.flush();
    awaitIds("daily", id);

    long[] live = {id};
    Thread publisher =
        new Thread(
            () -> {
              for (int i = 0; i < 30; i++) {
                topics.sendRaw("daily", event(++live[0], Instant.now()));
                topics.flush();
                pause(100);
              }
            });
    publisher.start();
    JsonNode run = requestAndAwait("daily", "retention");
    publisher.join();

    assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    assertThat(run.path("figures").path("partitionsDropped").asLong())
        .as(run.toString())
        .isEqualTo(3);
    assertThat(run.path("figures").path("rowsDeleted").asLong()).as(run.toString()).isEqualTo(60);
    // Days 0..3 (80 rows) and every live row stay, each once.
    await(
        "the live rows in daily",
        () -> TestTables.idCounts(table("daily")).containsKey(live[0]),
        found -> found,
        LONG);
    Map<Long, Integer> counts = TestTables.idCounts(table("daily"));
    assertThat(counts.values()).as("exactly once").containsOnly(1);
    assertThat(counts).hasSize(80 + (int) (live[0] - id));
  }

  // Helpers

  private static Table table(String name) {
    return catalog.loadTable(TableIdentifier.of("db", name));
  }

  private static byte[] event(long id, Instant at) {
    return String.format(
            "{\"id\": %d, \"name\": \"event-%d\", \"at\": \"%s\"}",
            id, id, at.truncatedTo(ChronoUnit.MICROS))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonNode requestAndAwait(String pipeline, String task) {
    ApiClient.Response response =
        api.post("/pipelines/" + pipeline + "/maintenance/" + task + "/run", null);
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    String id = response.body().path("id").asString();
    return await(
        "maintenance run " + id,
        () -> api.get("/pipelines/" + pipeline + "/maintenance/runs/" + id).body(),
        run ->
            run.path("state").asString().equals("SUCCEEDED")
                || run.path("state").asString().equals("FAILED"),
        LONG);
  }

  private static void awaitIds(String name, long lastId) {
    await(
        "ids 1.." + lastId + " in " + name,
        () -> TestTables.idCounts(table(name)).keySet().stream().filter(id -> id <= lastId).count(),
        count -> count == lastId,
        LONG);
  }

  private static void awaitLoaderCommits(String name, int count) {
    await(
        count + " loader commits to " + name,
        () -> loaderCommits(table(name)).size(),
        n -> n >= count,
        LONG);
  }

  private static List<Snapshot> snapshots(Table table) {
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    snapshots.sort((a, b) -> Long.compare(a.sequenceNumber(), b.sequenceNumber()));
    return snapshots;
  }

  private static List<Snapshot> loaderCommits(Table table) {
    table.refresh();
    return snapshots(table).stream()
        .filter(s -> s.summary().containsKey(CommitSummary.FLINK_JOB_ID))
        .toList();
  }

  private static List<Snapshot> compactionCommits(Table table) {
    table.refresh();
    return snapshots(table).stream()
        .filter(s -> "compaction".equals(s.summary().get("floe.maintenance")))
        .toList();
  }

  private static List<Snapshot> loaderCommitsBetween(Table table, JsonNode run) {
    Instant started = Instant.parse(run.path("startedAt").asString());
    Instant finished = Instant.parse(run.path("finishedAt").asString());
    return loaderCommits(table).stream()
        .filter(s -> !Instant.ofEpochMilli(s.timestampMillis()).isBefore(started))
        .filter(s -> !Instant.ofEpochMilli(s.timestampMillis()).isAfter(finished))
        .toList();
  }

  private static Set<String> dataFiles(Table table) throws IOException {
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      Set<String> files = new java.util.HashSet<>();
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        files.add(file.location());
      }
      return files;
    }
  }
}
