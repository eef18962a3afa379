package io.floe.control.maintenance;

import io.floe.control.model.MaintenancePolicy;
import io.floe.loader.summary.CommitSummary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;

/**
 * Expires a table's old snapshots and the files only they referenced, keeping the newest ones and,
 * however old, the newest commit of every pipeline that loads the table: that commit holds the
 * loader's last committed checkpoint id, which a restart restored from a savepoint or checkpoint
 * reads to skip what it already committed, and the Kafka offsets a start without state resumes
 * from. The snapshots to expire are named one by one (Iceberg's age-based expiry cannot keep one
 * old snapshot while expiring its neighbours), and snapshots that a branch or tag points at stay.
 */
final class SnapshotExpiry {
  private final Clock clock;

  SnapshotExpiry(Clock clock) {
    this.clock = clock;
  }

  TaskOutcome run(Table table, MaintenancePolicy.SnapshotExpiry settings) {
    long started = clock.millis();
    table.refresh();
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    snapshots.sort(Comparator.comparingLong(Snapshot::sequenceNumber).reversed());

    Set<Long> keep = new HashSet<>();
    for (int i = 0; i < Math.min(settings.retainLast(), snapshots.size()); i++) {
      keep.add(snapshots.get(i).snapshotId());
    }
    table.refs().values().stream().map(SnapshotRef::snapshotId).forEach(keep::add);
    Map<String, Snapshot> newestByPipeline = newestLoaderCommits(snapshots);
    newestByPipeline.values().forEach(s -> keep.add(s.snapshotId()));

    long cutoff = clock.millis() - settings.olderThan().toMillis();
    List<Snapshot> expire =
        snapshots.stream()
            .filter(s -> !keep.contains(s.snapshotId()) && s.timestampMillis() < cutoff)
            .toList();
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("snapshotsBefore", (long) snapshots.size());
    figures.put("snapshotsExpired", (long) expire.size());
    figures.put("snapshotsAfter", (long) (snapshots.size() - expire.size()));
    figures.put("loaderCommitsKept", (long) newestByPipeline.size());
    long[] deleted = new long[1];
    if (!expire.isEmpty()) {
      ExpireSnapshots expiry =
          table
              .expireSnapshots()
              // Nothing goes by age or count here: only the snapshots named below.
              .expireOlderThan(0)
              .retainLast(1)
              .cleanExpiredFiles(true)
              .deleteWith(
                  location -> {
                    table.io().deleteFile(location);
                    deleted[0]++;
                  });
      expire.forEach(s -> expiry.expireSnapshotId(s.snapshotId()));
      expiry.commit();
    }
    figures.put("filesDeleted", deleted[0]);
    long duration = clock.millis() - started;
    figures.put("durationMillis", duration);
    String summary =
        "snapshot expiry: "
            + expire.size()
            + " of "
            + snapshots.size()
            + " snapshots expired, "
            + deleted[0]
            + " files deleted; kept the newest "
            + Math.min(settings.retainLast(), snapshots.size())
            + " and the last commit of "
            + (newestByPipeline.isEmpty()
                ? "no pipeline"
                : String.join(", ", newestByPipeline.keySet()))
            + ", "
            + duration
            + " ms";
    return new TaskOutcome(summary, figures);
  }

  /** The newest snapshot each pipeline's loader committed, by pipeline name. */
  private static Map<String, Snapshot> newestLoaderCommits(List<Snapshot> newestFirst) {
    Map<String, Snapshot> newest = new HashMap<>();
    for (Snapshot snapshot : newestFirst) {
      String pipeline = snapshot.summary().get(CommitSummary.PIPELINE);
      if (pipeline != null && snapshot.summary().containsKey(CommitSummary.FLINK_JOB_ID)) {
        newest.putIfAbsent(pipeline, snapshot);
      }
    }
    return new TreeMap<>(newest);
  }
}
