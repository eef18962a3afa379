package io.floe.control.reconcile;

import io.floe.control.model.Operation;
import io.floe.control.model.Pipeline;
import java.util.Optional;

/**
 * The steps of an operation that works on the pipeline's data rather than its run (a dead-letter
 * redrive), carried out by the feature that owns it: one bounded batch per call, with its progress
 * saved before the call returns, so a control plane that stops resumes after the last batch.
 */
public interface DataStep {
  /**
   * Takes the operation one batch further.
   *
   * @return the outcome, in words, once the operation is complete; empty while it goes on
   * @throws DataStepFailedException when it cannot complete
   */
  Optional<String> advance(Operation operation, Pipeline pipeline);

  /** The operation cannot complete: its outcome carries the message. */
  class DataStepFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataStepFailedException(String message) {
      super(message);
    }
  }
}
