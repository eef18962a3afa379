package io.floe.control.maintenance;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.testing.ApiClient;
import io.floe.control.testing.ControlPlane;
import io.floe.control.testing.TestStack;
import io.floe.control.testing.TestingRuntime;
import io.floe.control.testing.Warehouse;
import io.floe.loader.summary.CommitSummary;
import io.floe.testing.kafka.KafkaTestClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Table maintenance end to end: a real control plane on the local runtime (its own Flink cluster),
 * a real broker and real Iceberg tables, with the loader committing every second while compaction,
 * expiry, retention and orphan cleanup run through the API. A second runtime, steered by the test,
 * holds a pipeline in states a real cluster passes through too quickly to test (RESTARTING).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MaintenanceIT {
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final long MIB = 1024 * 1024;

  @TempDir static Path dir;
  static TestStack stack;
  static KafkaTestClient topics;
  static ApiClient api;
  static Warehouse warehouse;
  static TestingRuntime steered;
  static long lastId;

  @BeforeAll
  static void start() {
    steered = new TestingRuntime();
    stack =
        TestStack.in(dir)
            .localFlink()
            .property("floe.maintenance.interval", "1s")
            .property("floe.health.interval", "2s")
            .initializer(withSteeredRuntime(steered))
            .topic("events", 2)
            .topic("daily", 1)
            .topic("routed", 1)
            .start();
    topics = stack.topics();
    api = stack.api();
    warehouse = stack.warehouse();
    assertThat(api.put("/pipelines/events", eventsPipeline(Map.of(), "RUNNING")).status())
        .isEqualTo(201);
    api.awaitState("events", "RUNNING", LONG);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void compactionWhileTheLoaderCommitsKeepsEveryRowAndNoLoaderCommitFails() throws Exception {
    Publisher publisher = new Publisher("events", 1, 3000);
    Table table = warehouse.table("db", "events");
    JsonNode run;
    try {
      // Two files a commit (parallelism 2): 48 commits leave some 96 small files, more than the
      // 80 the run must rewrite below.
      await("48 loader commits", () -> loaderCommits(table).size(), n -> n >= 48, LONG);
      run = requestAndAwait("events", "compaction");
    } finally {
      lastId = publisher.stop();
    }

    assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    JsonNode figures = run.path("figures");
    long rewritten = figures.path("filesRewritten").asLong();
    long written = figures.path("filesWritten").asLong();
    assertThat(rewritten).as(run.toString()).isGreaterThanOrEqualTo(80);
    assertThat(written).as(run.toString()).isLessThanOrEqualTo(rewritten / 20);
    assertThat(figures.path("bytesWritten").asLong() / written)
        .as("the new files are near the 1 MiB target: " + run)
        .isGreaterThan(MIB / 2);
    // The loader's new small files of the run's duration count in "after" too, however long the
    // run took on a busy machine: they are left out by the loader's own commit summaries.
    Instant started = Instant.parse(run.path("startedAt").asString());
    Instant finished = Instant.parse(run.path("finishedAt").asString());
    List<Snapshot> during =
        loaderCommits(table).stream()
            .filter(s -> !Instant.ofEpochMilli(s.timestampMillis()).isBefore(started))
            .filter(s -> !Instant.ofEpochMilli(s.timestampMillis()).isAfter(finished))
            .toList();
    long filesDuring = sum(during, SnapshotSummary.ADDED_FILES_PROP);
    long bytesDuring = sum(during, SnapshotSummary.ADDED_FILE_SIZE_PROP);
    long averageBefore =
        figures.path("tableBytesBefore").asLong() / figures.path("tableFilesBefore").asLong();
    long averageAfter =
        (figures.path("tableBytesAfter").asLong() - bytesDuring)
            / (figures.path("tableFilesAfter").asLong() - filesDuring);
    assertThat(averageAfter).as(run.toString()).isGreaterThan(averageBefore * 2);
    assertThat(figures.path("tableFilesAfter").asLong() - filesDuring)
        .as(run.toString() + ", less the loader's " + filesDuring + " files meanwhile")
        .isLessThan(figures.path("tableFilesBefore").asLong() / 2);
    System.out.println("MaintenanceIT compaction run: " + run);
    assertThat(during).as("loader commits during the compaction").isNotEmpty();

    awaitIds("events", lastId);
    assertThat(TestTables.idCounts(table).values()).containsOnly(1);
    // Every row the loader ever wrote, read from its own files, is in the table once, unchanged.
    assertThat(TestTables.checksum(table)).isEqualTo(loaderWrittenChecksum(table));
    assertThat(compactionCommits(table)).isNotEmpty();
    assertThat(jobExceptions("events")).as("no loader commit (or anything else) failed").isEmpty();
    assertThat(eventMessages("events", "MAINTENANCE"))
        .anySatisfy(m -> assertThat(m).startsWith("compaction: ").contains("rewritten into"));
  }

  @Test
  @Order(2)
  void afterExpiryAStoppedLoaderResumesExactlyOnce() throws Exception {
    Publisher publisher = new Publisher("events", lastId + 1, 500);
    Table table = warehouse.table("db", "events");
    try {
      long commitsBefore = loaderCommits(table).size();
      // Sixteen new small files, above compaction's five, for the second compaction below.
      await("loader commits", () -> loaderCommits(table).size(), n -> n >= commitsBefore + 8, LONG);
      awaitOperation(api.post("/pipelines/events/stop", null).body());

      // Other snapshots after the loader's last commit: a second compaction of its new small files.
      JsonNode compaction = requestAndAwait("events", "compaction");
      assertThat(compaction.path("figures").path("partitionsRewritten").asLong())
          .as(compaction.toString())
          .isEqualTo(1);
      table.refresh();
      Snapshot lastLoaderCommit = loaderCommits(table).get(loaderCommits(table).size() - 1);
      int snapshotsBefore = snapshots(table).size();

      // Expire everything that may go: no age limit, keep only the newest snapshot.
      Map<String, Object> aggressive =
          Map.of("snapshotExpiry", Map.of("olderThan", "0s", "retainLast", 1));
      assertThat(api.put("/pipelines/events", eventsPipeline(aggressive, "STOPPED")).status())
          .isEqualTo(200);
      JsonNode expiry = requestAndAwait("events", "snapshot-expiry");

      assertThat(expiry.path("state").asString()).as(expiry.toString()).isEqualTo("SUCCEEDED");
      table.refresh();
      List<Snapshot> kept = snapshots(table);
      assertThat(kept).extracting(Snapshot::snapshotId).contains(lastLoaderCommit.snapshotId());
      assertThat(kept).hasSize(2);
      assertThat(expiry.path("figures").path("snapshotsExpired").asLong())
          .isEqualTo(snapshotsBefore - 2L);
      assertThat(expiry.path("figures").path("filesDeleted").asLong())
          .as("the small files compaction replaced are gone with the snapshots that held them")
          .isPositive();

      awaitOperation(api.post("/pipelines/events/start", null).body());
      api.awaitState("events", "RUNNING", LONG);
    } finally {
      lastId = publisher.stop();
    }
    awaitIds("events", lastId);
    assertThat(TestTables.idCounts(table).values()).as("exactly once").containsOnly(1);
  }

  @Test
  @Order(3)
  void orphanCleanupDeletesAPlantedFileAndNothingReferenced() throws Exception {
    Table table = warehouse.table("db", "events");
    table.refresh();
    Path location = Path.of(URI.create(table.location()));
    Path orphan = Files.writeString(location.resolve("data/00000-lost-by-a-crash.parquet"), "x");
    Instant fourDaysAgo = Instant.now().minus(Duration.ofDays(4));
    Files.setLastModifiedTime(orphan, FileTime.from(fourDaysAgo));
    // Make every referenced file old enough to go too: only its references may protect it.
    Set<Path> referenced = referencedFiles(table);
    for (Path file : referenced) {
      Files.setLastModifiedTime(file, FileTime.from(fourDaysAgo));
    }
    TestTables.Checksum rows = TestTables.checksum(table);

    JsonNode run = requestAndAwait("events", "orphan-files");

    assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    assertThat(orphan).doesNotExist();
    assertThat(run.path("figures").path("filesDeleted").asLong()).isEqualTo(1);
    for (Path file : referenced) {
      assertThat(file).exists();
    }
    assertThat(TestTables.checksum(table)).isEqualTo(rows);
  }

  @Test
  @Order(4)
  void retentionDropsOldDayPartitionsAndLeavesTheOthersUntouched() throws Exception {
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
      for (int i = 0; i < 50; i++) {
        topics.sendRaw("daily", event(++id, now.minus(Duration.ofDays(day))));
      }
    }
    topics.flush();
    awaitIds("daily", id);
    Table table = warehouse.table("db", "daily");
    Map<LocalDate, TestTables.Checksum> before = checksumsByDay(table);
    assertThat(before).hasSize(7);
    // The loader keeps committing today's rows while retention runs.
    long[] live = {id};
    Thread publisher =
        new Thread(
            () -> {
              for (int i = 0; i < 40; i++) {
                topics.sendRaw("daily", event(++live[0], Instant.now()));
                topics.flush();
                sleep(100);
              }
            });
    publisher.start();

    JsonNode run = requestAndAwait("daily", "retention");
    publisher.join();

    assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    LocalDate cutoffDay = now.minus(Duration.ofDays(3)).atOffset(ZoneOffset.UTC).toLocalDate();
    awaitId("daily", live[0]);
    Map<LocalDate, TestTables.Checksum> after = checksumsByDay(table);
    for (Map.Entry<LocalDate, TestTables.Checksum> day : before.entrySet()) {
      if (day.getKey().isBefore(cutoffDay)) {
        assertThat(after).doesNotContainKey(day.getKey());
      } else if (!day.getKey().equals(now.atOffset(ZoneOffset.UTC).toLocalDate())) {
        assertThat(after.get(day.getKey())).as("day " + day.getKey()).isEqualTo(day.getValue());
      }
    }
    assertThat(run.path("figures").path("partitionsDropped").asLong()).isEqualTo(3);
    assertThat(run.path("figures").path("rowsDeleted").asLong()).isEqualTo(150);
    assertThat(run.path("figures").path("filesRewritten").asLong()).isZero();
    Snapshot delete = retentionCommit(table);
    assertThat(delete.operation()).isEqualTo("delete");
    assertThat(delete.summary()).doesNotContainKey("added-data-files");
    assertThat(jobExceptions("daily")).isEmpty();
  }

  @Test
  @Order(5)
  void badRequestsGetTheirProblemAndRolesApply() {
    ApiClient viewer = api.as(ControlPlane.VIEWER);
    ApiClient operator = api.as(ControlPlane.OPERATOR);

    ApiClient.Response unknown = api.post("/pipelines/events/maintenance/vacuum/run", null);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("errors").get(0).path("field").asString()).isEqualTo("task");
    assertThat(unknown.body().path("detail").asString()).contains("compaction, snapshot-expiry");

    ApiClient.Response noRetention = api.post("/pipelines/events/maintenance/retention/run", null);
    assertThat(noRetention.status()).isEqualTo(409);
    assertThat(noRetention.body().path("detail").asString())
        .contains("maintenance.retention.column");

    assertThat(api.post("/pipelines/nope/maintenance/compaction/run", null).status())
        .isEqualTo(404);
    assertThat(api.get("/pipelines/events/maintenance/runs/nope").status()).isEqualTo(404);
    assertThat(viewer.post("/pipelines/events/maintenance/compaction/run", null).status())
        .isEqualTo(403);
    assertThat(api.as(null).get("/pipelines/events/maintenance").status()).isEqualTo(401);

    JsonNode overview = viewer.get("/pipelines/events/maintenance").body();
    assertThat(overview.path("table").asString()).isEqualTo("default.db.events");
    assertThat(overview.path("tasks").size()).isEqualTo(4);
    JsonNode compaction = overview.path("tasks").get(0);
    assertThat(compaction.path("task").asString()).isEqualTo("compaction");
    assertThat(compaction.path("settings").path("targetFileSize").asString())
        .isEqualTo(Long.toString(MIB));
    assertThat(compaction.path("lastRun").path("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(overview.path("tasks").get(2).path("enabled").asBoolean()).isFalse();

    JsonNode runs = viewer.get("/pipelines/events/maintenance/runs?task=compaction").body();
    assertThat(runs.size()).isEqualTo(2);
    assertThat(runs.get(0).path("trigger").asString()).isEqualTo("REQUEST");
    assertThat(runs.get(0).path("actor").asString()).isEqualTo("admin");

    Map<String, Object> invalid =
        Map.of(
            "orphanFiles", Map.of("olderThan", "10m"),
            "compaction", Map.of("every", "often"));
    ApiClient.Response rejected = api.put("/pipelines/events", eventsPipeline(invalid, "RUNNING"));
    assertThat(rejected.status()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    rejected.body().path("errors").forEach(error -> fields.add(error.path("field").asString()));
    assertThat(fields)
        .containsExactlyInAnyOrder(
            "maintenance.orphanFiles.olderThan", "maintenance.compaction.every");
    Map<String, Object> wrongColumn =
        Map.of("retention", Map.of("column", "name", "olderThan", "30d"));
    ApiClient.Response unresolvable =
        api.put("/pipelines/events", eventsPipeline(wrongColumn, "RUNNING"));
    assertThat(unresolvable.status()).isEqualTo(422);
    assertThat(unresolvable.body().path("errors").get(0).path("field").asString())
        .isEqualTo("maintenance.retention.column");

    // An operator may run maintenance.
    JsonNode queued =
        operator.post("/pipelines/events/maintenance/snapshot-expiry/run", null).body();
    JsonNode done = awaitRun("events", queued.path("id").asString());
    assertThat(done.path("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.path("actor").asString()).isEqualTo("operator");
  }

  @Test
  @Order(6)
  void tasksRunOnTheirScheduleAndOneAtATimePerTable() {
    Map<String, Object> frequent =
        Map.of(
            "compaction", Map.of("every", "2s", "targetFileSize", "1MiB"),
            "snapshotExpiry", Map.of("every", "2s", "olderThan", "1h"),
            "orphanFiles", Map.of("every", "2s"));
    assertThat(api.put("/pipelines/events", eventsPipeline(frequent, "RUNNING")).status())
        .isEqualTo(200);

    JsonNode runs =
        await(
            "scheduled runs of every enabled task",
            () -> api.get("/pipelines/events/maintenance/runs?limit=30").body(),
            list ->
                scheduledTasks(list)
                    .containsAll(Set.of("compaction", "snapshot-expiry", "orphan-files")),
            LONG);
    List<Instant[]> intervals = new ArrayList<>();
    for (JsonNode run : runs) {
      if (!run.path("finishedAt").isMissingNode() && !run.path("finishedAt").isNull()) {
        assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
        intervals.add(
            new Instant[] {
              Instant.parse(run.path("startedAt").asString()),
              Instant.parse(run.path("finishedAt").asString())
            });
      }
    }
    intervals.sort((a, b) -> a[0].compareTo(b[0]));
    for (int i = 1; i < intervals.size(); i++) {
      assertThat(intervals.get(i)[0])
          .as("runs on one table never overlap")
          .isAfterOrEqualTo(intervals.get(i - 1)[1]);
    }
    assertThat(api.put("/pipelines/events", eventsPipeline(Map.of(), "RUNNING")).status())
        .isEqualTo(200);
  }

  @Test
  @Order(7)
  void orphanCleanupKeepsWhatARestoreNeedsWhateverThePipelinesState() throws Exception {
    // The frequent schedule of the test before may still be finishing a round: only the runs
    // requested here may touch the table.
    awaitNoMaintenanceOn("default.db.events");
    Table table = warehouse.table("db", "events");
    // A checkpoint of a loader of the table was taken and its commit has not happened: its restore
    // needs these files, as old as the orphans by the time cleanup runs.
    List<Record> rows = new ArrayList<>();
    for (long id = 900_000_001; id <= 900_000_050; id++) {
      Record row = GenericRecord.create(table.schema());
      row.setField("id", id);
      row.setField("name", "pending-" + id);
      row.setField("at", OffsetDateTime.now(ZoneOffset.UTC));
      rows.add(row);
    }
    PendingCheckpoint pending =
        PendingCheckpoint.write(table, 1_000_000, Map.of(table.spec().specId(), rows), true);

    awaitOperation(api.post("/pipelines/events/stop", null).body());
    cleanupKeepsThePendingCheckpoint("events", "STOPPED", pending);

    restartingPipeline("replay");
    cleanupKeepsThePendingCheckpoint("replay", "RESTARTING", pending);

    awaitOperation(api.post("/pipelines/events/start", null).body());
    api.awaitState("events", "RUNNING", LONG);
    cleanupKeepsThePendingCheckpoint("events", "RUNNING", pending);

    // The restore comes later and finds everything it needs.
    pending.restore(warehouse.table("db", "events"));
    Map<Long, Integer> ids = TestTables.idCounts(table);
    assertThat(ids.keySet()).containsAll(pending.ids());
    assertThat(ids.values()).as("exactly once").containsOnly(1);
    assertThat(jobExceptions("events")).isEmpty();
  }

  /**
   * A pipeline routed through the API into two tables it creates, by a field of its messages: each
   * table holds its own ids exactly once, and a compaction of the pipeline compacts each table.
   */
  @Test
  @Order(8)
  void aRoutedPipelinesTablesAreCreatedFilledExactlyOnceAndEachCompacted() {
    Map<String, Object> body = stack.pipeline("routed", "routed_all").runtime(1, "1s").body();
    @SuppressWarnings("unchecked")
    Map<String, Object> table = (Map<String, Object>) body.get("table");
    table.put("routing", Map.of("template", "routed_${kind}", "createTables", true));
    table.put("schemaChanges", "live");
    ApiClient.Response created = api.put("/pipelines/routed", body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    api.awaitState("routed", "RUNNING", LONG);

    // Six rounds, each committed before the next: six small files per routed table.
    long id = 0;
    for (int round = 1; round <= 6; round++) {
      for (int i = 0; i < 20; i++) {
        id++;
        String json =
            "{\"id\": "
                + id
                + ", \"name\": \"r\", \"kind\": \""
                + (id % 2 == 0 ? "a" : "b")
                + "\"}";
        topics.sendRaw("routed", json.getBytes(StandardCharsets.UTF_8));
      }
      topics.flush();
      long sent = id;
      await(
          "round " + round + " in the routed tables",
          MaintenanceIT::routedIds,
          ids -> ids.size() >= sent,
          LONG);
    }
    Map<Long, Integer> a = TestTables.idCounts(warehouse.table("db", "routed_a"));
    Map<Long, Integer> b = TestTables.idCounts(warehouse.table("db", "routed_b"));
    assertThat(a.keySet()).allSatisfy(even -> assertThat(even % 2).isZero()).hasSize(60);
    assertThat(b.keySet()).allSatisfy(odd -> assertThat(odd % 2).isOne()).hasSize(60);
    assertThat(a.values()).containsOnly(1);
    assertThat(b.values()).containsOnly(1);
    assertThat(TestTables.idCounts(warehouse.table("db", "routed_all"))).isEmpty();
    // Health is judged on the pipeline's table, whose commits count the routed tables' rows.
    await(
        "health counting the routed rows",
        () -> api.get("/pipelines/routed/health").body().path("commits"),
        commits -> commits.path("recordsPerMinute").asDouble(0) > 0,
        LONG);

    JsonNode run = requestAndAwait("routed", "compaction");
    assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    assertThat(run.path("summary").asString())
        .as(run.toString())
        .contains("routed_all: compaction")
        .contains("routed_a: compaction")
        .contains("routed_b: compaction");
    assertThat(run.path("figures").path("filesRewritten").asLong())
        .as(run.toString())
        .isGreaterThanOrEqualTo(12);
    assertThat(TestTables.idCounts(warehouse.table("db", "routed_a"))).isEqualTo(a);
    assertThat(TestTables.idCounts(warehouse.table("db", "routed_b"))).isEqualTo(b);

    // The schema endpoints take a routed table by name.
    assertThat(api.get("/pipelines/routed/schema?table=routed_a").body().path("columns").size())
        .isEqualTo(3);
    ApiClient.Response added =
        api.post(
            "/pipelines/routed/schema/columns?table=routed_b",
            Map.of("name", "kind", "type", "string"));
    assertThat(added.status()).as("live: no restart " + added).isEqualTo(200);
    assertThat(warehouse.table("db", "routed_b").schema().findField("kind")).isNotNull();
    assertThat(warehouse.table("db", "routed_a").schema().findField("kind")).isNull();
    ApiClient.Response unknown = api.get("/pipelines/routed/schema?table=events");
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(400);
    assertThat(unknown.body().path("errors").get(0).path("field").asString()).isEqualTo("table");
  }

  private static Map<Long, Integer> routedIds() {
    Map<Long, Integer> ids = new java.util.HashMap<>();
    for (String name : List.of("routed_a", "routed_b")) {
      if (warehouse.exists("db", name)) {
        ids.putAll(TestTables.idCounts(warehouse.table("db", name)));
      }
    }
    return ids;
  }

  // Helpers

  /**
   * Orphan cleanup, requested for the pipeline while it is in this state, deletes a planted orphan
   * and keeps the pending checkpoint's files and every referenced file, all four days old.
   */
  private static void cleanupKeepsThePendingCheckpoint(
      String pipeline, String state, PendingCheckpoint pending) throws IOException {
    assertThat(observedState(pipeline)).isEqualTo(state);
    Table table = warehouse.table("db", "events");
    Path location = Path.of(URI.create(table.location()));
    Path orphan =
        Files.writeString(location.resolve("data/00000-lost-while-" + state + ".parquet"), "x");
    Set<Path> referenced = referencedFiles(table);
    Set<Path> old = new HashSet<>(referenced);
    old.addAll(pending.files());
    old.add(orphan);
    FileTime fourDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(4)));
    for (Path file : old) {
      Files.setLastModifiedTime(file, fourDaysAgo);
    }

    JsonNode run = requestAndAwait(pipeline, "orphan-files");

    assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    for (Path file : pending.files()) {
      assertThat(file).as("needed by a restore, with %s %s", pipeline, state).exists();
    }
    for (Path file : referenced) {
      assertThat(file).exists();
    }
    assertThat(orphan).doesNotExist();
    assertThat(run.path("figures").path("filesKeptForRestore").asLong())
        .as(run.toString())
        .isGreaterThanOrEqualTo(pending.files().size());
    assertThat(observedState(pipeline)).as("throughout the run").isEqualTo(state);
  }

  /**
   * A second pipeline loading the events table, on the steered runtime: its run completes a
   * checkpoint and fails, and the run that recovers it from that checkpoint never gets to RUNNING.
   */
  private static void restartingPipeline(String name) {
    Map<String, Object> body = eventsPipeline(Map.of(), "RUNNING");
    body.put(
        "runtime",
        Map.of("target", TestingRuntime.TARGET, "parallelism", 1, "flushInterval", "1s"));
    assertThat(api.put("/pipelines/" + name, body).status()).isEqualTo(201);
    api.awaitState(name, "RUNNING", LONG);
    String run = api.get("/pipelines/" + name).body().path("status").path("runId").asString();
    steered.checkpoint(run);
    steered.startDelay(null);
    steered.fail(run, "its TaskManager was lost (steered by the test)");
    api.awaitState(name, "RESTARTING", LONG);
  }

  /** Waits until no replica maintains the table: its lease is free. */
  private static void awaitNoMaintenanceOn(String table) {
    JdbcClient database = stack.controlPlane().bean(JdbcClient.class);
    await(
        "no maintenance on " + table,
        () ->
            database
                .sql("select count(*) from table_lease where table_name = ?")
                .param(table)
                .query(Long.class)
                .single(),
        leases -> leases == 0,
        LONG);
  }

  private static String observedState(String pipeline) {
    return api.get("/pipelines/" + pipeline).body().path("status").path("observedState").asString();
  }

  /**
   * Adds the steered runtime to the configured ones, as the target {@link TestingRuntime#TARGET}.
   */
  private static ApplicationContextInitializer<ConfigurableApplicationContext> withSteeredRuntime(
      TestingRuntime runtime) {
    return context ->
        context
            .getBeanFactory()
            .addBeanPostProcessor(
                new BeanPostProcessor() {
                  @Override
                  public Object postProcessAfterInitialization(Object bean, String name) {
                    if (!(bean instanceof RuntimeRegistry registry)) {
                      return bean;
                    }
                    Map<String, PipelineRuntime> runtimes = new HashMap<>();
                    for (String target : registry.targets()) {
                      runtimes.put(target, registry.find(target).orElseThrow());
                    }
                    runtimes.put(TestingRuntime.TARGET, runtime);
                    return new RuntimeRegistry(runtimes, registry.defaultTarget());
                  }
                });
  }

  private static Map<String, Object> eventsPipeline(
      Map<String, Object> maintenance, String desiredState) {
    Map<String, Object> withTarget = new LinkedHashMap<>(maintenance);
    withTarget.putIfAbsent("compaction", Map.of("targetFileSize", "1MiB"));
    return stack
        .pipeline("events", "events")
        .runtime(2, "1s")
        .maintenance(withTarget)
        .desiredState(desiredState)
        .body();
  }

  private static byte[] event(long id, Instant at) {
    return String.format(
            "{\"id\": %d, \"name\": \"event-%d\", \"at\": \"%s\"}",
            id, id, at.truncatedTo(ChronoUnit.MICROS))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static long sum(List<Snapshot> snapshots, String property) {
    return snapshots.stream()
        .mapToLong(s -> Long.parseLong(s.summary().getOrDefault(property, "0")))
        .sum();
  }

  private static JsonNode requestAndAwait(String pipeline, String task) {
    ApiClient.Response response =
        api.post("/pipelines/" + pipeline + "/maintenance/" + task + "/run", null);
    assertThat(response.status()).as(response.toString()).isEqualTo(202);
    assertThat(response.header("Location"))
        .isEqualTo(
            "/pipelines/"
                + pipeline
                + "/maintenance/runs/"
                + response.body().path("id").asString());
    return awaitRun(pipeline, response.body().path("id").asString());
  }

  private static JsonNode awaitRun(String pipeline, String id) {
    return await(
        "maintenance run " + id,
        () -> api.get("/pipelines/" + pipeline + "/maintenance/runs/" + id).body(),
        run ->
            run.path("state").asString().equals("SUCCEEDED")
                || run.path("state").asString().equals("FAILED"),
        LONG);
  }

  private static void awaitOperation(JsonNode operation) {
    JsonNode done = api.awaitOperation(operation.path("id").asString(), LONG);
    assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
  }

  /** Waits until every id from 1 to {@code lastId} is in the table. */
  private static void awaitIds(String name, long lastId) {
    await(
        "ids 1.." + lastId + " in " + name,
        () ->
            TestTables.idCounts(warehouse.table("db", name)).keySet().stream()
                .filter(id -> id <= lastId)
                .count(),
        count -> count == lastId,
        LONG);
  }

  /** Waits until the row with this id is in the table. */
  private static void awaitId(String name, long id) {
    await(
        "id " + id + " in " + name,
        () -> TestTables.idCounts(warehouse.table("db", name)).containsKey(id),
        found -> found,
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

  private static Snapshot retentionCommit(Table table) {
    table.refresh();
    return snapshots(table).stream()
        .filter(s -> "retention".equals(s.summary().get("floe.maintenance")))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  /** The checksum of every row in every data file a loader commit added, read from the files. */
  private static TestTables.Checksum loaderWrittenChecksum(Table table) throws IOException {
    Schema schema = table.schema();
    long rows = 0;
    long sum = 0;
    for (Snapshot snapshot : loaderCommits(table)) {
      for (DataFile file : snapshot.addedDataFiles(table.io())) {
        try (CloseableIterable<Record> records =
            Parquet.read(table.io().newInputFile(file.location()))
                .project(schema)
                .createReaderFunc(s -> GenericParquetReaders.buildReader(schema, s))
                .build()) {
          for (Record record : records) {
            rows++;
            sum += TestTables.hash(record.toString());
          }
        }
      }
    }
    return new TestTables.Checksum(rows, sum);
  }

  private static Set<Path> referencedFiles(Table table) throws IOException {
    Set<Path> files = new HashSet<>();
    var metadata = ((org.apache.iceberg.HasTableOperations) table).operations().current();
    files.add(Path.of(URI.create(metadata.metadataFileLocation())));
    List<org.apache.iceberg.TableMetadata.MetadataLogEntry> log = metadata.previousFiles();
    for (var entry : log.subList(Math.max(0, log.size() - 10), log.size())) {
      files.add(Path.of(URI.create(entry.file())));
    }
    for (Snapshot snapshot : snapshots(table)) {
      files.add(Path.of(URI.create(snapshot.manifestListLocation())));
      for (var manifest : snapshot.allManifests(table.io())) {
        files.add(Path.of(URI.create(manifest.path())));
      }
    }
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        files.add(Path.of(URI.create(task.file().location())));
      }
    }
    return files;
  }

  private static Map<LocalDate, TestTables.Checksum> checksumsByDay(Table table)
      throws IOException {
    table.refresh();
    Map<LocalDate, long[]> sums = new HashMap<>();
    try (CloseableIterable<Record> rows =
        org.apache.iceberg.data.IcebergGenerics.read(table).build()) {
      for (Record row : rows) {
        LocalDate day =
            ((java.time.OffsetDateTime) row.getField("at"))
                .atZoneSameInstant(ZoneOffset.UTC)
                .toLocalDate();
        long[] sum = sums.computeIfAbsent(day, d -> new long[2]);
        sum[0]++;
        sum[1] += TestTables.hash(row.toString());
      }
    }
    Map<LocalDate, TestTables.Checksum> checksums = new HashMap<>();
    sums.forEach((day, sum) -> checksums.put(day, new TestTables.Checksum(sum[0], sum[1])));
    return checksums;
  }

  private static Set<String> scheduledTasks(JsonNode runs) {
    Set<String> tasks = new HashSet<>();
    for (JsonNode run : runs) {
      if (run.path("trigger").asString().equals("SCHEDULE")
          && run.path("state").asString().equals("SUCCEEDED")) {
        tasks.add(run.path("task").asString());
      }
    }
    return tasks;
  }

  private static List<String> eventMessages(String pipeline, String type) {
    List<String> messages = new ArrayList<>();
    for (JsonNode event : api.get("/pipelines/" + pipeline + "/events?limit=1000").body()) {
      if (event.path("type").asString().equals(type)) {
        messages.add(event.path("message").asString());
      }
    }
    return messages;
  }

  /** The Flink job's exception history: empty when nothing failed, no commit included. */
  private static List<String> jobExceptions(String pipeline) {
    String runId = api.get("/pipelines/" + pipeline).body().path("status").path("runId").asString();
    return stack.flinkRest().exceptionNames(runId);
  }

  /**
   * Publishes ids from {@code fromId} on at about {@code perSecond}, with a name no compression
   * shrinks much, so that files grow at a realistic pace; {@link #stop()} returns the last id.
   */
  private static final class Publisher {
    private final AtomicLong last;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Publisher(String topic, long fromId, int perSecond) {
      last = new AtomicLong(fromId - 1);
      thread =
          new Thread(
              () -> {
                long id = fromId;
                while (running.get()) {
                  for (int i = 0; i < perSecond / 10; i++, id++) {
                    String json =
                        String.format(
                            "{\"id\": %d, \"name\": \"%s\", \"at\": \"%s\"}",
                            id,
                            UUID.nameUUIDFromBytes(
                                Long.toString(id).getBytes(StandardCharsets.UTF_8)),
                            Instant.now().truncatedTo(ChronoUnit.MICROS));
                    topics.sendRaw(topic, json.getBytes(StandardCharsets.UTF_8));
                  }
                  topics.flush();
                  last.set(id - 1);
                  sleep(100);
                }
              },
              "maintenance-it-publisher");
      thread.start();
    }

    long stop() throws InterruptedException {
      running.set(false);
      thread.join();
      return last.get();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
