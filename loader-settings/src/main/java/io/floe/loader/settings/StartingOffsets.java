package io.floe.loader.settings;

/** Where a loader without restored state starts reading each partition. */
public enum StartingOffsets {
  /**
   * The offsets the loader last committed to its Iceberg table, else the consumer group's committed
   * offsets, else the earliest offsets.
   */
  COMMITTED,
  EARLIEST,
  LATEST,
  /** The first offset whose record timestamp is at or after {@code source.starting-timestamp}. */
  TIMESTAMP
}
