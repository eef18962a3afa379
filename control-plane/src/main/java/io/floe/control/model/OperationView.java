package io.floe.control.model;

import java.time.Instant;
import java.util.Map;

/** An operation as the API shows it; poll it until {@code state} is SUCCEEDED or FAILED. */
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
