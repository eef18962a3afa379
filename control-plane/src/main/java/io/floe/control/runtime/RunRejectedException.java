package io.floe.control.runtime;

/**
 * The runtime refused the request for a reason that repeating it will not fix (for example the
 * loader failed to build its job graph: a missing topic or table); the operation fails with it.
 */
public class RunRejectedException extends java.lang.RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunRejectedException(String message) {
    super(message);
  }

  public RunRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
