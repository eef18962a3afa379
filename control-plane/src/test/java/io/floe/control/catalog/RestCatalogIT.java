package io.floe.control.catalog;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.IdCounts;
import io.floe.control.testing.TestStack;
import io.floe.loader.summary.CommitSummary;
import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalRestCatalog;
import io.floe.testing.kafka.EventPublisher;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A pipeline against an Iceberg REST catalog end to end: Iceberg's own REST catalog server (its own
 * process) is the control plane's catalog ({@code type=rest}); the control plane creates the table
 * through it, a real loader on a Flink session cluster commits through it, health reads it,
 * compaction commits through it while the loader commits, and every id is in the table once after a
 * {@code kill -9} of the TaskManager. The catalog is configured as for AWS Glue's Iceberg REST
 * endpoint (SigV4 for glue): a front records that every request of the control plane and the loader
 * is signed. The test reads the table through a REST client of its own, straight from the server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestCatalogIT {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final TableIdentifier TABLE = TableIdentifier.of("db", "events");
  private static final String REGION = "eu-west-1";
  private static final String ACCESS_KEY_ID = "AKIDFLOETEST";

  @TempDir static Path dir;
  static LocalRestCatalog restCatalog;
  static RecordingRestFront front;
  static TestStack stack;
  static ApiClient api;
  static Catalog catalog;
  static EventPublisher publisher;

  @BeforeAll
  static void start() throws IOException {
    restCatalog = LocalRestCatalog.start(dir.resolve("rest-catalog"));
    front = RecordingRestFront.start(restCatalog.uri());
    stack =
        TestStack.in(dir)
            .flinkCluster(cluster -> cluster)
            // As for AWS Glue's Iceberg REST endpoint (README), with fixed credentials.
            .property("floe.catalogs.default.type", "rest")
            .property("floe.catalogs.default.uri", front.uri())
            .property("floe.catalogs.default.warehouse", "123456789012")
            .property("floe.catalogs.default.rest.auth.type", "sigv4")
            .property("floe.catalogs.default.rest.signing-name", "glue")
            .property("floe.catalogs.default.rest.signing-region", REGION)
            .property("floe.catalogs.default.rest.access-key-id", ACCESS_KEY_ID)
            .property("floe.catalogs.default.rest.secret-access-key", "floe-test-secret")
            .property("floe.health.interval", "1s")
            .topic("events", 2)
            .start();
    api = stack.api();
    catalog =
        CatalogUtil.buildIcebergCatalog(
            "rest-test", restCatalog.clientProperties(), new Configuration());
    Map<String, Object> body =
        stack
            .pipeline("events", "events")
            .runtime(2, "1s")
            .maintenance(Map.of("compaction", Map.of("targetFileSize", "1MiB")))
            .body();
    ApiClient.Response created = api.put("/pipelines/events", body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    api.awaitState("events", "RUNNING", LONG);
    publisher = stack.topics().publish("events", 1, 200);
  }

  @AfterAll
  static void stop() throws IOException {
    if (stack != null) {
      stack.close();
    }
    if (catalog instanceof Closeable closeable) {
      closeable.close();
    }
    if (front != null) {
      front.close();
    }
    if (restCatalog != null) {
      restCatalog.close();
    }
  }

  @Test
  @Order(1)
  void theControlPlaneCreatesTheTableInTheRestCatalogAndHealthReadsTheLoadersCommits() {
    assertThat(catalog).isInstanceOf(RESTCatalog.class);
    assertThat(catalog.tableExists(TABLE)).isTrue();
    assertThat(table().location()).startsWith(restCatalog.warehouse());
    await("loader commits", () -> loaderCommits().size(), n -> n >= 3, LONG);

    JsonNode health =
        await(
            "events HEALTHY",
            () -> api.get("/pipelines/events/health").body(),
            h -> h.path("status").asString().equals("HEALTHY"),
            LONG);
    assertThat(health.path("reasons").get(0).asString())
        .as(health.toString())
        .isEqualTo("loading on time");
    // Until now only the loader commits: the control plane created the table and reads it.
    assertThat(front.requests())
        .extracting(RecordingRestFront.Request::target)
        .contains("POST /v1/namespaces/db/tables", "POST /v1/namespaces/db/tables/events");
    assertEverySignedForGlue();
  }

  @Test
  @Order(2)
  void compactionCommitsThroughTheRestCatalogWhileTheLoaderCommits() {
    int before = loaderCommits().size();
    await("loader commits", () -> loaderCommits().size(), n -> n >= before + 6, LONG);

    ApiClient.Response requested = api.post("/pipelines/events/maintenance/compaction/run", null);
    assertThat(requested.status()).as(requested.toString()).isEqualTo(202);
    String id = requested.body().path("id").asString();
    JsonNode run =
        await(
            "compaction run " + id,
            () -> api.get("/pipelines/events/maintenance/runs/" + id).body(),
            r -> List.of("SUCCEEDED", "FAILED").contains(r.path("state").asString()),
            LONG);

    assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    System.out.println("RestCatalogIT compaction run: " + run);
    assertThat(run.path("figures").path("filesRewritten").asLong())
        .as(run.toString())
        .isGreaterThanOrEqualTo(5);
    Snapshot compaction =
        snapshots().stream()
            .filter(s -> "compaction".equals(s.summary().get("floe.maintenance")))
            .findFirst()
            .orElseThrow();
    // The loader went on committing through the same catalog after the compaction's commit.
    await(
        "a loader commit after the compaction",
        () ->
            loaderCommits().stream()
                .anyMatch(s -> s.sequenceNumber() > compaction.sequenceNumber()),
        after -> after,
        LONG);
    assertThat(jobExceptions()).as("no loader commit failed").isEmpty();
  }

  @Test
  @Order(3)
  void everyIdIsInTheTableOnceThroughATaskManagerKill() throws Exception {
    LocalFlinkCluster flink = stack.flinkCluster().orElseThrow();
    await("loader commits", () -> loaderCommits().size(), n -> n >= 1, LONG);

    Instant kill = Instant.now();
    flink.killTaskManager();
    flink.startTaskManager();
    await(
        "loader commits after the kill",
        () ->
            loaderCommits().stream()
                .filter(s -> Instant.ofEpochMilli(s.timestampMillis()).isAfter(kill))
                .count(),
        n -> n >= 3,
        LONG);
    long lastId = publisher.stop();

    Map<Long, Integer> ids =
        await(
            "ids 1.." + lastId,
            RestCatalogIT::idCounts,
            counts -> counts.keySet().stream().filter(id -> id <= lastId).count() == lastId,
            LONG);
    assertThat(ids.values()).as("exactly once").containsOnly(1);
    assertThat(jobExceptions()).as("the kill restarted the job").isNotEmpty();
    assertEverySignedForGlue();
    System.out.println(
        "RestCatalogIT: ids 1.."
            + lastId
            + " once each; "
            + front.requests().size()
            + " signed catalog requests");
  }

  /** Every request of the control plane and the loader to the catalog was signed for Glue. */
  private static void assertEverySignedForGlue() {
    assertThat(front.requests())
        .isNotEmpty()
        .allSatisfy(
            request ->
                assertThat(request.authorization())
                    .as(request.target())
                    .matches(RecordingRestFront.sigV4(ACCESS_KEY_ID, REGION, "glue")));
  }

  private static Table table() {
    return catalog.loadTable(TABLE);
  }

  private static List<Snapshot> snapshots() {
    List<Snapshot> snapshots = new ArrayList<>();
    table().snapshots().forEach(snapshots::add);
    snapshots.sort((a, b) -> Long.compare(a.sequenceNumber(), b.sequenceNumber()));
    return snapshots;
  }

  private static List<Snapshot> loaderCommits() {
    return snapshots().stream()
        .filter(s -> s.summary().containsKey(CommitSummary.FLINK_JOB_ID))
        .toList();
  }

  private static Map<Long, Integer> idCounts() {
    return IdCounts.of(table());
  }

  private static List<String> jobExceptions() {
    String runId = api.get("/pipelines/events").body().path("status").path("runId").asString();
    return stack.flinkRest().exceptionNames(runId);
  }
}
