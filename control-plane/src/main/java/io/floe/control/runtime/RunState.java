package io.floe.control.runtime;

/** A run's state as Floe reports it, mapped from the runtime's own states. */
public enum RunState {
  /** Accepted, not yet running every task (Flink CREATED, INITIALIZING, RECONCILING). */
  STARTING,
  RUNNING,
  /** Restarting after a failure (Flink RESTARTING, FAILING); restarts tell if it is a loop. */
  RESTARTING,
  /** Stopping or cancelling. */
  STOPPING,
  /** Ended after a stop (FINISHED) or a cancel (CANCELED). */
  STOPPED,
  /** Ended in failure. */
  FAILED;

  public boolean isTerminal() {
    return this == STOPPED || this == FAILED;
  }
}
