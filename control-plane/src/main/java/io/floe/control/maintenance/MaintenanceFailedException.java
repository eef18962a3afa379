package io.floe.control.maintenance;

/** A maintenance run that cannot do its work as configured; its message becomes the run's error. */
public class MaintenanceFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MaintenanceFailedException(String message) {
    super(message);
  }
}
