package io.floe.control.model;

/** No operation with that id; a 404 problem. */
public class OperationNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OperationNotFoundException(String id) {
    super("No operation " + id);
  }
}
