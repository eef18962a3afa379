package io.floe.loader.settings;

/**
 * What a JSON field that matches no column means: nothing (the default), a bad message, or a new
 * column.
 */
public enum UnknownFields {
  /** Skipped unread: producers may send more than the table keeps. */
  IGNORE,
  /**
   * A bad message (UNKNOWN_FIELD), dead-lettered: nothing a producer sends is dropped silently, and
   * once the column exists a redrive loads it.
   */
  REJECT,
  /**
   * A new optional column of the table, of the type its value suggests, added by the loader when
   * the field first comes (schema growth from the data); the writers follow it at once.
   */
  ADD
}
