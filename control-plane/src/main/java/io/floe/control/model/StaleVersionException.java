package io.floe.control.model;

/** An update based on an old version of a pipeline; a 412 problem. */
public class StaleVersionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StaleVersionException(String message) {
    super(message);
  }
}
