package io.floe.control.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What the reconciler last observed and did for a pipeline.
 *
 * @param runId the runtime's id of the current (or last) run
 * @param parallelism the parallelism the run has
 * @param runningGeneration the pipeline generation whose settings the run uses
 * @param restorePath the savepoint or checkpoint the next start restores from
 * @param restoreSource the source (servers and topics) that restore point was taken with
 * @param startedFrom the restore point the current (or last) run was started from: still the point
 *     to resume from while that run has completed no checkpoint of its own
 * @param lastOperationId the last operation that ran
 * @param lastError why the pipeline is not where it should be, if it is not
 * @param recovery where an automatic recovery stands
 */
public record PipelineStatus(
    String name,
    ObservedState observedState,
    Optional<String> runId,
    Optional<Integer> parallelism,
    Optional<Long> runningGeneration,
    Optional<String> restorePath,
    Optional<String> restoreSource,
    Optional<String> startedFrom,
    Optional<String> lastOperationId,
    Optional<String> lastError,
    Recovery recovery,
    Instant updatedAt) {
  public PipelineStatus {
    requireNonNull(name, "name is null");
    requireNonNull(observedState, "observedState is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(parallelism, "parallelism is null");
    requireNonNull(runningGeneration, "runningGeneration is null");
    requireNonNull(restorePath, "restorePath is null");
    requireNonNull(restoreSource, "restoreSource is null");
    requireNonNull(startedFrom, "startedFrom is null");
    requireNonNull(lastOperationId, "lastOperationId is null");
    requireNonNull(lastError, "lastError is null");
    requireNonNull(recovery, "recovery is null");
    requireNonNull(updatedAt, "updatedAt is null");
  }

  public static PipelineStatus pending(String name, Instant now) {
    return new PipelineStatus(
        name,
        ObservedState.PENDING,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Recovery.NONE,
        now);
  }

  public PipelineStatus withState(ObservedState state, Optional<String> error, Instant now) {
    return new PipelineStatus(
        name,
        state,
        runId,
        parallelism,
        runningGeneration,
        restorePath,
        restoreSource,
        startedFrom,
        lastOperationId,
        error,
        recovery,
        now);
  }

  public PipelineStatus withRun(String runId, int parallelism, long generation, Instant now) {
    return new PipelineStatus(
        name,
        observedState,
        Optional.of(runId),
        Optional.of(parallelism),
        Optional.of(generation),
        restorePath,
        restoreSource,
        startedFrom,
        lastOperationId,
        lastError,
        recovery,
        now);
  }

  public PipelineStatus withRestorePoint(
      Optional<String> path, Optional<String> source, Instant now) {
    return new PipelineStatus(
        name,
        observedState,
        runId,
        parallelism,
        runningGeneration,
        path,
        source,
        startedFrom,
        lastOperationId,
        lastError,
        recovery,
        now);
  }

  public PipelineStatus withParallelism(int parallelism, Instant now) {
    return new PipelineStatus(
        name,
        observedState,
        runId,
        Optional.of(parallelism),
        runningGeneration,
        restorePath,
        restoreSource,
        startedFrom,
        lastOperationId,
        lastError,
        recovery,
        now);
  }

  public PipelineStatus withLastOperation(String operationId, Instant now) {
    return new PipelineStatus(
        name,
        observedState,
        runId,
        parallelism,
        runningGeneration,
        restorePath,
        restoreSource,
        startedFrom,
        Optional.of(operationId),
        lastError,
        recovery,
        now);
  }

  public PipelineStatus withRecovery(Recovery recovery, Instant now) {
    return new PipelineStatus(
        name,
        observedState,
        runId,
        parallelism,
        runningGeneration,
        restorePath,
        restoreSource,
        startedFrom,
        lastOperationId,
        lastError,
        recovery,
        now);
  }

  /** A run submitted from {@code restore}: the restore point is consumed, and remembered. */
  public PipelineStatus withStartedFrom(Optional<String> restore, Instant now) {
    return new PipelineStatus(
        name,
        observedState,
        runId,
        parallelism,
        runningGeneration,
        Optional.empty(),
        restoreSource,
        restore,
        lastOperationId,
        lastError,
        recovery,
        now);
  }

  /**
   * After the read positions moved: no restore point (their source positions are the old ones) and
   * no last run to take one from; the next start continues after the positions the table records.
   */
  public PipelineStatus withoutRestorePoints(Instant now) {
    return new PipelineStatus(
        name,
        observedState,
        Optional.empty(),
        parallelism,
        runningGeneration,
        Optional.empty(),
        restoreSource,
        Optional.empty(),
        lastOperationId,
        lastError,
        recovery,
        now);
  }
}
