package io.floe.loader.settings;

/** What a JSON field that matches no column means: nothing (the default), or a bad message. */
public enum UnknownFields {
  /** Skipped unread: producers may send more than the table keeps. */
  IGNORE,
  /**
   * A bad message (UNKNOWN_FIELD), dead-lettered: nothing a producer sends is dropped silently, and
   * once the column exists a redrive loads it.
   */
  REJECT
}
