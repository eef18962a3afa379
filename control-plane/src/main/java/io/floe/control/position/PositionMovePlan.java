package io.floe.control.position;

import java.util.List;

/**
 * What a position move does, per partition and in total, against the positions the pipeline's table
 * recorded (a running loader commits a little further before it stops).
 *
 * @param skipped messages between the current and the new position that will never be loaded
 * @param readAgain messages before the current position that will be loaded once more
 * @param pipeline the pipeline
 * @param to the move asked for: earliest, latest, timestamp or offsets
 * @param partitions each partition the pipeline reads
 */
public record PositionMovePlan(
    String pipeline, String to, List<PartitionMove> partitions, long skipped, long readAgain) {
  public PositionMovePlan {
    partitions = List.copyOf(partitions);
  }

  /**
   * One partition.
   *
   * @param current the next offset the table recorded for the pipeline; null when it has none (the
   *     pipeline never read the partition)
   * @param target the next offset to read after the move
   * @param earliest the partition's earliest offset still held
   * @param end the partition's end (the offset of the next message)
   * @param partition topic:partition
   * @param skipped messages this partition will never load
   * @param readAgain messages this partition will load once more
   */
  public record PartitionMove(
      String partition,
      Long current,
      long target,
      long earliest,
      long end,
      long skipped,
      long readAgain) {}
}
