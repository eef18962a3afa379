package io.floe.control.model;

/** A create for a name that is taken; a 409 problem. */
public class PipelineExistsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PipelineExistsException(String name) {
    super("Pipeline " + name + " already exists");
  }
}
