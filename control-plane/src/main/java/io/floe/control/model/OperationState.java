package io.floe.control.model;

/** Where an operation is in its life. */
public enum OperationState {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED;

  public boolean isFinished() {
    return this == SUCCEEDED || this == FAILED;
  }
}
