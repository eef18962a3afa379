package io.floe.loader.settings;

/**
 * Where a pipeline starts reading a partition that its table holds no commit of this pipeline for.
 * It applies once: every later start, with or without restored state, continues after the offsets
 * the table recorded. Partitions created after the pipeline's first start are read from their
 * beginning whatever the mode (everything in them is newer than the pipeline).
 */
public enum StartingOffsets {
  /**
   * Continue from the table's offsets; partitions without are read from their earliest offset. The
   * consumer group's offsets are never used: the source commits them on every completed checkpoint,
   * whether or not the table commit of that checkpoint happened.
   */
  COMMITTED,
  EARLIEST,
  LATEST,
  /** The first offset whose record timestamp is at or after {@code source.starting-timestamp}. */
  TIMESTAMP
}
