package io.floe.control.catalog;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.IdCounts;
import io.floe.control.testing.SystemProperties;
import io.floe.control.testing.TestStack;
import io.floe.loader.summary.CommitSummary;
import io.floe.testing.aws.AwsCall;
import io.floe.testing.aws.AwsJsonFakeServer;
import io.floe.testing.aws.FakeGlue;
import io.floe.testing.aws.ReceivedRequest;
import io.floe.testing.kafka.EventPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.aws.glue.GlueCatalog;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
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
 * Iceberg's real {@code GlueCatalog}, through the real AWS SDK, against {@link FakeGlue}: a Flink
 * loader commits through it, the control plane changes the schema and runs compaction and snapshot
 * expiry through it while the loader commits, and two writers race on one Glue table. Every Glue
 * call is attributed to its caller by access key: the loader's processes sign with {@value
 * #LOADER_KEY}, the control plane's JVM with {@value #CONTROL_PLANE_KEY}, the test's own catalogs
 * with keys of their own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GlueCatalogIT {
  static final String LOADER_KEY = "floe-loader";
  static final String CONTROL_PLANE_KEY = "floe-control-plane";
  private static final String REGION = "us-east-1";
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final int RATE = 200;
  private static final String TABLE = "events";

  @TempDir static Path dir;
  static FakeGlue glue;
  static AwsJsonFakeServer glueServer;
  static Map<String, String> catalogProperties;
  static final SystemProperties systemProperties = new SystemProperties();
  static TestStack stack;
  static ApiClient api;
  static Catalog reader;
  static EventPublisher publisher;

  /**
   * The warehouse and its file IO: a local directory here. For an S3 warehouse, give {@code
   * s3://bucket/warehouse} with {@code io-impl=org.apache.iceberg.aws.s3.S3FileIO} and the S3
   * endpoint's properties instead.
   */
  static Map<String, String> warehouse(Path dir) {
    return Map.of(
        "warehouse",
        dir.resolve("warehouse").toUri().toString(),
        "io-impl",
        "org.apache.iceberg.hadoop.HadoopFileIO");
  }

  /** The Iceberg properties of a Glue catalog on the fake, as a user configures one. */
  static Map<String, String> glueCatalog(Path dir) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("type", "glue");
    properties.put("glue.endpoint", glueServer.endpoint().toString());
    properties.put("client.region", REGION);
    properties.putAll(warehouse(dir));
    return properties;
  }

  @BeforeAll
  static void start() {
    glue = new FakeGlue();
    glueServer = AwsJsonFakeServer.start(glue);
    catalogProperties = glueCatalog(dir);
    // The control plane runs in this JVM: the SDK's default chain finds its key here.
    systemProperties
        .set("aws.accessKeyId", CONTROL_PLANE_KEY)
        .set("aws.secretAccessKey", "test-secret");
    TestStack.Builder builder =
        TestStack.in(dir)
            .flinkCluster(
                cluster ->
                    cluster
                        .taskSlots(4)
                        .taskManagerMemory("2048m")
                        .environment("AWS_ACCESS_KEY_ID", LOADER_KEY)
                        .environment("AWS_SECRET_ACCESS_KEY", "test-secret")
                        .environment("AWS_REGION", REGION))
            .property("floe.maintenance.scheduled", "false")
            .property("floe.maintenance.interval", "1s")
            .topic(TABLE, 2);
    catalogProperties.forEach(
        (key, value) -> builder.property("floe.catalogs.default." + key, value));
    stack = builder.start();
    api = stack.api();
    reader = testCatalog("floe-test-reader");
    Map<String, Object> body =
        stack
            .pipeline(TABLE, TABLE)
            .runtime(2, "1s")
            .maintenance(
                Map.of(
                    "compaction",
                    Map.of("targetFileSize", "1MiB"),
                    "snapshotExpiry",
                    Map.of("olderThan", "0s", "retainLast", 3)))
            .body();
    ApiClient.Response created = api.put("/pipelines/" + TABLE, body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    api.awaitState(TABLE, "RUNNING", LONG);
    publisher = stack.topics().publish(TABLE, 1, RATE);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (publisher != null) {
        publisher.stop();
      }
      if (stack != null) {
        stack.close();
      }
      if (reader instanceof AutoCloseable closeable) {
        closeable.close();
      }
      if (glueServer != null) {
        glueServer.close();
      }
    } finally {
      systemProperties.close();
    }
  }

  @Test
  @Order(1)
  void theLoaderCommitsThroughGlue() {
    await("ten loader commits", () -> loaderCommits().size(), n -> n >= 10, LONG);

    Map<String, String> parameters = tableParameters();
    assertThat(parameters).containsEntry("table_type", "ICEBERG");
    assertThat(parameters.get("previous_metadata_location")).isNotNull();
    // What Glue points at is the table's current metadata, or one it has since replaced.
    var metadata = ((HasTableOperations) table()).operations().current();
    List<String> known = new ArrayList<>();
    known.add(metadata.metadataFileLocation());
    metadata.previousFiles().forEach(entry -> known.add(entry.file()));
    assertThat(known).contains(parameters.get("metadata_location"));
    String tableArn = glue.tableArn("db", TABLE);
    assertThat(glue.calls())
        .as("the control plane created the database and the table")
        .contains(
            new AwsCall(CONTROL_PLANE_KEY, "glue:CreateDatabase", glue.databaseArn("db")),
            new AwsCall(CONTROL_PLANE_KEY, "glue:CreateTable", tableArn))
        .as("the loader read and updated the table")
        .contains(
            new AwsCall(LOADER_KEY, "glue:GetTable", tableArn),
            new AwsCall(LOADER_KEY, "glue:UpdateTable", tableArn),
            new AwsCall(LOADER_KEY, "glue:UpdateTable", glue.catalogArn()));
    // Every commit is one UpdateTable with the VersionId it read, without archiving a version.
    assertThat(updates(TABLE))
        .hasSizeGreaterThanOrEqualTo(10)
        .allSatisfy(r -> assertThat(r.text("VersionId")).isPresent())
        .allSatisfy(r -> assertThat(r.body().path("SkipArchive").asBoolean()).isTrue());
  }

  @Test
  @Order(2)
  void aSchemaChangeThroughTheApiCommitsThroughGlueWhileTheLoaderCommits() {
    int commitsBefore = loaderCommits().size();
    ApiClient.Response added =
        api.post(
            "/pipelines/" + TABLE + "/schema/columns",
            Map.of("name", "more", "type", "int", "after", "name"));
    assertThat(added.status()).as(added.toString()).isEqualTo(202);
    assertThat(added.body().path("schema").path("columns").get(2).path("name").asString())
        .isEqualTo("more");
    JsonNode restart = api.awaitOperation(added.body().path("restart").path("id").asString(), LONG);
    assertThat(restart.path("state").asString()).as(restart.toString()).isEqualTo("SUCCEEDED");

    int schemaId = table().schema().schemaId();
    await(
        "loader commits of the new schema",
        () ->
            loaderCommits().stream()
                .filter(
                    s ->
                        Integer.toString(schemaId).equals(s.summary().get(CommitSummary.SCHEMA_ID)))
                .count(),
        n -> n >= 3,
        LONG);
    assertThat(loaderCommits().size()).isGreaterThan(commitsBefore);
    assertThat(table().schema().findField("more")).isNotNull();
    assertThat(glue.calls())
        .contains(new AwsCall(CONTROL_PLANE_KEY, "glue:UpdateTable", glue.tableArn("db", TABLE)));
  }

  @Test
  @Order(3)
  void compactionAndSnapshotExpiryCommitThroughGlueWhileTheLoaderCommitsAndNoRowIsLostOrDoubled()
      throws Exception {
    int loaderCommitsBefore = loaderCommits().size();
    int rejectedBefore = rejectedUpdates(TABLE).size();
    // The compaction's commit waits for a loader commit to land first, as one that overtakes it
    // does: Glue rejects its VersionId and Iceberg retries on top of the loader's commit.
    glue.overtakeNextUpdate(CONTROL_PLANE_KEY, "db", TABLE);
    JsonNode compaction = requestAndAwait("compaction");
    assertThat(compaction.path("state").asString())
        .as(compaction.toString())
        .isEqualTo("SUCCEEDED");
    assertThat(compaction.path("figures").path("filesRewritten").asLong())
        .as(compaction.toString())
        .isPositive();
    Instant started = Instant.parse(compaction.path("startedAt").asString());
    Instant finished = Instant.parse(compaction.path("finishedAt").asString());
    assertThat(rejectedUpdates(TABLE))
        .as("Glue rejected the compaction's first UpdateTable: a loader commit overtook it")
        .hasSizeGreaterThan(rejectedBefore);
    assertThat(loaderCommits())
        .as("loader commits while the compaction ran: " + compaction)
        .anySatisfy(
            s ->
                assertThat(Instant.ofEpochMilli(s.timestampMillis())).isBetween(started, finished));
    await(
        "loader commits after the compaction",
        () -> loaderCommits().size(),
        n -> n >= loaderCommitsBefore + 3,
        LONG);

    JsonNode expiry = requestAndAwait("snapshot-expiry");
    assertThat(expiry.path("state").asString()).as(expiry.toString()).isEqualTo("SUCCEEDED");
    assertThat(expiry.path("figures").path("snapshotsExpired").asLong())
        .as(expiry.toString())
        .isPositive();
    int loaderCommitsAfterExpiry = loaderCommits().size();
    await(
        "loader commits after the expiry",
        () -> loaderCommits().size(),
        n -> n >= loaderCommitsAfterExpiry + 3,
        LONG);

    long lastId = publisher.stop();
    publisher = null;
    await(
        "ids 1.." + lastId,
        () -> idCounts().keySet().stream().filter(id -> id <= lastId).count(),
        n -> n == lastId,
        LONG);
    Map<Long, Integer> counts = idCounts();
    assertThat(counts.values()).as("exactly once").containsOnly(1);
    assertThat(counts).hasSize((int) lastId);
    assertThat(glue.calls())
        .as("the schema change, the compaction and the expiry each updated the Glue table")
        .filteredOn(c -> c.caller().equals(CONTROL_PLANE_KEY))
        .filteredOn(c -> c.action().equals("glue:UpdateTable"))
        .filteredOn(c -> c.resource().equals(glue.tableArn("db", TABLE)))
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(updates(TABLE))
        .allSatisfy(r -> assertThat(r.body().path("SkipArchive").asBoolean()).isTrue());
    String runId = api.get("/pipelines/" + TABLE).body().path("status").path("runId").asString();
    assertThat(stack.flinkRest().exceptionNames(runId))
        .as("no loader commit (or anything else) failed")
        .isEmpty();
    System.out.println(
        "GlueCatalogIT: "
            + lastId
            + " ids exactly once; "
            + loaderCommits().size()
            + " loader commits kept; Glue saw "
            + glueServer.requests("UpdateTable").size()
            + " UpdateTable calls, "
            + rejectedUpdates(TABLE).size()
            + " rejected as concurrent; compaction "
            + compaction.path("figures")
            + "; expiry "
            + expiry.path("figures"));
    // What each caller did, as IAM would check it: the evidence for their policies.
    new TreeSet<>(
            glue.calls().stream()
                .map(c -> c.caller() + " " + c.action() + " " + c.resource())
                .toList())
        .forEach(call -> System.out.println("GlueCatalogIT call: " + call));
  }

  @Test
  @Order(4)
  void twoWritersRacingOnOneGlueTableBothLandOneAfterAGlueRejection() throws Exception {
    Catalog writerA = testCatalog("floe-test-writer-a");
    Catalog writerB = testCatalog("floe-test-writer-b");
    Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));
    TableIdentifier race = TableIdentifier.of("db", "race");
    writerA.createTable(race, schema, PartitionSpec.unpartitioned());
    Table tableA = writerA.loadTable(race);
    Table tableB = writerB.loadTable(race);
    glue.holdUpdates("db", "race", 2);

    ExecutorService writers = Executors.newFixedThreadPool(2);
    try {
      Future<?> a = writers.submit(() -> append(tableA, "a"));
      Future<?> b = writers.submit(() -> append(tableB, "b"));
      a.get();
      b.get();
    } finally {
      writers.shutdownNow();
    }

    assertThat(rejectedUpdates("race"))
        .as("Glue rejected one writer's UpdateTable: its VersionId was taken")
        .hasSize(1);
    Table table = reader.loadTable(race);
    List<String> writersInHistory = new ArrayList<>();
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    snapshots.forEach(s -> writersInHistory.add(s.summary().get("writer")));
    assertThat(writersInHistory).containsExactlyInAnyOrder("a", "b");
    // The loser retried on top of the winner: one line of history, both files in the table.
    Snapshot first = snapshots.get(0);
    Snapshot second = snapshots.get(1);
    assertThat(first.parentId()).isNull();
    assertThat(second.parentId()).isEqualTo(first.snapshotId());
    assertThat(table.currentSnapshot().summary()).containsEntry("total-data-files", "2");
    assertThat(updates("race"))
        .extracting(r -> r.text("VersionId").orElse(""))
        .as("both raced with version 0; the retry used the winner's version 1")
        .containsExactlyInAnyOrder("0", "0", "1");
    ((AutoCloseable) writerA).close();
    ((AutoCloseable) writerB).close();
  }

  private static void append(Table table, String writer) {
    DataFile file =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath(table.location() + "/data/" + writer + ".parquet")
            .withFileSizeInBytes(100)
            .withRecordCount(1)
            .build();
    table.newAppend().appendFile(file).set("writer", writer).commit();
  }

  // Helpers

  /** A Glue catalog opened by the test, signing its calls with its own access key id. */
  private static Catalog testCatalog(String accessKeyId) {
    Map<String, String> properties = new HashMap<>(catalogProperties);
    properties.put("client.credentials-provider", AccessKeyCredentials.class.getName());
    properties.put(
        "client.credentials-provider." + AccessKeyCredentials.ACCESS_KEY_ID, accessKeyId);
    Catalog catalog = CatalogUtil.buildIcebergCatalog(accessKeyId, properties, new Configuration());
    assertThat(catalog).isInstanceOf(GlueCatalog.class);
    return catalog;
  }

  private static Table table() {
    return reader.loadTable(TableIdentifier.of("db", TABLE));
  }

  private static List<Snapshot> loaderCommits() {
    List<Snapshot> commits = new ArrayList<>();
    for (Snapshot snapshot : table().snapshots()) {
      if (snapshot.summary().containsKey(CommitSummary.FLINK_JOB_ID)) {
        commits.add(snapshot);
      }
    }
    return commits;
  }

  private static Map<String, String> tableParameters() {
    try (software.amazon.awssdk.services.glue.GlueClient client =
        software.amazon.awssdk.services.glue.GlueClient.builder()
            .endpointOverride(glueServer.endpoint())
            .region(software.amazon.awssdk.regions.Region.of(REGION))
            .credentialsProvider(
                AccessKeyCredentials.create(
                    Map.of(AccessKeyCredentials.ACCESS_KEY_ID, "floe-test-reader")))
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build()) {
      return client.getTable(r -> r.databaseName("db").name(TABLE)).table().parameters();
    }
  }

  /** The UpdateTable calls of one table, in the order Glue received them. */
  private static List<ReceivedRequest> updates(String table) {
    return glueServer.requests("UpdateTable").stream()
        .filter(r -> table.equals(r.body().path("TableInput").path("Name").asText()))
        .toList();
  }

  private static List<ReceivedRequest> rejectedUpdates(String table) {
    return updates(table).stream()
        .filter(r -> r.errorType().equals(Optional.of("ConcurrentModificationException")))
        .toList();
  }

  private static JsonNode requestAndAwait(String task) {
    ApiClient.Response response =
        api.post("/pipelines/" + TABLE + "/maintenance/" + task + "/run", null);
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    String id = response.body().path("id").asString();
    return await(
        "maintenance run " + id,
        () -> api.get("/pipelines/" + TABLE + "/maintenance/runs/" + id).body(),
        run ->
            run.path("state").asString().equals("SUCCEEDED")
                || run.path("state").asString().equals("FAILED"),
        LONG);
  }

  private static Map<Long, Integer> idCounts() {
    return IdCounts.of(table());
  }
}
