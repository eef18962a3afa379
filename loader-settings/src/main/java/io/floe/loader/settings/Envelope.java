package io.floe.loader.settings;

/**
 * The wrapping of a change stream's messages, from which the loader takes a row and an operation.
 */
public enum Envelope {
  /** The message is the row. */
  NONE,
  /**
   * A Debezium change event (JSON converter without schemas): the row from {@code after}, or from
   * {@code before} when {@code op} is {@code d}; {@code op} c, r and u upsert.
   */
  DEBEZIUM
}
