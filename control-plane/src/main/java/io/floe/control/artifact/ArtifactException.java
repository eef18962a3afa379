package io.floe.control.artifact;

/**
 * An artifact request that cannot be served: {@link Kind} says why, and the problem response's
 * status follows from it.
 */
public class ArtifactException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why: each maps to one problem type. */
  public enum Kind {
    /** Over the Managed Flink limit of 512 MiB: 413. */
    TOO_LARGE,
    /** Not a JAR (ZIP) file: 400. */
    NOT_A_JAR,
    /** No artifact by that hash or id: 404. */
    NOT_FOUND,
    /** No artifact bucket is configured: 409. */
    NOT_CONFIGURED,
    /** The bucket could not be written: 503. */
    UNAVAILABLE
  }

  private final Kind kind;

  public ArtifactException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ArtifactException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
