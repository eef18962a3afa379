package io.floe.control.reconcile;

import io.floe.control.catalog.TablePositions;
import io.floe.control.model.DesiredState;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationState;
import io.floe.control.model.OperationType;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.Recovery;
import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.store.Events;
import io.floe.control.store.OperationStore;
import io.floe.control.store.PipelineStore;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Carries out operations as small steps, each at most one call to the runtime, with the ids of that
 * call (run id, savepoint trigger) stored before it is made. A control plane that stops at any
 * point resumes the operation where it was and repeats the last call, which the runtime recognises,
 * so no run is submitted twice and no request is forgotten. The phases of an operation follow each
 * other here; the steps of each phase are in {@link StopStep}, {@link StartStep}, {@link
 * RescaleStep} and {@link MoveOffsetsStep}.
 */
@Component
public class OperationRunner {
  static final String PHASE = "phase";
  static final String STOP_TRIGGER = "stopTrigger";
  static final String STOP_REQUESTED = "stopRequested";
  static final String RUN_ID = "runId";
  static final String SUBMITTED_AT = "submittedAt";
  static final String IN_PLACE = "inPlace";
  static final String PARALLELISM = "parallelism";
  static final String RESTORE = "restore";
  static final String CANCELLED = "cancelled";
  static final String ATTEMPT = "attempt";
  static final String MOVED = "moved";

  /** Parameters of a MOVE_OFFSETS operation: the new positions, and what they were asked as. */
  public static final String POSITIONS = "positions";

  public static final String TO = "to";
  static final String REASON = "reason";

  /** Recovery attempts that restore state; later ones continue after the table's offsets. */
  static final int RECOVERY_ATTEMPTS_WITH_STATE = 2;

  private final StepContext context;
  private final StopStep stop;
  private final StartStep start;
  private final RescaleStep rescale;
  private final MoveOffsetsStep move;
  private final DataStep redrive;

  public OperationRunner(
      PipelineStore pipelines,
      OperationStore operations,
      RuntimeRegistry runtimes,
      LoaderSettingsRenderer renderer,
      Events events,
      Clock clock,
      ReconcileProperties properties,
      TablePositions positions,
      JsonMapper json,
      DataStep redrive) {
    this.context = new StepContext(pipelines, operations, runtimes, events, clock);
    this.stop = new StopStep(context);
    this.start =
        new StartStep(context, renderer, new ResumePoints(events), properties.startTimeout());
    this.rescale = new RescaleStep(context);
    this.move = new MoveOffsetsStep(context, renderer, positions, json);
    this.redrive = redrive;
  }

  /** Takes the operation one step further; finishes it when its last step is done. */
  public void advance(Operation operation, Pipeline pipeline, PipelineStatus status) {
    if (operation.createdAt().isBefore(pipeline.createdAt())) {
      // Asked of an earlier pipeline of this name: a DELETE whose control plane stopped between
      // removing that pipeline and recording its end. It must not act on this one.
      finish(
          operation,
          operation.type() == OperationType.DELETE
              ? OperationState.SUCCEEDED
              : OperationState.FAILED,
          "ended with the earlier pipeline of this name, removed before the operation recorded it");
      return;
    }
    Operation current = operation;
    if (current.state() == OperationState.PENDING) {
      current = context.save(current.started(context.now()));
      status = status.withLastOperation(current.id(), context.now());
      if (current.type() != OperationType.RECOVER && current.type() != OperationType.REDRIVE) {
        // Someone asked for this: whatever the reconciler was recovering starts afresh.
        status = status.withRecovery(Recovery.NONE, context.now());
      }
      status = context.saveStatus(status);
      context.events.record(current, "OPERATION_STARTED", current.type() + " started");
    }
    if (current.type() == OperationType.REDRIVE) {
      advanceData(current, pipeline);
      return;
    }
    try {
      if (step(current, pipeline, status)) {
        finish(current, OperationState.SUCCEEDED, describeSuccess(current));
      }
    } catch (OperationFailedException | RunRejectedException e) {
      PipelineStatus latest = context.pipelines.status(pipeline.name()).orElse(status);
      ObservedState state =
          latest.observedState() == ObservedState.STARTING
                  || (current.type() == OperationType.RECOVER
                      && latest.observedState() == ObservedState.RESTARTING)
              ? ObservedState.FAILED
              : latest.observedState();
      context.saveStatus(latest.withState(state, Optional.of(e.getMessage()), context.now()));
      finish(current, OperationState.FAILED, e.getMessage());
    }
  }

  /** A step of an operation on the data: its failure is the operation's, not the run's. */
  private void advanceData(Operation operation, Pipeline pipeline) {
    try {
      redrive
          .advance(operation, pipeline)
          .ifPresent(outcome -> finish(operation, OperationState.SUCCEEDED, outcome));
    } catch (DataStep.DataStepFailedException e) {
      finish(operation, OperationState.FAILED, e.getMessage());
    }
  }

  /** One step; true when the operation is complete. */
  private boolean step(Operation operation, Pipeline pipeline, PipelineStatus status) {
    String phase = operation.progress(PHASE).orElse(firstPhase(operation.type()));
    switch (phase) {
      case "stop":
        if (!stop.stop(operation, pipeline, status)) {
          return false;
        }
        return next(operation, operation.type());
      case "start":
        return start.start(
            operation, pipeline, context.pipelines.status(pipeline.name()).orElse(status));
      case "in-place":
        return rescale.rescaleInPlace(operation, pipeline, status);
      case "move":
        move.move(operation, pipeline);
        if (pipeline.desiredState() == DesiredState.RUNNING) {
          context.save(operation.withProgress(PHASE, "start", context.now()));
          return false;
        }
        return true;
      case "remove":
        if (!context.runtime(pipeline).remove(pipeline.name())) {
          return false;
        }
        context.pipelines.delete(pipeline.name());
        context.events.record(operation, "DELETED", "Pipeline removed; its table is kept");
        return true;
      default:
        throw new IllegalStateException("Unknown phase " + phase);
    }
  }

  private static String firstPhase(OperationType type) {
    switch (type) {
      case START:
      case RECOVER:
        return "start";
      case RESCALE:
        return "in-place";
      default:
        return "stop";
    }
  }

  /** After the stop phase: done for STOP, remove for DELETE, start for the others. */
  private boolean next(Operation operation, OperationType type) {
    switch (type) {
      case STOP:
        return true;
      case DELETE:
        context.save(operation.withProgress(PHASE, "remove", context.now()));
        return false;
      case MOVE_OFFSETS:
        context.save(operation.withProgress(PHASE, "move", context.now()));
        return false;
      default:
        context.save(operation.withProgress(PHASE, "start", context.now()));
        return false;
    }
  }

  static int parallelism(Pipeline pipeline) {
    Integer configured =
        pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().parallelism();
    return configured == null ? 1 : configured;
  }

  private void finish(Operation operation, OperationState result, String outcome) {
    Operation latest = context.operations.find(operation.id()).orElse(operation);
    context.save(latest.finished(result, outcome, context.now()));
    context.events.record(
        latest,
        result == OperationState.SUCCEEDED ? "OPERATION_SUCCEEDED" : "OPERATION_FAILED",
        latest.type()
            + (result == OperationState.SUCCEEDED ? " succeeded: " : " failed: ")
            + outcome);
  }

  private String describeSuccess(Operation operation) {
    PipelineStatus status = context.pipelines.status(operation.pipeline()).orElse(null);
    if (operation.type() == OperationType.DELETE || status == null) {
      return "done";
    }
    return "pipeline is "
        + status.observedState()
        + status.runId().map(id -> ", run " + id).orElse("")
        + status.parallelism().map(p -> ", parallelism " + p).orElse("");
  }
}
