package io.floe.control.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.model.MaintenancePolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void rewritesSmallFilesIntoFilesNearTheTargetAndKeepsEveryRow() throws Exception {
    Table table = new TestTables(dir).create("events", true);
    long id = 0;
    for (int commit = 0; commit < 40; commit++) {
      List<Record> rows = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        // Two days: today and yesterday, as a loader commit right after midnight would write.
        rows.add(TestTables.row(++id, NOW.minus(Duration.ofHours(i % 2 == 0 ? 1 : 20))));
      }
      TestTables.append(table, rows, Map.of());
    }
    TestTables.Checksum before = TestTables.checksum(table);
    long filesBefore = TestTables.dataFiles(table);
    assertThat(filesBefore).isEqualTo(80);

    TaskOutcome outcome = new Compaction(clock()).run(table, settings(MIB, Duration.ofDays(7)));

    assertThat(TestTables.checksum(table)).isEqualTo(before);
    assertThat(before.rows()).isEqualTo(60_000);
    long filesAfter = TestTables.dataFiles(table);
    assertThat(filesAfter).isLessThan(filesBefore / 10);
    Map<String, Long> figures = outcome.figures();
    assertThat(figures.get("tableFilesBefore")).isEqualTo(filesBefore);
    assertThat(figures.get("tableFilesAfter")).isEqualTo(filesAfter);
    assertThat(figures.get("partitionsRewritten")).isEqualTo(2);
    assertThat(figures.get("recordsRewritten")).isEqualTo(60_000);
    long averageAfter = figures.get("tableBytesAfter") / filesAfter;
    long averageBefore = figures.get("tableBytesBefore") / filesBefore;
    assertThat(averageAfter).isGreaterThan(averageBefore * 10);
    // Every new file is at most the target (plus a row group's rounding) and not tiny.
    for (DataFile file : files(table)) {
      assertThat(file.fileSizeInBytes()).isLessThan((long) (MIB * 1.1));
    }
    Snapshot replace = table.currentSnapshot();
    assertThat(replace.operation()).isEqualTo("replace");
    assertThat(replace.summary()).containsEntry("floe.maintenance", "compaction");
    assertThat(outcome.summary()).contains("rewritten into").contains("2 partitions");
  }

  @Test
  void leavesPartitionsOutsideTheLookbackAndPartitionsWithFewSmallFiles() {
    Table table = new TestTables(dir).create("events", true);
    long id = 0;
    for (int commit = 0; commit < 6; commit++) {
      List<Record> rows = new ArrayList<>();
      rows.add(TestTables.row(++id, NOW.minus(Duration.ofDays(10))));
      rows.add(TestTables.row(++id, NOW.minus(Duration.ofHours(1))));
      if (commit < 3) {
        rows.add(TestTables.row(++id, NOW.minus(Duration.ofDays(2))));
      }
      TestTables.append(table, rows, Map.of());
    }
    TestTables.Checksum before = TestTables.checksum(table);

    new Compaction(clock()).run(table, settings(MIB, Duration.ofDays(7)));

    // Today's six files became one; ten days ago is outside the lookback; two days ago has only
    // three small files, below the minimum of five.
    assertThat(filesPerDay(table))
        .containsEntry(0L, 1L)
        .containsEntry(10L, 6L)
        .containsEntry(2L, 3L);
    assertThat(TestTables.checksum(table)).isEqualTo(before);

    new Compaction(clock()).run(table, settings(MIB, Duration.ZERO));

    assertThat(filesPerDay(table))
        .containsEntry(0L, 1L)
        .containsEntry(10L, 1L)
        .containsEntry(2L, 3L);
    assertThat(TestTables.checksum(table)).isEqualTo(before);
  }

  @Test
  void anEmptyTableOrOneWithoutSmallFilesIsLeftAlone() {
    Table table = new TestTables(dir).create("events", false);
    TaskOutcome empty = new Compaction(clock()).run(table, settings(MIB, Duration.ofDays(7)));
    assertThat(empty.summary()).startsWith("compaction: nothing to rewrite");
    assertThat(table.currentSnapshot()).isNull();

    TestTables.append(table, List.of(TestTables.row(1, NOW)), Map.of());
    long snapshot = table.currentSnapshot().snapshotId();
    new Compaction(clock()).run(table, settings(MIB, Duration.ofDays(7)));
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
  }

  private static MaintenancePolicy.Compaction settings(long target, Duration lookback) {
    return new MaintenancePolicy.Compaction(
        true, Duration.ofHours(1), OptionalLong.of(target), 5, lookback);
  }

  private static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  private static List<DataFile> files(Table table) throws Exception {
    table.refresh();
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    }
    return files;
  }

  /** Data files per partition, keyed by days before NOW's day. */
  private static Map<Long, Long> filesPerDay(Table table) {
    try {
      Map<Long, Long> counts = new HashMap<>();
      long today = NOW.atOffset(ZoneOffset.UTC).toLocalDate().toEpochDay();
      for (DataFile file : files(table)) {
        counts.merge(today - file.partition().get(0, Integer.class), 1L, Long::sum);
      }
      return counts;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
