package io.floe.control.model;

/** No pipeline of that name; a 404 problem. */
public class PipelineNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PipelineNotFoundException(String name) {
    super("No pipeline named " + name);
  }
}
