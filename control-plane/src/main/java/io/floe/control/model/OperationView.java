package io.floe.control.model;

import java.time.Instant;
import java.util.Map;

/**
 * An operation as the API shows it; poll it until {@code state} is SUCCEEDED or FAILED.
 *
 * @param id the operation's id, as in /operations/{id}
 * @param pipeline the pipeline it acts on
 * @param type what it does
 * @param state where it is: PENDING, RUNNING, then SUCCEEDED or FAILED
 * @param parameters what it was asked with (e.g. the parallelism, a restore point)
 * @param requestId the API request that asked for it, if any
 * @param actor who asked, if anyone (the reconciler acts for no one)
 * @param outcome how it ended, in words, once it has
 * @param createdAt when it was asked for
 * @param updatedAt when it last moved a step
 * @param finishedAt when it ended, once it has
 */
public record OperationView(
    String id,
    String pipeline,
    OperationType type,
    OperationState state,
    Map<String, String> parameters,
    String requestId,
    String actor,
    String outcome,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt) {
  public static OperationView of(Operation operation) {
    return new OperationView(
        operation.id(),
        operation.pipeline(),
        operation.type(),
        operation.state(),
        operation.parameters(),
        operation.requestId().orElse(null),
        operation.actor().orElse(null),
        operation.outcome().orElse(null),
        operation.createdAt(),
        operation.updatedAt(),
        operation.finishedAt().orElse(null));
  }
}
