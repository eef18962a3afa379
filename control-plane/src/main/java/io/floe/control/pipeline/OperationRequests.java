package io.floe.control.pipeline;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Operation;
import io.floe.control.model.OperationType;
import io.floe.control.model.RequestContext;
import io.floe.control.reconcile.Reconciler;
import io.floe.control.store.OperationQueue;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Queues an operation the API asked for and wakes the reconciler, so it starts at once. */
@Component
public class OperationRequests {
  /** The parameter of a RESCALE operation: the parallelism to run with. */
  static final String PARALLELISM = "parallelism";

  private final OperationQueue queue;
  private final Reconciler reconciler;

  public OperationRequests(OperationQueue queue, Reconciler reconciler) {
    this.queue = requireNonNull(queue, "queue is null");
    this.reconciler = requireNonNull(reconciler, "reconciler is null");
  }

  public Operation enqueue(
      String name, OperationType type, Map<String, String> parameters, RequestContext context) {
    Operation operation = queue.enqueue(name, type, parameters, context);
    reconciler.wake(name);
    return operation;
  }

  /** A RESCALE to the given parallelism. */
  public Operation rescale(String name, int parallelism, RequestContext context) {
    return enqueue(
        name, OperationType.RESCALE, Map.of(PARALLELISM, Integer.toString(parallelism)), context);
  }
}
