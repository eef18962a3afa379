package io.floe.control.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One lifecycle action on a pipeline, from the request that asked for it to its outcome. Its
 * progress (the run id it submits, the savepoint trigger it uses) is stored before each external
 * call, so a control plane restarted mid-operation repeats the same call instead of a new one.
 */
public record Operation(
    String id,
    String pipeline,
    OperationType type,
    OperationState state,
    Map<String, String> parameters,
    Map<String, String> progress,
    Optional<String> requestId,
    Optional<String> actor,
    Optional<String> outcome,
    Instant createdAt,
    Instant updatedAt,
    Optional<Instant> finishedAt) {
  public Operation {
    requireNonNull(id, "id is null");
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(type, "type is null");
    requireNonNull(state, "state is null");
    parameters = Map.copyOf(requireNonNull(parameters, "parameters is null"));
    progress = Map.copyOf(requireNonNull(progress, "progress is null"));
    requireNonNull(requestId, "requestId is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(updatedAt, "updatedAt is null");
    requireNonNull(finishedAt, "finishedAt is null");
  }

  public Optional<String> progress(String key) {
    return Optional.ofNullable(progress.get(key));
  }

  public Operation withProgress(String key, String value, Instant now) {
    Map<String, String> next = new TreeMap<>(progress);
    next.put(key, value);
    return new Operation(
        id,
        pipeline,
        type,
        OperationState.RUNNING,
        parameters,
        next,
        requestId,
        actor,
        outcome,
        createdAt,
        now,
        finishedAt);
  }

  public Operation started(Instant now) {
    return new Operation(
        id,
        pipeline,
        type,
        OperationState.RUNNING,
        parameters,
        progress,
        requestId,
        actor,
        outcome,
        createdAt,
        now,
        finishedAt);
  }

  public Operation finished(OperationState result, String outcome, Instant now) {
    return new Operation(
        id,
        pipeline,
        type,
        result,
        parameters,
        progress,
        requestId,
        actor,
        Optional.of(outcome),
        createdAt,
        now,
        Optional.of(now));
  }
}
