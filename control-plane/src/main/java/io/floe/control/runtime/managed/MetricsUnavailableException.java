package io.floe.control.runtime.managed;

/** The metrics of an application cannot be read: its figures are unknown, not failing. */
public class MetricsUnavailableException extends RuntimeException {
  public MetricsUnavailableException(String message) {
    super(message);
  }

  public MetricsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
