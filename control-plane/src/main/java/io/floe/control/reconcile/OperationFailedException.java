package io.floe.control.reconcile;

/** An operation cannot complete; its outcome and the pipeline's last error carry the message. */
class OperationFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OperationFailedException(String message) {
    super(message);
  }
}
