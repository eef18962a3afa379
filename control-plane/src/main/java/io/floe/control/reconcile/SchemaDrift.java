package io.floe.control.reconcile;

import java.util.Optional;

/**
 * Whether a running loader writes with an older schema than its table has now: what the
 * reconciler's observe step reads before it restarts the loader for a schema change.
 */
public interface SchemaDrift {
  /**
   * The drift of a pipeline, or empty.
   *
   * @return the run that writes with the old schema, and a description of the drift
   */
  Optional<Drift> drift(String pipeline);

  /** A run writing with an older schema than its table's. */
  record Drift(String runId, String description) {}
}
