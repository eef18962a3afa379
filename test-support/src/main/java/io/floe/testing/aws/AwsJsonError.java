package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

/**
 * An error as an AWS JSON service returns it: the fakes throw it and {@link AwsJsonFakeServer}
 * renders it in the shape from which the SDK builds the matching typed exception.
 */
public final class AwsJsonError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String errorType;
  private final int httpStatus;

  /** A client error (HTTP 400), such as {@code ResourceNotFoundException}. */
  public AwsJsonError(String errorType, String message) {
    this(errorType, message, 400);
  }

  public AwsJsonError(String errorType, String message, int httpStatus) {
    super(requireNonNull(message, "message is null"));
    this.errorType = requireNonNull(errorType, "errorType is null");
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("httpStatus " + httpStatus + " is not an error status");
    }
    this.httpStatus = httpStatus;
  }

  /** The error code, which the SDK maps to an exception class: {@code ValidationException}. */
  public String errorType() {
    return errorType;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
