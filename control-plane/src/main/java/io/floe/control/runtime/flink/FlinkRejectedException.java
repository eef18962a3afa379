package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RunRejectedException;

/**
 * A Flink REST call answered with a client error (4xx) that repeating the call will not fix. Keeps
 * the status and Flink's own error text, so that callers can recognise known refusals.
 */
public final class FlinkRejectedException extends RunRejectedException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient FlinkErrors errors;

  public FlinkRejectedException(String call, int status, FlinkErrors errors) {
    super(call + " was refused with HTTP " + status + ": " + errors.summary());
    this.status = status;
    this.errors = requireNonNull(errors, "errors is null");
  }

  /** The HTTP status Flink answered with. */
  public int status() {
    return status;
  }

  public FlinkErrors errors() {
    return errors;
  }
}
