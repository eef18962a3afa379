package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RuntimeUnavailableException;
import java.util.List;
import java.util.OptionalInt;

/**
 * A Flink REST call that did not get an answer (connection refused, timeout) or got a server error
 * (5xx); worth repeating later. Keeps Flink's error text when there was an answer.
 */
public final class FlinkUnavailableException extends RuntimeUnavailableException {
  private static final long serialVersionUID = 1L;

  private final OptionalInt status;
  private final transient FlinkErrors errors;

  /** The call got no answer. */
  public FlinkUnavailableException(String call, Throwable cause) {
    super(call + " failed: " + describe(cause), cause);
    this.status = OptionalInt.empty();
    this.errors = new FlinkErrors(List.of());
  }

  /** The call got an answer that says the cluster could not serve it. */
  public FlinkUnavailableException(String call, int status, FlinkErrors errors) {
    super(call + " failed with HTTP " + status + ": " + errors.summary());
    this.status = OptionalInt.of(status);
    this.errors = requireNonNull(errors, "errors is null");
  }

  /** The HTTP status, empty when the call got no answer. */
  public OptionalInt status() {
    return status;
  }

  /** Flink's error text; empty when the call got no answer. */
  public FlinkErrors errors() {
    return errors;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank()
        ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + message;
  }
}
