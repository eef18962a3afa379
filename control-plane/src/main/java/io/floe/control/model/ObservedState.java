package io.floe.control.model;

/** What Floe last saw the pipeline's loader do. */
public enum ObservedState {
  /** Accepted; nothing deployed yet. */
  PENDING,
  STARTING,
  RUNNING,
  /** Running, but restarting after failures. */
  RESTARTING,
  STOPPING,
  STOPPED,
  /** Not running although it should: the last error says why. */
  FAILED,
  DELETING
}
