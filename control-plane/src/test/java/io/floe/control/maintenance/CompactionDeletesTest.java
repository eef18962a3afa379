package io.floe.control.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.model.MaintenancePolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction of an upserted table: its equality and position deletes folded into its data. */
class CompactionDeletesTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void foldsEqualityAndPositionDeletesIntoTheDataAndRemovesTheDeleteFiles() throws Exception {
    Table table =
        UpsertCommits.create(dir, "orders", Map.of("io-impl", ReadCountingFileIO.class.getName()));
    UpsertCommits upserts = new UpsertCommits();
    upsertRandomly(table, upserts, 30, new Random(19));
    Map<Long, String> expected = upserts.model();
    assertThat(UpsertCommits.read(table)).isEqualTo(expected);
    long deleteFilesBefore = UpsertCommits.deleteFiles(table);
    assertThat(deleteFilesBefore).isGreaterThan(60);
    Set<String> deleteFiles = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> task.deletes().forEach(delete -> deleteFiles.add(delete.location())));
    }
    ReadCountingFileIO.reset();

    TaskOutcome outcome = new Compaction(clock()).run(table, settings());

    // Each delete file read once, though most apply to most of their partition's 30 data files.
    assertThat(deleteFiles).allSatisfy(path -> assertThat(ReadCountingFileIO.reads(path)).isOne());

    assertThat(UpsertCommits.read(table)).isEqualTo(expected);
    assertThat(UpsertCommits.deleteFiles(table)).isZero();
    assertThat(TestTables.dataFiles(table)).isEqualTo(2);
    Map<String, Long> figures = outcome.figures();
    assertThat(figures.get("deleteFilesBefore")).isEqualTo(deleteFilesBefore);
    assertThat(figures.get("deleteFilesAfter")).isZero();
    // Those that applied to no data file at all (the first commit's equality deletes) are not
    // named by the rewrite: Iceberg drops them itself, as older than every live data file.
    assertThat(figures.get("deleteFilesRemoved"))
        .isBetween(deleteFilesBefore - 4, deleteFilesBefore);
    assertThat(figures.get("recordsRewritten")).isEqualTo(expected.size());
    assertThat(figures.get("rowsDeletedApplied")).isPositive();
    assertThat(outcome.summary()).contains("deletes folded");
    Snapshot replace = table.currentSnapshot();
    assertThat(replace.operation()).isEqualTo("replace");

    // Later upserts still replace the rewritten rows: their deletes' sequence numbers are higher.
    upsertRandomly(table, upserts, 5, new Random(20));
    assertThat(UpsertCommits.read(table)).isEqualTo(upserts.model());
  }

  @Test
  void aDeleteTheLoaderCommitsDuringTheRewriteStillAppliesAfterIt() {
    Map<String, String> io = Map.of("io-impl", OutputHookFileIO.class.getName());
    Table table = UpsertCommits.create(dir, "orders", io);
    UpsertCommits upserts = new UpsertCommits();
    upsertRandomly(table, upserts, 10, new Random(7));
    long planned = table.currentSnapshot().snapshotId();
    Table loader = UpsertCommits.catalog(dir, io).loadTable(TableIdentifier.of("db", "orders"));
    long deletedKey = firstLiveKey(upserts, 0);
    long updatedKey = firstLiveKey(upserts, 1);
    List<Long> concurrentSnapshot = new ArrayList<>();
    OutputHookFileIO.onNextFileNamed(
        "compaction-",
        () -> {
          // Compaction has planned from `planned` and now writes its first file.
          upserts.commit(
              loader,
              List.of(UpsertCommits.row(updatedKey, "updated meanwhile")),
              List.of(deletedKey));
          concurrentSnapshot.add(loader.currentSnapshot().snapshotId());
        });

    TaskOutcome outcome = new Compaction(clock()).run(table, settings());

    assertThat(concurrentSnapshot).hasSize(1);
    assertThat(outcome.figures().get("partitionsSkippedOnConflict")).isZero();
    assertThat(outcome.figures().get("partitionsRewritten")).isEqualTo(2);
    Map<Long, String> rows = UpsertCommits.read(table);
    assertThat(rows).doesNotContainKey(deletedKey).containsEntry(updatedKey, "updated meanwhile");
    assertThat(rows).isEqualTo(upserts.model());
    // The loader's commit came after the planning snapshot and before the rewrite's: its delete
    // files stay (they apply to the rewritten files by sequence number), every older one is gone.
    Snapshot concurrent = table.snapshot(concurrentSnapshot.get(0));
    assertThat(concurrent.parentId()).isEqualTo(planned);
    assertThat(table.currentSnapshot().operation()).isEqualTo("replace");
    assertThat(UpsertCommits.deleteFiles(table))
        .isEqualTo(Long.parseLong(concurrent.summary().get("added-delete-files")));
  }

  @Test
  void aPositionDeleteOfAReplacedFileCommittedMeanwhileSkipsThatPartitionAndStillApplies() {
    Map<String, String> io = Map.of("io-impl", OutputHookFileIO.class.getName());
    Table table = UpsertCommits.create(dir, "orders", io);
    UpsertCommits upserts = new UpsertCommits();
    upsertRandomly(table, upserts, 10, new Random(8));
    Table other = UpsertCommits.catalog(dir, io).loadTable(TableIdentifier.of("db", "orders"));
    // A last commit of two new keys, one file in each day; another engine deletes one of them by
    // its position while compaction rewrites.
    upserts.commit(
        table, List.of(UpsertCommits.row(1000, "a"), UpsertCommits.row(1001, "b")), List.of());
    DataFile target = null;
    for (DataFile added : table.currentSnapshot().addedDataFiles(table.io())) {
      if (firstRowKey(table, added) == 1000) {
        target = added;
      }
    }
    assertThat(target).isNotNull();
    long key = 1000;
    DataFile file = target;
    long id = key;
    OutputHookFileIO.onNextFileNamed(
        "compaction-", () -> upserts.deletePosition(other, file, 0, id));

    TaskOutcome outcome = new Compaction(clock()).run(table, settings());

    assertThat(outcome.figures().get("partitionsSkippedOnConflict")).isEqualTo(1);
    assertThat(outcome.figures().get("partitionsRewritten")).isEqualTo(1);
    assertThat(UpsertCommits.read(table)).doesNotContainKey(id).isEqualTo(upserts.model());
  }

  @Test
  void compactionRunsWhileTheLoaderCommitsAndTheTableEqualsTheModelWithFewerDeleteFiles()
      throws Exception {
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.setConf(new org.apache.hadoop.conf.Configuration());
    catalog.initialize(
        "jdbc",
        Map.of(
            "uri", "jdbc:h2:mem:compaction-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
            "warehouse", dir.toUri().toString(),
            "io-impl", OutputHookFileIO.class.getName()));
    try (catalog) {
      Table table = UpsertCommits.create(catalog, "orders");
      Table loader = catalog.loadTable(TableIdentifier.of("db", "orders"));
      UpsertCommits upserts = new UpsertCommits();
      upsertRandomly(loader, upserts, 10, new Random(21));
      // The first compaction waits, once it has planned, for a loader commit: at least one
      // commit lands between a compaction's planning and its commit; the others fall where the
      // two threads take them.
      CountDownLatch planned = new CountDownLatch(1);
      CountDownLatch committedMeanwhile = new CountDownLatch(1);
      OutputHookFileIO.onNextFileNamed(
          "compaction-",
          () -> {
            planned.countDown();
            await(committedMeanwhile);
          });
      CompletableFuture<Void> committing =
          CompletableFuture.runAsync(
              () -> {
                Random random = new Random(22);
                await(planned);
                for (int commit = 0; commit < 30; commit++) {
                  upsertRandomly(loader, upserts, 1, random);
                  committedMeanwhile.countDown();
                }
              });
      long conflicts = 0;
      long rewrites = 0;
      while (!committing.isDone()) {
        TaskOutcome outcome;
        try {
          outcome = new Compaction(clock()).run(table, settings());
        } catch (CommitFailedException e) {
          // The loader's commits beat this one through all of Iceberg's retries: the task failed
          // and left nothing behind; maintenance runs it again, as this loop does.
          continue;
        }
        conflicts += outcome.figures().get("partitionsSkippedOnConflict");
        rewrites += outcome.figures().get("partitionsRewritten");
      }
      committing.get();
      assertThat(rewrites).isPositive();
      assertThat(conflicts).isZero();
      assertThat(UpsertCommits.read(table)).isEqualTo(upserts.model());
      long deleteFilesBefore = UpsertCommits.deleteFiles(table);

      TaskOutcome last = new Compaction(clock()).run(table, settings());

      assertThat(UpsertCommits.read(table)).isEqualTo(upserts.model());
      assertThat(deleteFilesBefore).isPositive();
      assertThat(UpsertCommits.deleteFiles(table)).isLessThan(deleteFilesBefore).isZero();
      assertThat(last.figures().get("deleteFilesBefore")).isEqualTo(deleteFilesBefore);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the other side never came");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Commits of 40 upserts over 200 keys (some twice in a commit) and 5 deletes each. */
  private static void upsertRandomly(
      Table table, UpsertCommits upserts, int commits, Random random) {
    for (int commit = 0; commit < commits; commit++) {
      List<Record> rows = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        long id = random.nextInt(200);
        rows.add(UpsertCommits.row(id, "v" + commit + "." + i + " of " + id));
      }
      List<Long> deleted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long id = random.nextInt(200);
        if (rows.stream().noneMatch(r -> r.getField("id").equals(id))) {
          deleted.add(id);
        }
      }
      upserts.commit(table, rows, deleted);
    }
  }

  private static long firstLiveKey(UpsertCommits upserts, int parity) {
    return upserts.model().keySet().stream()
        .filter(id -> id % 2 == parity)
        .sorted()
        .findFirst()
        .get();
  }

  private static long firstRowKey(Table table, DataFile file) {
    try (CloseableIterable<Record> rows =
        org.apache.iceberg.parquet.Parquet.read(table.io().newInputFile(file.location()))
            .project(UpsertCommits.SCHEMA)
            .createReaderFunc(
                schema ->
                    org.apache.iceberg.data.parquet.GenericParquetReaders.buildReader(
                        UpsertCommits.SCHEMA, schema))
            .build()) {
      return (Long) rows.iterator().next().getField("id");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static MaintenancePolicy.Compaction settings() {
    return new MaintenancePolicy.Compaction(
        true, Duration.ofHours(1), OptionalLong.of(MIB), 5, Duration.ofDays(7));
  }

  private static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }
}
