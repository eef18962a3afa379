package io.floe.loader.parse;

/**
 * Thrown by value readers deep inside a message; containers add their field name on the way out, so
 * the final error names the full path (e.g. {@code nested.value} or {@code integers[2]}).
 */
final class ValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final BadMessageException.Reason reason;
  private final String path;

  ValueException(BadMessageException.Reason reason, String message) {
    this(reason, "", message);
  }

  private ValueException(BadMessageException.Reason reason, String path, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.path = path;
  }

  static ValueException wrongType(String expected, Object actual) {
    return new ValueException(
        BadMessageException.Reason.WRONG_TYPE, "expected " + expected + ", found " + actual);
  }

  static ValueException outOfRange(String message) {
    return new ValueException(BadMessageException.Reason.OUT_OF_RANGE, message);
  }

  /** This error, one level further out: {@code field} names a struct field. */
  ValueException inField(String field) {
    return new ValueException(
        reason,
        path.isEmpty() || path.startsWith("[") ? field + path : field + "." + path,
        getMessage());
  }

  /** This error, one level further out: {@code element} is a list index or a map key. */
  ValueException inElement(String element) {
    String segment = "[" + element + "]";
    return new ValueException(
        reason,
        path.isEmpty() || path.startsWith("[") ? segment + path : segment + "." + path,
        getMessage());
  }

  BadMessageException toBadMessage() {
    return new BadMessageException(reason, path, getMessage());
  }
}
