package io.floe.control.store;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Event;
import io.floe.control.model.Operation;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Records what happens to pipelines, in the store and in the log. */
@Component
public class Events {
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  private final OperationStore store;
  private final Clock clock;

  public Events(OperationStore store, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** An event caused by a request (no operation yet, or the operation it created). */
  public void record(
      String pipeline,
      String type,
      String message,
      Optional<String> operationId,
      Optional<String> requestId,
      Optional<String> actor) {
    LOG.info("{} {}: {}", pipeline, type, message);
    store.append(
        new Event(0, pipeline, clock.instant(), type, message, operationId, requestId, actor));
  }

  /** An event of an operation, attributed to the request and actor that asked for it. */
  public void record(Operation operation, String type, String message) {
    record(
        operation.pipeline(),
        type,
        message,
        Optional.of(operation.id()),
        operation.requestId(),
        operation.actor());
  }
}
