package io.floe.control.deadletter;

import io.floe.control.model.OperationState;
import java.time.Instant;
import java.util.Map;

/**
 * A redrive as the API shows it: poll it until {@code state} is SUCCEEDED or FAILED; {@code report}
 * grows with each batch.
 *
 * @param id the REDRIVE operation's id, as in /operations/{id}
 * @param pipeline the pipeline whose dead letters it loads
 * @param state where it is: PENDING, RUNNING, then SUCCEEDED or FAILED
 * @param dryRun whether it only parses and reports, writing nothing
 * @param range what it loads, as asked
 * @param partitions per dead-letter partition: the next offset to read and where it stops
 * @param report what it found so far
 * @param outcome how it ended, in words, once it has
 * @param createdAt when it was asked for
 * @param updatedAt when it last moved a batch
 * @param finishedAt when it ended, once it has
 */
public record RedriveView(
    String id,
    String pipeline,
    OperationState state,
    boolean dryRun,
    Map<String, String> range,
    Map<Integer, PartitionProgress> partitions,
    RedriveReport report,
    String outcome,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt) {
  /**
   * Where the redrive is in one partition of the dead-letter topic.
   *
   * @param position the next offset it reads
   * @param end the offset it stops at (the partition's end when it began)
   */
  public record PartitionProgress(long position, long end) {}
}
