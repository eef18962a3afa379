package io.floe.control.maintenance;

/** No maintenance run with that id for the pipeline; a 404 problem. */
public class MaintenanceRunNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MaintenanceRunNotFoundException(String pipeline, String id) {
    super("No maintenance run " + id + " of pipeline " + pipeline);
  }
}
