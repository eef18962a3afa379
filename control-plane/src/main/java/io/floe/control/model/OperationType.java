package io.floe.control.model;

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
  DELETE,
  /**
   * Start again, by the reconciler, a pipeline whose run failed or disappeared while it should run:
   * from the newest retained checkpoint of that run, else the offsets its table recorded.
   */
  RECOVER,
  /**
   * Move the read positions: stop with a savepoint, record the new positions in the table, start
   * there without the savepoint (a stopped pipeline stays stopped).
   */
  MOVE_OFFSETS,
  /**
   * Load the pipeline's dead letters again with its current parser and table, each at most once, in
   * batches; the run is left as it is.
   */
  REDRIVE
}
