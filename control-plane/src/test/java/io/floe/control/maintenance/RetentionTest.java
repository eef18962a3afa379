package io.floe.control.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  private static final Instant NOW = Instant.parse("2026-11-24T15:30:00Z");

  @TempDir Path dir;

  @Test
  void dropsWholeOldDayPartitionsAsMetadataOnlyAndLeavesTheOthersUntouched() {
    Table table = new TestTables(dir).create("events", true);
    long id = 0;
    for (int commit = 0; commit < 3; commit++) {
      List<Record> rows = new ArrayList<>();
      for (int day = 0; day < 8; day++) {
        for (int i = 0; i < 10; i++) {
          // Between 08:00 and 15:30 of each of the last eight days.
          rows.add(TestTables.row(++id, NOW.minus(Duration.ofDays(day)).minusSeconds(i * 3000)));
        }
      }
      TestTables.append(table, rows, Map.of());
    }
    Map<Long, Long> before = rowsPerDay(table);
    assertThat(before).hasSize(8);

    TaskOutcome outcome = new Retention(clock()).run(table, settings("ts", Duration.ofDays(3)));

    // The cutoff, 3 days before 15:30, aligns down to the start of that day: days 0-3 stay.
    Map<Long, Long> after = rowsPerDay(table);
    Map<Long, Long> expectedDays = new HashMap<>(before);
    expectedDays.keySet().removeIf(daysAgo -> daysAgo > 3);
    assertThat(after).isEqualTo(expectedDays);
    Snapshot delete = table.currentSnapshot();
    assertThat(delete.operation()).isEqualTo("delete");
    assertThat(delete.summary()).doesNotContainKey("added-data-files");
    assertThat(delete.summary()).containsEntry("floe.maintenance", "retention");
    long deleted =
        before.values().stream().mapToLong(Long::longValue).sum()
            - after.values().stream().mapToLong(Long::longValue).sum();
    assertThat(outcome.figures())
        .containsEntry("rowsDeleted", deleted)
        .containsEntry("filesRewritten", 0L)
        .containsEntry("partitionsDropped", (long) (before.size() - after.size()));
    assertThat(outcome.summary()).contains("metadata only");
  }

  @Test
  void rewritesFilesWithSomeOldRowsInAnUnpartitionedTableAndKeepsRowsWithoutATime() {
    Table table = new TestTables(dir).create("events", false);
    List<Record> all = new ArrayList<>();
    long id = 0;
    for (int commit = 0; commit < 4; commit++) {
      List<Record> rows = new ArrayList<>();
      for (int hour = 0; hour < 100; hour++) {
        rows.add(TestTables.row(++id, NOW.minus(Duration.ofHours(hour * 2L))));
      }
      rows.add(TestTables.row(++id, null));
      TestTables.append(table, rows, Map.of());
      all.addAll(rows);
    }
    // One file of only old rows, which goes whole.
    List<Record> old = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      old.add(TestTables.row(++id, NOW.minus(Duration.ofDays(30))));
    }
    TestTables.append(table, old, Map.of());
    Instant cutoff = NOW.minus(Duration.ofDays(5));

    TaskOutcome outcome = new Retention(clock()).run(table, settings("ts", Duration.ofDays(5)));

    Map<Long, Integer> ids = TestTables.idCounts(table);
    long expectedKept =
        all.stream()
            .filter(
                r ->
                    r.getField("ts") == null
                        || !((java.time.OffsetDateTime) r.getField("ts"))
                            .toInstant()
                            .isBefore(cutoff))
            .count();
    assertThat(ids).hasSize((int) expectedKept);
    assertThat(ids.values()).containsOnly(1);
    for (Record row : all) {
      java.time.OffsetDateTime ts = (java.time.OffsetDateTime) row.getField("ts");
      boolean shouldStay = ts == null || !ts.toInstant().isBefore(cutoff);
      assertThat(ids.containsKey((Long) row.getField("id"))).isEqualTo(shouldStay);
    }
    assertThat(table.currentSnapshot().operation()).isEqualTo("overwrite");
    assertThat(outcome.figures())
        .containsEntry("rowsDeleted", (long) (all.size() + old.size()) - expectedKept)
        .containsEntry("filesDeleted", 1L)
        .containsEntry("filesRewritten", 4L);
  }

  @Test
  void aColumnThatIsNotATimeIsAClearFailure() {
    Table table = new TestTables(dir).create("events", false);
    assertThatThrownBy(
            () -> new Retention(clock()).run(table, settings("payload", Duration.ofDays(1))))
        .isInstanceOf(MaintenanceFailedException.class)
        .hasMessageContaining("'payload'")
        .hasMessageContaining("not a date, timestamp or timestamptz");
    assertThatThrownBy(
            () -> new Retention(clock()).run(table, settings("nope", Duration.ofDays(1))))
        .isInstanceOf(MaintenanceFailedException.class)
        .hasMessageContaining("'nope' is not in table");
  }

  private static MaintenancePolicy.Retention settings(String column, Duration olderThan) {
    return new MaintenancePolicy.Retention(Optional.of(column), olderThan, Duration.ofDays(1));
  }

  private static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  /** Rows per day partition, keyed by days before NOW's day. */
  private static Map<Long, Long> rowsPerDay(Table table) {
    Map<Long, Long> counts = new HashMap<>();
    long today = NOW.atOffset(ZoneOffset.UTC).toLocalDate().toEpochDay();
    table.refresh();
    try (var tasks = table.newScan().planFiles()) {
      for (var task : tasks) {
        counts.merge(
            today - task.file().partition().get(0, Integer.class),
            task.file().recordCount(),
            Long::sum);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return counts;
  }
}
