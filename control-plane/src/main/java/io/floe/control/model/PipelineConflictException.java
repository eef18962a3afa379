package io.floe.control.model;

/** A request that the pipeline's current state does not allow; a 409 problem. */
public class PipelineConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PipelineConflictException(String message) {
    super(message);
  }
}
