package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotStatus;

/**
 * Which snapshots of an application may restore a run: only state at least as new as everything the
 * pipeline committed to its table. Snapshots carry no Flink checkpoint id and Managed Flink's job
 * ids are not Floe's run ids, so "newer than what the run committed" is measured in time: the
 * snapshot's creation (the service's clock) against the pipeline's newest commit in its table (the
 * committer's clock; both are NTP-synchronised hosts, and a skew can only make Floe restore state
 * older than the table, which the loader then skips, or restore nothing).
 *
 * <p>A snapshot qualifies when it is READY, was taken since the run's StartApplication, and
 *
 * <ul>
 *   <li>was taken after the pipeline's newest commit (its state holds every commit's offsets), or
 *   <li>was taken by the operation that ended the run's job (a StopApplication without Force, an
 *       update whose restart failed) while nothing was committed after that operation ended: a
 *       stop's snapshot is a savepoint whose own commit lands during the stop, after the snapshot's
 *       creation, and no job of the run ran after it.
 * </ul>
 *
 * A forced stop takes no snapshot, so after one only a snapshot newer than the table qualifies.
 */
final class RestorePoints {
  private RestorePoints() {}

  /** The finished operation that left the application not running, and when it ran. */
  record Ending(String operation, String id, Instant start, Instant end) {
    Ending {
      requireNonNull(operation, "operation is null");
      requireNonNull(id, "id is null");
      requireNonNull(start, "start is null");
      requireNonNull(end, "end is null");
    }
  }

  /** The snapshots that may restore the run, newest first. */
  static List<SnapshotDetails> ofRun(
      List<SnapshotDetails> snapshots,
      Optional<Instant> runStart,
      Optional<Ending> ending,
      Optional<Instant> newestCommit) {
    if (runStart.isEmpty()) {
      return List.of();
    }
    return sinceRunStart(snapshots, runStart.get()).stream()
        .filter(
            s -> newerThanEveryCommit(s, newestCommit) || takenByTheEnding(s, ending, newestCommit))
        .toList();
  }

  /** The READY snapshots taken since the run's StartApplication, newest first. */
  static List<SnapshotDetails> sinceRunStart(List<SnapshotDetails> snapshots, Instant runStart) {
    return snapshots.stream()
        .filter(s -> s.snapshotStatus() == SnapshotStatus.READY)
        .filter(
            s ->
                s.snapshotCreationTimestamp() != null
                    && !s.snapshotCreationTimestamp().isBefore(runStart))
        .sorted(Comparator.comparing(SnapshotDetails::snapshotCreationTimestamp).reversed())
        .toList();
  }

  /**
   * Whether the point a run started from still holds when none of its own snapshots does: the
   * pipeline committed nothing since the run's StartApplication (a run that never started committed
   * nothing). Unlike a Flink cluster's retained checkpoints, Managed Flink takes snapshots only at
   * stops and updates: a run without any may have committed for days.
   */
  static boolean startPointHolds(Optional<Instant> runStart, Optional<Instant> newestCommit) {
    return runStart.isEmpty()
        || newestCommit.isEmpty()
        || newestCommit.get().isBefore(runStart.get());
  }

  private static boolean newerThanEveryCommit(
      SnapshotDetails snapshot, Optional<Instant> newestCommit) {
    return newestCommit.map(snapshot.snapshotCreationTimestamp()::isAfter).orElse(true);
  }

  private static boolean takenByTheEnding(
      SnapshotDetails snapshot, Optional<Ending> ending, Optional<Instant> newestCommit) {
    if (ending.isEmpty()) {
      return false;
    }
    Instant created = snapshot.snapshotCreationTimestamp();
    Ending end = ending.get();
    return !created.isBefore(end.start())
        && !created.isAfter(end.end())
        && newestCommit.map(commit -> !commit.isAfter(end.end())).orElse(true);
  }
}
