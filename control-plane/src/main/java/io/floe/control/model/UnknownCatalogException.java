package io.floe.control.model;

/** A pipeline names a catalog the control plane is not configured with. */
public class UnknownCatalogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownCatalogException(String message) {
    super(message);
  }
}
