package io.floe.control.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a runtime reports about one run.
 *
 * @param runId the run's id (a Flink job id on a Flink cluster)
 * @param state the mapped state
 * @param runtimeState the runtime's own state name, e.g. CANCELED
 * @param parallelism the parallelism the loader's source and writer run with
 * @param restarts how often the run restarted after failures since it was submitted; empty when the
 *     runtime cannot tell (Managed Flink while CloudWatch cannot be read)
 * @param latestCheckpoint the path of the latest completed, retained checkpoint, if any
 * @param failure the root failure when the run failed or restarts, if the runtime says
 * @param completedCheckpoints checkpoints completed since the run was submitted
 * @param failedCheckpoints checkpoints that failed once the runtime had started them: on a Flink
 *     cluster those its checkpoint history lists (the latest 10 by default), not the triggers it
 *     declined while the tasks were not all running; on Managed Flink, CloudWatch's total since the
 *     job's submission; empty when unknown
 */
public record RunObservation(
    String runId,
    RunState state,
    String runtimeState,
    int parallelism,
    OptionalLong restarts,
    Optional<String> latestCheckpoint,
    Optional<String> failure,
    long completedCheckpoints,
    OptionalLong failedCheckpoints) {
  public RunObservation {
    requireNonNull(runId, "runId is null");
    requireNonNull(state, "state is null");
    requireNonNull(runtimeState, "runtimeState is null");
    requireNonNull(latestCheckpoint, "latestCheckpoint is null");
    requireNonNull(failure, "failure is null");
    requireNonNull(restarts, "restarts is null");
    requireNonNull(failedCheckpoints, "failedCheckpoints is null");
  }
}
