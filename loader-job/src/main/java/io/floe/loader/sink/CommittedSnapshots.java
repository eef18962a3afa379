package io.floe.loader.sink;

import io.floe.loader.summary.CommitSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/** What the table's snapshot summaries say about the pipeline's commits, for the committer. */
final class CommittedSnapshots {
  static final long NO_CHECKPOINT = -1;

  private CommittedSnapshots() {}

  /**
   * The highest checkpoint the committer with this identity committed for the pipeline, from the
   * retained snapshots' summaries (all of them, so that an expired parent does not hide a later
   * commit); -1 if none. Commits of loaders before the committer identity carry only Flink's job
   * id, which their state holds in its place.
   */
  static long maxCommittedCheckpointId(Table table, String pipeline, String identity) {
    long max = NO_CHECKPOINT;
    for (Snapshot snapshot : table.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      String committer = summary.get(CommitSummary.COMMITTER_ID);
      boolean ours =
          committer != null
              ? committer.equals(identity)
              : identity.equals(summary.get(CommitSummary.FLINK_JOB_ID));
      if (ours && pipeline.equals(summary.get(CommitSummary.PIPELINE))) {
        String value = summary.get(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID);
        if (value != null) {
          max = Math.max(max, Long.parseLong(value));
        }
      }
    }
    return max;
  }

  /**
   * The Kafka offsets recorded by the pipeline's most recent commit (snapshots are listed oldest
   * first); empty if none.
   */
  static Map<String, Long> latestOffsets(Table table, String pipeline) {
    List<Map<String, String>> summaries = new ArrayList<>();
    table.snapshots().forEach(snapshot -> summaries.add(snapshot.summary()));
    return CommitSummary.latestOffsets(summaries, pipeline);
  }

  /** The snapshot this committer just committed for the checkpoint. */
  static long committedSnapshot(Table table, String identity, String checkpoint) {
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      Map<String, String> summary = snapshot.summary();
      if (identity.equals(summary.get(CommitSummary.COMMITTER_ID))
          && checkpoint.equals(summary.get(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID))) {
        return snapshot.snapshotId();
      }
    }
    throw new IllegalStateException(
        "The commit of checkpoint " + checkpoint + " by " + identity + " is not in the table");
  }

  /** The dead-letter files a snapshot's commit recorded; empty if none. */
  static List<String> deadLetterFiles(Snapshot snapshot) {
    String files = snapshot.summary().get(CommitSummary.DEAD_LETTER_FILES);
    return files == null || files.isEmpty() ? List.of() : List.of(files.split(","));
  }
}
