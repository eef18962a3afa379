package io.floe.control.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.model.MaintenancePolicy;
import io.floe.loader.summary.CommitSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotExpiryTest {
  @TempDir Path dir;

  @Test
  void expiresOldSnapshotsButKeepsTheNewestAndEachPipelinesLastCommit() throws Exception {
    Table table = new TestTables(dir).create("events", false);
    // Pipeline "orders": three commits of job j1, then two of job j2; then six commits by others.
    for (int i = 1; i <= 5; i++) {
      TestTables.append(
          table,
          List.of(TestTables.row(i, Instant.now())),
          loaderCommit("orders", i <= 3 ? "j1" : "j2", i));
    }
    long ordersLast = table.currentSnapshot().snapshotId();
    TestTables.append(
        table, List.of(TestTables.row(100, Instant.now())), loaderCommit("refunds", "j9", 1));
    long refundsLast = table.currentSnapshot().snapshotId();
    // A file that only old snapshots reference: appended, then deleted again.
    TestTables.append(table, List.of(TestTables.row(200, Instant.now())), Map.of());
    DataFile doomed = table.currentSnapshot().addedDataFiles(table.io()).iterator().next();
    table.newDelete().deleteFile(doomed).commit();
    for (int i = 0; i < 4; i++) {
      TestTables.append(table, List.of(TestTables.row(300 + i, Instant.now())), Map.of());
    }
    List<Snapshot> before = snapshots(table);
    assertThat(before).hasSize(12);
    TestTables.Checksum rows = TestTables.checksum(table);

    // Two days later, everything is older than a day.
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
    TaskOutcome outcome =
        new SnapshotExpiry(later)
            .run(
                table,
                new MaintenancePolicy.SnapshotExpiry(
                    true, Duration.ofHours(1), Duration.ofDays(1), 3));

    table.refresh();
    Set<Long> kept =
        snapshots(table).stream().map(Snapshot::snapshotId).collect(Collectors.toSet());
    Set<Long> newestThree =
        before.subList(before.size() - 3, before.size()).stream()
            .map(Snapshot::snapshotId)
            .collect(Collectors.toSet());
    assertThat(kept).containsAll(newestThree).contains(ordersLast, refundsLast).hasSize(5);
    assertThat(outcome.figures())
        .containsEntry("snapshotsBefore", 12L)
        .containsEntry("snapshotsExpired", 7L)
        .containsEntry("loaderCommitsKept", 2L);
    assertThat(outcome.figures().get("filesDeleted")).isPositive();
    assertThat(Files.exists(Path.of(java.net.URI.create(doomed.location())))).isFalse();
    // What the table holds is untouched, and the kept commit still answers the loader's question.
    assertThat(TestTables.checksum(table)).isEqualTo(rows);
    assertThat(table.snapshot(ordersLast).summary())
        .containsEntry(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID, "5");
  }

  @Test
  void keepsEverythingYoungerThanTheRetentionPeriod() {
    Table table = new TestTables(dir).create("events", false);
    for (int i = 0; i < 5; i++) {
      TestTables.append(table, List.of(TestTables.row(i, Instant.now())), Map.of());
    }
    TaskOutcome outcome =
        new SnapshotExpiry(Clock.systemUTC())
            .run(
                table,
                new MaintenancePolicy.SnapshotExpiry(
                    true, Duration.ofHours(1), Duration.ofDays(1), 1));
    table.refresh();
    assertThat(snapshots(table)).hasSize(5);
    assertThat(outcome.figures()).containsEntry("snapshotsExpired", 0L);
  }

  private static Map<String, String> loaderCommit(String pipeline, String job, long checkpoint) {
    return Map.of(
        CommitSummary.PIPELINE,
        pipeline,
        CommitSummary.FLINK_JOB_ID,
        job,
        CommitSummary.FLINK_OPERATOR_ID,
        "committer",
        CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID,
        Long.toString(checkpoint));
  }

  private static List<Snapshot> snapshots(Table table) {
    List<Snapshot> snapshots =
        new ArrayList<>(StreamSupport.stream(table.snapshots().spliterator(), false).toList());
    snapshots.sort(java.util.Comparator.comparingLong(Snapshot::sequenceNumber));
    return snapshots;
  }
}
