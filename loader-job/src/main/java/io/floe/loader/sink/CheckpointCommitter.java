package io.floe.loader.sink;

import io.floe.loader.summary.CommitSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits pending checkpoints to the table, one snapshot whose summary records the pipeline,
 * committer identity, checkpoints, counters and Kafka offsets, then publishes its dead letters.
 */
final class CheckpointCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(TableCommitterOperator.class);

  private final Table table;
  private final String pipeline;
  private final String committerId;
  private final String jobId;
  private final String operatorId;
  private final String loaderVersion;
  private final PendingCheckpoints files;
  private final DeadLetterOutbox outbox;
  private final Map<String, Long> committedOffsets;
  private final boolean rowDeltas;
  private Counter commits;
  private volatile long lastCommitMillis;

  CheckpointCommitter(
      Table table,
      String pipeline,
      String committerId,
      String jobId,
      String operatorId,
      String loaderVersion,
      PendingCheckpoints files,
      DeadLetterOutbox outbox,
      boolean rowDeltas) {
    this.table = table;
    this.rowDeltas = rowDeltas;
    this.pipeline = pipeline;
    this.committerId = committerId;
    this.jobId = jobId;
    this.operatorId = operatorId;
    this.loaderVersion = loaderVersion;
    this.files = files;
    this.outbox = outbox;
    this.committedOffsets = new TreeMap<>(CommittedSnapshots.latestOffsets(table, pipeline));
  }

  /** Counts every commit from now on (the metrics exist only once the operator is open). */
  void countCommitsIn(Counter commits) {
    this.commits = commits;
  }

  long lastCommitMillis() {
    return lastCommitMillis;
  }

  /** Commits what the restored state holds and the table does not (by the restored identity). */
  void commitRestored(String restoredId, TreeMap<Long, PendingCommit> restored) throws IOException {
    long restoredMax = CommittedSnapshots.maxCommittedCheckpointId(table, pipeline, restoredId);
    NavigableMap<Long, PendingCommit> uncommitted = new TreeMap<>();
    for (Map.Entry<Long, PendingCommit> pending : restored.tailMap(restoredMax, false).entrySet()) {
      if (files.manifestsExist(pending.getValue())) {
        uncommitted.put(pending.getKey(), pending.getValue());
      } else {
        // The committer deletes a checkpoint's manifests only after committing them: this one was
        // committed, by a snapshot that has expired since (an old savepoint restored late).
        LOG.warn(
            "Checkpoint {} of committer {} is in no retained snapshot, but its pending manifests are"
                + " gone, which happens only after their commit: it was committed",
            pending.getKey(),
            restoredId);
      }
    }
    LOG.info(
        "Restored {} pending checkpoint(s) of committer {}; the table has up to checkpoint {};"
            + " committing {}",
        restored.size(),
        restoredId,
        restoredMax,
        uncommitted.keySet());
    if (!uncommitted.isEmpty()) {
      commit(uncommitted, restoredId, uncommitted.lastKey());
    }
    files.deleteManifests(restored.values());
  }

  /**
   * A new pipeline's starting rule resolved to positions (latest, a timestamp): recorded in the
   * table before the first row, so that a start without state continues from them instead of
   * applying the rule again.
   */
  void recordStartPositions(Map<String, Long> startPositions) {
    if (startPositions.isEmpty()) {
      return;
    }
    table.refresh();
    Map<String, Long> recorded = CommittedSnapshots.latestOffsets(table, pipeline);
    Map<String, Long> offsets = new TreeMap<>(recorded);
    startPositions.forEach(offsets::putIfAbsent);
    if (offsets.equals(recorded)) {
      return;
    }
    AppendFiles append = table.newAppend();
    append.set(CommitSummary.PIPELINE, pipeline);
    append.set(CommitSummary.COMMITTER_ID, committerId);
    append.set(CommitSummary.FLINK_JOB_ID, jobId);
    append.set(CommitSummary.COMMIT_KIND, CommitSummary.KIND_START_POSITIONS);
    append.set(CommitSummary.LOADER_VERSION, loaderVersion);
    append.set(CommitSummary.RECORDS_WRITTEN, "0");
    append.set(CommitSummary.RECORDS_DEAD_LETTERED, "0");
    append.set(CommitSummary.RECORDS_SKIPPED, "0");
    append.set(CommitSummary.KAFKA_OFFSETS, CommitSummary.formatOffsets(offsets));
    append.commit();
    committedOffsets.putAll(offsets);
    LOG.info("Recorded where {} starts reading: {}", pipeline, offsets);
  }

  /**
   * Commits the checkpoints by the identity, then publishes their dead letters: appended files as
   * one snapshot; row deltas (upsert mode) one snapshot per checkpoint, since a checkpoint's
   * equality deletes apply only to rows committed before it, with a lower sequence number.
   */
  void commit(NavigableMap<Long, PendingCommit> checkpoints, String identity, long upToCheckpointId)
      throws IOException {
    if (!rowDeltas || checkpoints.size() == 1) {
      commitAsOne(checkpoints, identity, upToCheckpointId);
      return;
    }
    long last = checkpoints.lastKey();
    for (Map.Entry<Long, PendingCommit> checkpoint : checkpoints.entrySet()) {
      NavigableMap<Long, PendingCommit> one = new TreeMap<>();
      one.put(checkpoint.getKey(), checkpoint.getValue());
      commitAsOne(
          one, identity, checkpoint.getKey() == last ? upToCheckpointId : checkpoint.getKey());
    }
  }

  private void commitAsOne(
      NavigableMap<Long, PendingCommit> checkpoints, String identity, long upToCheckpointId)
      throws IOException {
    long start = System.currentTimeMillis();
    table.refresh();
    AppendFiles append = rowDeltas ? null : table.newAppend();
    RowDelta delta = rowDeltas ? table.newRowDelta() : null;
    SnapshotUpdate<?> update = rowDeltas ? delta : append;
    int fileCount = 0;
    long deleted = 0;
    long written = 0;
    long routed = 0;
    long deadLettered = 0;
    long skipped = 0;
    long ruleViolations = 0;
    long maxTimestamp = 0;
    int schemaId = -1;
    List<String> deadLetterFiles = new ArrayList<>();
    for (PendingCommit commit : checkpoints.values()) {
      fileCount += rowDeltas ? files.addTo(delta, commit) : files.appendTo(append, commit);
      deleted += commit.recordsDeleted();
      deadLetterFiles.addAll(commit.deadLetterFiles());
      written += commit.recordsWritten();
      for (PendingCommit routedTable : commit.routed().values()) {
        routed += routedTable.recordsWritten();
      }
      deadLettered += commit.recordsDeadLettered();
      skipped += commit.recordsSkipped();
      ruleViolations += commit.recordsRuleViolations();
      maxTimestamp = Math.max(maxTimestamp, commit.maxRecordTimestamp());
      schemaId = Math.max(schemaId, commit.schemaId());
      commit
          .nextOffsets()
          .forEach((partition, next) -> committedOffsets.merge(partition, next, Math::max));
    }
    String checkpoint = Long.toString(upToCheckpointId);
    update.set(CommitSummary.PIPELINE, pipeline);
    update.set(CommitSummary.COMMITTER_ID, identity);
    update.set(CommitSummary.FLINK_JOB_ID, jobId);
    update.set(CommitSummary.FLINK_OPERATOR_ID, operatorId);
    update.set(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID, checkpoint);
    update.set(CommitSummary.LOADER_VERSION, loaderVersion);
    update.set(CommitSummary.SCHEMA_ID, Integer.toString(schemaId));
    update.set(CommitSummary.RECORDS_WRITTEN, Long.toString(written));
    if (rowDeltas) {
      update.set(CommitSummary.RECORDS_DELETED, Long.toString(deleted));
    }
    if (routed > 0) {
      update.set(CommitSummary.RECORDS_ROUTED, Long.toString(routed));
    }
    update.set(CommitSummary.RECORDS_DEAD_LETTERED, Long.toString(deadLettered));
    update.set(CommitSummary.RECORDS_SKIPPED, Long.toString(skipped));
    update.set(CommitSummary.RECORDS_RULE_VIOLATIONS, Long.toString(ruleViolations));
    update.set(CommitSummary.KAFKA_OFFSETS, CommitSummary.formatOffsets(committedOffsets));
    update.set(CommitSummary.MAX_RECORD_TIMESTAMP, Long.toString(maxTimestamp));
    update.set(CommitSummary.CHECKPOINTS, checkpoints.firstKey() + "-" + checkpoints.lastKey());
    if (!deadLetterFiles.isEmpty()) {
      update.set(CommitSummary.DEAD_LETTER_FILES, String.join(",", deadLetterFiles));
    }
    update.commit();
    lastCommitMillis = System.currentTimeMillis() - start;
    if (commits != null) {
      commits.inc();
    }
    LOG.info(
        "Committed checkpoints {}-{} of {}: {} files, {} rows, {} deleted, {} dead-lettered, {}"
            + " skipped in {} ms",
        checkpoints.firstKey(),
        checkpoints.lastKey(),
        pipeline,
        fileCount,
        written,
        deleted,
        deadLettered,
        skipped,
        lastCommitMillis);
    if (!deadLetterFiles.isEmpty()) {
      outbox.publish(
          CommittedSnapshots.committedSnapshot(table, identity, checkpoint), deadLetterFiles);
    }
  }
}
