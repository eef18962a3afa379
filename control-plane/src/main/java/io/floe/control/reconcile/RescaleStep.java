package io.floe.control.reconcile;

import static io.floe.control.reconcile.OperationRunner.IN_PLACE;
import static io.floe.control.reconcile.OperationRunner.PARALLELISM;
import static io.floe.control.reconcile.OperationRunner.PHASE;
import static java.util.Objects.requireNonNull;

import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import java.util.Optional;

/** The first phase of RESCALE: in place where the runtime can, else on to a stop and a start. */
final class RescaleStep {
  private final StepContext context;

  RescaleStep(StepContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  /** Rescales the running run in place, or falls back to a restart with the new parallelism. */
  boolean rescaleInPlace(Operation operation, Pipeline pipeline, PipelineStatus status) {
    int target = Integer.parseInt(operation.parameters().get(PARALLELISM));
    if (status.runId().isEmpty() || status.observedState() != ObservedState.RUNNING) {
      context.events.record(
          operation,
          "RESCALE_DEFERRED",
          "Not running: parallelism " + target + " applies at the next start");
      return true;
    }
    PipelineRuntime runtime = context.runtime(pipeline);
    String runId = status.runId().get();
    if (operation.progress(IN_PLACE).isEmpty()) {
      boolean inPlace = runtime.rescaleInPlace(runId, target);
      if (!inPlace) {
        // One write: a control plane stopped between two would wait for an in-place rescale
        // that never comes, and hold up every later operation of the pipeline.
        context.save(
            operation
                .withProgress(IN_PLACE, "false", context.now())
                .withProgress(PHASE, "stop", context.now()));
        context.events.record(
            operation,
            "RESCALE_BY_RESTART",
            "The runtime cannot rescale in place: restarting with parallelism " + target);
      } else {
        context.save(operation.withProgress(IN_PLACE, "true", context.now()));
        context.events.record(
            operation, "RESCALE_REQUESTED", "Rescaling run " + runId + " in place to " + target);
      }
      return false;
    }
    Optional<RunObservation> run = runtime.observe(runId);
    if (run.isPresent()
        && run.get().state() == RunState.RUNNING
        && run.get().parallelism() == target) {
      context.saveStatus(
          status
              .withParallelism(target, context.now())
              .withState(ObservedState.RUNNING, Optional.empty(), context.now()));
      return true;
    }
    if (run.isEmpty() || run.get().state().isTerminal()) {
      throw new OperationFailedException("Run " + runId + " ended while rescaling");
    }
    return false;
  }
}
