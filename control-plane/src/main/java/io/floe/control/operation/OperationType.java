package io.floe.control.operation;

/** The lifecycle actions the reconciler carries out for a pipeline. */
public enum OperationType {
  START,
  /** Stop with a savepoint, which the next start restores. */
  STOP,
  /** Stop with a savepoint and start again restoring it. */
  RESTART,
  /** Change the parallelism: in place where the runtime can, else a restart. */
  RESCALE,
  /** Roll out changed settings: a restart with the new settings. */
  UPDATE,
  /** Stop, then remove the pipeline (the table stays). */
  DELETE
}
