package io.floe.control.runtime;

/**
 * The runtime could not be reached or refused a call it should accept; the reconciler retries later
 * and reports the cause, rather than marking the pipeline failed.
 */
public class RuntimeUnavailableException extends java.lang.RuntimeException {
  private static final long serialVersionUID = 1L;

  public RuntimeUnavailableException(String message) {
    super(message);
  }

  public RuntimeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
