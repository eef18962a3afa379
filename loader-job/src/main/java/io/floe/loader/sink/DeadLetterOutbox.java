package io.floe.loader.sink;

import io.floe.loader.deadletter.DeadLetter;
import io.floe.loader.deadletter.DeadLetterCodec;
import io.floe.loader.deadletter.DeadLetterPublisher;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.summary.CommitterFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters waiting in a file named by their commit until published after it: a file left means
 * perhaps not published, so a restart publishes it again unless the dead-letter topic shows it was.
 */
final class DeadLetterOutbox {
  private static final Logger LOG = LoggerFactory.getLogger(TableCommitterOperator.class);

  private final Table table;
  private final String pipeline;
  private final DeadLetterPublisher publisher;

  /**
   * @param publisher null when the pipeline has no dead-letter topic (any more)
   */
  DeadLetterOutbox(Table table, String pipeline, DeadLetterPublisher publisher) {
    this.table = table;
    this.pipeline = pipeline;
    this.publisher = publisher;
  }

  /** Writes a checkpoint's dead letters into a new file beside the table's metadata. */
  String write(String committerId, long checkpointId, List<DeadLetter> deadLetters)
      throws IOException {
    OutputFile file =
        PendingCheckpoints.newMetadataFile(
            table, CommitterFiles.deadLetterFileName(committerId, checkpointId, UUID.randomUUID()));
    try (OutputStream out = file.createOrOverwrite()) {
      DeadLetterCodec.write(deadLetters, out);
    }
    return file.location();
  }

  /** Publishes a commit's dead letters, then deletes their files: a file left means maybe not. */
  void publish(long snapshotId, List<String> files) throws IOException {
    if (publisher == null) {
      LOG.warn(
          "Snapshot {} holds dead letters but {} has no dead-letter topic any more: keeping {}",
          snapshotId,
          pipeline,
          files);
      return;
    }
    List<DeadLetter> letters = new ArrayList<>();
    for (String file : files) {
      try (InputStream in = table.io().newInputFile(file).newStream()) {
        letters.addAll(DeadLetterCodec.read(in));
      }
    }
    publisher.publish(snapshotId, letters);
    for (String file : files) {
      table.io().deleteFile(file);
    }
  }

  /**
   * After a restart: the dead letters of the pipeline's commits whose files are still there were
   * perhaps not published (the run stopped between its commit and the end of the publication). The
   * newest of them that the dead-letter topic names was published, and so were those before it; the
   * rest are published now, oldest first.
   */
  void publishUnpublished() throws IOException {
    List<Snapshot> waiting = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      if (pipeline.equals(summary.get(CommitSummary.PIPELINE))
          && CommittedSnapshots.deadLetterFiles(snapshot).stream()
              .anyMatch(f -> table.io().newInputFile(f).exists())) {
        waiting.add(snapshot);
      }
    }
    if (waiting.isEmpty()) {
      return;
    }
    if (publisher == null) {
      LOG.warn(
          "{} commit(s) of {} hold dead letters that may not have been published, and the pipeline"
              + " has no dead-letter topic any more",
          waiting.size(),
          pipeline);
      return;
    }
    Set<Long> published = publisher.newestPublished();
    int firstUnpublished = 0;
    for (int i = 0; i < waiting.size(); i++) {
      Snapshot snapshot = waiting.get(i);
      // Files are deleted only after their publication: one already gone means published.
      boolean partlyDeleted =
          CommittedSnapshots.deadLetterFiles(snapshot).stream()
              .anyMatch(f -> !table.io().newInputFile(f).exists());
      if (partlyDeleted || published.contains(snapshot.snapshotId())) {
        firstUnpublished = i + 1;
      }
    }
    for (int i = 0; i < waiting.size(); i++) {
      Snapshot snapshot = waiting.get(i);
      List<String> files = CommittedSnapshots.deadLetterFiles(snapshot);
      if (i < firstUnpublished) {
        LOG.info(
            "Dead letters of snapshot {} were published before the restart", snapshot.snapshotId());
        for (String file : files) {
          if (table.io().newInputFile(file).exists()) {
            table.io().deleteFile(file);
          }
        }
      } else {
        LOG.info(
            "Publishing the dead letters of snapshot {} after a restart", snapshot.snapshotId());
        publish(snapshot.snapshotId(), files);
      }
    }
  }
}
