package io.floe.control.store;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Operation;
import io.floe.control.model.OperationState;
import io.floe.control.model.OperationType;
import io.floe.control.model.RequestContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Queues an operation for the reconciler, with the event that records who asked for it. */
@Component
public class OperationQueue {
  private final OperationStore operations;
  private final Events events;
  private final Clock clock;

  public OperationQueue(OperationStore operations, Events events, Clock clock) {
    this.operations = requireNonNull(operations, "operations is null");
    this.events = requireNonNull(events, "events is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  public Operation enqueue(
      String pipeline, OperationType type, Map<String, String> parameters, RequestContext context) {
    Instant now = clock.instant();
    Operation operation =
        new Operation(
            UUID.randomUUID().toString(),
            pipeline,
            type,
            OperationState.PENDING,
            parameters,
            Map.of(),
            Optional.of(context.requestId()),
            context.actor(),
            Optional.empty(),
            now,
            now,
            Optional.empty());
    operations.insert(operation);
    events.record(
        operation,
        "OPERATION_REQUESTED",
        type + " requested" + (parameters.isEmpty() ? "" : " " + parameters));
    return operation;
  }
}
