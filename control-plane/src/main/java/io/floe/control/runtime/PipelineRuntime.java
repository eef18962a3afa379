package io.floe.control.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where loader jobs run: a Flink cluster (the local one included) or Managed Flink. Narrow on
 * purpose: the reconciler composes start, stop, restart and rescale from these calls, each of which
 * is idempotent for the ids the caller chose, so a control plane that crashed mid-operation can
 * repeat its last call safely.
 */
public interface PipelineRuntime {
  /** The run with this id, or empty when the runtime knows no such run. */
  Optional<RunObservation> observe(String runId);

  /**
   * Every run the runtime holds, by id, with its state in the runtime's own words ({@link
   * RunObservation#runtimeState()}), when it can list them all in one call: the reconciler watches
   * this list and observes a steady run only when its state changed. Empty by default: the runtime
   * cannot.
   *
   * @throws RuntimeException when the listing failed (the reconciler then looks at every run)
   */
  default Optional<Map<String, String>> runStates() {
    return Optional.empty();
  }

  /**
   * Starts the loader under the caller-chosen run id. Submitting a run id that already exists
   * leaves that run alone.
   */
  void submit(RunSubmission submission);

  /**
   * Asks the run to stop after taking a savepoint (no drain). Repeating the call with the same
   * trigger id does not trigger a second savepoint.
   */
  void stopWithSavepoint(String runId, String triggerId);

  /** The outcome of a stop-with-savepoint: still pending, the savepoint's path, or the failure. */
  SavepointOutcome savepoint(String runId, String triggerId);

  /**
   * The runs of the pipeline that the runtime holds and that have not ended, found by what the
   * runtime names them after (the job name on a Flink cluster, the application on Managed Flink):
   * before a run is submitted, every other one is adopted or cancelled, so that two runs of a
   * pipeline never commit side by side.
   */
  List<String> liveRuns(String pipeline);

  /** Cancels a run without a savepoint (a stray run, or one that did not start in time). */
  void cancel(String runId);

  /**
   * The run's complete retained checkpoints that can be read, newest first, also when the runtime
   * no longer knows the run (its JobManager was lost): what a recovery restores.
   */
  List<String> retainedCheckpoints(String runId);

  /**
   * Where a run that ended without a stop's savepoint resumes: its newest retained checkpoint, else
   * the point it started from when that still holds, else nothing (the loader then continues after
   * the offsets its table recorded). By default the point it started from always holds: a run that
   * retained no checkpoint completed none, so it committed nothing past that point's own files. A
   * runtime whose retained state says less (Managed Flink keeps snapshots only of stops and
   * updates) decides for itself.
   */
  default Optional<String> resumePoint(String runId, Optional<String> startedFrom) {
    return retainedCheckpoints(runId).stream().findFirst().or(() -> startedFrom);
  }

  /**
   * Changes the run's parallelism without a stop; false when this runtime or cluster cannot, in
   * which case the caller stops with a savepoint and resubmits.
   */
  boolean rescaleInPlace(String runId, int parallelism);

  /**
   * What this runtime cannot run, beyond the loader's own validation (the service's limits), as
   * {@code "<loader key>: <problem>"}; none by default.
   */
  default List<String> limits(Map<String, String> settings, int parallelism) {
    return List.of();
  }

  /**
   * Removes what the runtime keeps for a deleted pipeline between runs (Managed Flink: its
   * application), after its run was stopped; true once nothing is left. Idempotent; nothing to do
   * by default.
   */
  default boolean remove(String pipeline) {
    return true;
  }
}
