package io.floe.control.reconcile;

import static io.floe.control.reconcile.OperationRunner.STOP_REQUESTED;
import static io.floe.control.reconcile.OperationRunner.STOP_TRIGGER;
import static java.util.Objects.requireNonNull;

import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.SavepointOutcome;
import java.util.Optional;

/**
 * The stop phase of STOP, RESTART, UPDATE, DELETE, MOVE_OFFSETS and a rescale by restart: stop the
 * run with a savepoint under a trigger id stored before it is asked for, so a resumed stop never
 * takes a second savepoint.
 */
final class StopStep {
  private final StepContext context;

  StopStep(StepContext context) {
    this.context = requireNonNull(context, "context is null");
  }

  /**
   * Stops the current run with a savepoint; true once it is stopped. A run that is not running any
   * more leaves its latest retained checkpoint as the restore point, if the runtime knows one.
   */
  boolean stop(Operation operation, Pipeline pipeline, PipelineStatus status) {
    Optional<String> runId = status.runId();
    if (runId.isEmpty()) {
      context.saveStatus(status.withState(ObservedState.STOPPED, Optional.empty(), context.now()));
      return true;
    }
    if (status.observedState() == ObservedState.STOPPED
        && operation.progress(STOP_REQUESTED).isEmpty()) {
      // Stopped by an earlier operation, which waited for the run to end: nothing to stop.
      return true;
    }
    PipelineRuntime runtime = context.runtime(pipeline);
    boolean requested = operation.progress(STOP_REQUESTED).isPresent();
    if (!requested) {
      Optional<RunObservation> run = runtime.observe(runId.get());
      if (run.isEmpty() || run.get().state().isTerminal()) {
        stopped(operation, status, runtime, runId.get());
        return true;
      }
      String trigger = operation.progress(STOP_TRIGGER).orElse(null);
      if (trigger == null) {
        trigger = StepContext.newFlinkId();
        operation = context.save(operation.withProgress(STOP_TRIGGER, trigger, context.now()));
      }
      context.saveStatus(status.withState(ObservedState.STOPPING, Optional.empty(), context.now()));
      runtime.stopWithSavepoint(runId.get(), trigger);
      context.save(operation.withProgress(STOP_REQUESTED, "true", context.now()));
      context.events.record(
          operation, "SAVEPOINT_TRIGGERED", "Stopping run " + runId.get() + " with a savepoint");
      return false;
    }
    SavepointOutcome outcome =
        runtime.savepoint(runId.get(), operation.progress(STOP_TRIGGER).get());
    if (!outcome.done()) {
      return false;
    }
    if (outcome.failure().isPresent()) {
      context.saveStatus(status.withState(ObservedState.RUNNING, outcome.failure(), context.now()));
      throw new OperationFailedException(
          "The savepoint of run "
              + runId.get()
              + " failed and the run keeps going: "
              + outcome.failure().get());
    }
    Optional<RunObservation> ending = runtime.observe(runId.get());
    if (ending.isPresent() && !ending.get().state().isTerminal()) {
      // The savepoint is taken; the run's tasks are still finishing. STOPPED once they have.
      return false;
    }
    context.saveStatus(
        status
            .withState(ObservedState.STOPPED, Optional.empty(), context.now())
            .withRestorePoint(outcome.path(), status.restoreSource(), context.now()));
    context.events.record(
        operation,
        "SAVEPOINT_COMPLETED",
        "Run " + runId.get() + " stopped with savepoint " + outcome.path().get());
    return true;
  }

  /** The run ended before it was asked to stop: STOPPED, resuming from where it got to. */
  private void stopped(
      Operation operation, PipelineStatus status, PipelineRuntime runtime, String runId) {
    PipelineStatus stopped =
        status.withState(ObservedState.STOPPED, Optional.empty(), context.now());
    Optional<String> checkpoint =
        status.restorePath().isPresent()
            ? Optional.empty()
            : ResumePoints.resumePoint(status, runtime);
    if (checkpoint.isPresent()) {
      stopped = stopped.withRestorePoint(checkpoint, status.restoreSource(), context.now());
      context.events.record(
          operation,
          "RESTORE_POINT",
          "Run " + runId + " was not running; the next start restores " + checkpoint.get());
    }
    context.saveStatus(stopped);
  }
}
