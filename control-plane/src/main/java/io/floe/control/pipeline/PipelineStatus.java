package io.floe.control.pipeline;

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
 * @param lastOperationId the last operation that ran
 * @param lastError why the pipeline is not where it should be, if it is not
 */
public record PipelineStatus(
    String name,
    ObservedState observedState,
    Optional<String> runId,
    Optional<Integer> parallelism,
    Optional<Long> runningGeneration,
    Optional<String> restorePath,
    Optional<String> restoreSource,
    Optional<String> lastOperationId,
    Optional<String> lastError,
    Instant updatedAt) {
  public PipelineStatus {
    requireNonNull(name, "name is null");
    requireNonNull(observedState, "observedState is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(parallelism, "parallelism is null");
    requireNonNull(runningGeneration, "runningGeneration is null");
    requireNonNull(restorePath, "restorePath is null");
    requireNonNull(restoreSource, "restoreSource is null");
    requireNonNull(lastOperationId, "lastOperationId is null");
    requireNonNull(lastError, "lastError is null");
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
        lastOperationId,
        error,
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
        lastOperationId,
        lastError,
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
        lastOperationId,
        lastError,
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
        lastOperationId,
        lastError,
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
        Optional.of(operationId),
        lastError,
        now);
  }
}
