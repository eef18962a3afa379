package io.floe.loader.settings;

/** How rows reach the table: appended, or upserted and deleted by key. */
public enum WriteMode {
  /** Every message becomes a new row. */
  APPEND,
  /**
   * A message replaces the table's row with the same key (an equality delete plus an insert), or
   * deletes it (a tombstone, a delete marker, a change-stream delete).
   */
  UPSERT
}
