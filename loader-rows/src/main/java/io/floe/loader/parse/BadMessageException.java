package io.floe.loader.parse;

import static java.util.Objects.requireNonNull;

/**
 * A message that cannot become a row, with the reason, the failing column or JSON path, and a
 * message a user can act on. These go to the dead-letter topic (or fail or are skipped, by policy).
 */
public final class BadMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a message was refused; the dead-letter header {@code floe.error.class} carries it. */
  public enum Reason {
    MALFORMED_JSON,
    INVALID_UTF8,
    OVERSIZED,
    NOT_AN_OBJECT,
    MISSING_REQUIRED,
    WRONG_TYPE,
    OUT_OF_RANGE,
    /** The row parsed but breaks one of the pipeline's data-quality rules. */
    RULE_VIOLATION,
    /** A field that matches no column, under {@code parse.unknown-fields: reject}. */
    UNKNOWN_FIELD,
    /** The pipeline routes messages to tables, and this one's value names no table. */
    NO_ROUTE,
    /**
     * Upserting: a tombstone without a record key, or a key column without a value: the message
     * names no row.
     */
    MISSING_KEY,
    /** Upserting: a tombstone's record key is not the key (a JSON object of it, or its value). */
    MALFORMED_KEY,
    /**
     * A change event that does not say what changed: no or an unknown op, no after row to upsert,
     * no before row to delete.
     */
    BAD_ENVELOPE
  }

  private final Reason reason;
  private final String path;

  public BadMessageException(Reason reason, String path, String message) {
    super(message, null, false, false);
    this.reason = requireNonNull(reason, "reason is null");
    this.path = requireNonNull(path, "path is null");
  }

  public Reason reason() {
    return reason;
  }

  /** The column (dotted for nested fields, [i] for list elements) or JSON pointer; "" for all. */
  public String path() {
    return path;
  }

  @Override
  public String toString() {
    return reason + (path.isEmpty() ? "" : " at " + path) + ": " + getMessage();
  }
}
