package io.floe.control.reconcile;

import static java.util.Objects.requireNonNull;

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
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.runtime.SavepointOutcome;
import io.floe.control.store.Events;
import io.floe.control.store.OperationStore;
import io.floe.control.store.PipelineStore;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.summary.CommitSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Carries out operations as small steps, each at most one call to the runtime, with the ids of that
 * call (run id, savepoint trigger) stored before it is made. A control plane that stops at any
 * point resumes the operation where it was and repeats the last call, which the runtime recognises,
 * so no run is submitted twice and no request is forgotten.
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
  private static final String NO_RESTORE = "none";

  /** Recovery attempts that restore state; later ones continue after the table's offsets. */
  static final int RECOVERY_ATTEMPTS_WITH_STATE = 2;

  private final PipelineStore pipelines;
  private final OperationStore operations;
  private final RuntimeRegistry runtimes;
  private final LoaderSettingsRenderer renderer;
  private final Events events;
  private final Clock clock;
  private final Duration startTimeout;
  private final TablePositions positions;
  private final JsonMapper json;

  public OperationRunner(
      PipelineStore pipelines,
      OperationStore operations,
      RuntimeRegistry runtimes,
      LoaderSettingsRenderer renderer,
      Events events,
      Clock clock,
      ReconcileProperties properties,
      TablePositions positions,
      JsonMapper json) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.operations = requireNonNull(operations, "operations is null");
    this.runtimes = requireNonNull(runtimes, "runtimes is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.events = requireNonNull(events, "events is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.startTimeout = properties.startTimeout();
    this.positions = requireNonNull(positions, "positions is null");
    this.json = requireNonNull(json, "json is null");
  }

  /** Takes the operation one step further; finishes it when its last step is done. */
  public void advance(Operation operation, Pipeline pipeline, PipelineStatus status) {
    Operation current = operation;
    if (current.state() == OperationState.PENDING) {
      current = save(current.started(clock.instant()));
      status = status.withLastOperation(current.id(), clock.instant());
      if (current.type() != OperationType.RECOVER) {
        // Someone asked for this: whatever the reconciler was recovering starts afresh.
        status = status.withRecovery(Recovery.NONE, clock.instant());
      }
      status = saveStatus(status);
      events.record(current, "OPERATION_STARTED", current.type() + " started");
    }
    try {
      if (step(current, pipeline, status)) {
        finish(current, OperationState.SUCCEEDED, describeSuccess(current));
      }
    } catch (OperationFailedException | RunRejectedException e) {
      PipelineStatus latest = pipelines.status(pipeline.name()).orElse(status);
      ObservedState state =
          latest.observedState() == ObservedState.STARTING
                  || (current.type() == OperationType.RECOVER
                      && latest.observedState() == ObservedState.RESTARTING)
              ? ObservedState.FAILED
              : latest.observedState();
      saveStatus(latest.withState(state, Optional.of(e.getMessage()), clock.instant()));
      finish(current, OperationState.FAILED, e.getMessage());
    }
  }

  /** One step; true when the operation is complete. */
  private boolean step(Operation operation, Pipeline pipeline, PipelineStatus status) {
    String phase = operation.progress(PHASE).orElse(firstPhase(operation.type()));
    switch (phase) {
      case "stop":
        if (!stop(operation, pipeline, status)) {
          return false;
        }
        return next(operation, operation.type());
      case "start":
        return start(operation, pipeline, pipelines.status(pipeline.name()).orElse(status));
      case "in-place":
        return rescaleInPlace(operation, pipeline, status);
      case "move":
        moveOffsets(operation, pipeline);
        if (pipeline.desiredState() == DesiredState.RUNNING) {
          save(operation.withProgress(PHASE, "start", clock.instant()));
          return false;
        }
        return true;
      case "remove":
        if (!runtime(pipeline).remove(pipeline.name())) {
          return false;
        }
        pipelines.delete(pipeline.name());
        events.record(operation, "DELETED", "Pipeline removed; its table is kept");
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
        save(operation.withProgress(PHASE, "remove", clock.instant()));
        return false;
      case MOVE_OFFSETS:
        save(operation.withProgress(PHASE, "move", clock.instant()));
        return false;
      default:
        save(operation.withProgress(PHASE, "start", clock.instant()));
        return false;
    }
  }

  /**
   * Stops the current run with a savepoint; true once it is stopped. A run that is not running any
   * more leaves its latest retained checkpoint as the restore point, if the runtime knows one.
   */
  private boolean stop(Operation operation, Pipeline pipeline, PipelineStatus status) {
    Optional<String> runId = status.runId();
    if (runId.isEmpty()) {
      saveStatus(status.withState(ObservedState.STOPPED, Optional.empty(), clock.instant()));
      return true;
    }
    if (status.observedState() == ObservedState.STOPPED
        && operation.progress(STOP_REQUESTED).isEmpty()) {
      // Stopped by an earlier operation, which waited for the run to end: nothing to stop.
      return true;
    }
    PipelineRuntime runtime = runtime(pipeline);
    boolean requested = operation.progress(STOP_REQUESTED).isPresent();
    if (!requested) {
      Optional<RunObservation> run = runtime.observe(runId.get());
      if (run.isEmpty() || run.get().state().isTerminal()) {
        PipelineStatus stopped =
            status.withState(ObservedState.STOPPED, Optional.empty(), clock.instant());
        Optional<String> checkpoint =
            status.restorePath().isPresent() ? Optional.empty() : resumePoint(status, runtime);
        if (checkpoint.isPresent()) {
          stopped = stopped.withRestorePoint(checkpoint, status.restoreSource(), clock.instant());
          events.record(
              operation,
              "RESTORE_POINT",
              "Run "
                  + runId.get()
                  + " was not running; the next start restores "
                  + checkpoint.get());
        }
        saveStatus(stopped);
        return true;
      }
      String trigger = operation.progress(STOP_TRIGGER).orElse(null);
      if (trigger == null) {
        trigger = newFlinkId();
        operation = save(operation.withProgress(STOP_TRIGGER, trigger, clock.instant()));
      }
      saveStatus(status.withState(ObservedState.STOPPING, Optional.empty(), clock.instant()));
      runtime.stopWithSavepoint(runId.get(), trigger);
      save(operation.withProgress(STOP_REQUESTED, "true", clock.instant()));
      events.record(
          operation, "SAVEPOINT_TRIGGERED", "Stopping run " + runId.get() + " with a savepoint");
      return false;
    }
    SavepointOutcome outcome =
        runtime.savepoint(runId.get(), operation.progress(STOP_TRIGGER).get());
    if (!outcome.done()) {
      return false;
    }
    if (outcome.failure().isPresent()) {
      saveStatus(status.withState(ObservedState.RUNNING, outcome.failure(), clock.instant()));
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
    saveStatus(
        status
            .withState(ObservedState.STOPPED, Optional.empty(), clock.instant())
            .withRestorePoint(outcome.path(), status.restoreSource(), clock.instant()));
    events.record(
        operation,
        "SAVEPOINT_COMPLETED",
        "Run " + runId.get() + " stopped with savepoint " + outcome.path().get());
    return true;
  }

  /**
   * Submits a run (once, under a stored run id) and waits until it runs. Before the first submit,
   * every other live run of the pipeline is cancelled (or the current one adopted), so that no two
   * runs ever commit side by side; a run that does not reach RUNNING in time is cancelled.
   */
  private boolean start(Operation operation, Pipeline pipeline, PipelineStatus status) {
    PipelineRuntime runtime = runtime(pipeline);
    Map<String, String> settings = renderer.render(pipeline.name(), pipeline.spec());
    int parallelism = parallelism(pipeline);
    Optional<String> runId = operation.progress(RUN_ID);
    if (runId.isEmpty()) {
      if (status.observedState() == ObservedState.RUNNING && status.runId().isPresent()) {
        Optional<RunObservation> current = runtime.observe(status.runId().get());
        if (current.isPresent() && !current.get().state().isTerminal()) {
          events.record(
              operation, "ALREADY_RUNNING", "Run " + status.runId().get() + " is running");
          return true;
        }
      }
      if (!noOtherLiveRun(operation, pipeline, runtime)) {
        return false;
      }
      runId = Optional.of(newFlinkId());
      operation = save(operation.withProgress(RUN_ID, runId.get(), clock.instant()));
    }
    if (operation.progress(SUBMITTED_AT).isEmpty()) {
      if (operation.progress(RESTORE).isEmpty()) {
        String chosen = restorePoint(operation, status, settings, runtime).orElse(NO_RESTORE);
        operation = save(operation.withProgress(RESTORE, chosen, clock.instant()));
      }
      Optional<String> restore =
          operation.progress(RESTORE).filter(path -> !path.equals(NO_RESTORE));
      boolean recovering = operation.type() == OperationType.RECOVER;
      ObservedState starting = recovering ? ObservedState.RESTARTING : ObservedState.STARTING;
      // The restore point is consumed: the next start restores this run's own checkpoints (newer),
      // or, while it has none, the point it started from.
      saveStatus(
          status
              .withState(
                  starting, recovering ? status.lastError() : Optional.empty(), clock.instant())
              .withRun(runId.get(), parallelism, pipeline.generation(), clock.instant())
              .withRestorePoint(
                  Optional.empty(), Optional.of(SourceIdentity.of(settings)), clock.instant())
              .withStartedFrom(restore, clock.instant()));
      runtime.submit(
          new RunSubmission(
              runId.get(),
              pipeline.name(),
              settings,
              parallelism,
              restore,
              Optional.ofNullable(pipeline.spec().runtime()).map(spec -> spec.artifact())));
      save(operation.withProgress(SUBMITTED_AT, clock.instant().toString(), clock.instant()));
      events.record(
          operation,
          "RUN_SUBMITTED",
          "Submitted run "
              + runId.get()
              + " with parallelism "
              + parallelism
              + restore
                  .map(path -> ", restoring " + path)
                  .orElse(", without a restore point: it continues after the table's offsets"));
      return false;
    }
    Optional<RunObservation> run = runtime.observe(runId.get());
    PipelineStatus latest = pipelines.status(pipeline.name()).orElse(status);
    if (run.isPresent() && run.get().state() == RunState.RUNNING) {
      saveStatus(
          latest
              .withState(ObservedState.RUNNING, Optional.empty(), clock.instant())
              .withRun(runId.get(), run.get().parallelism(), pipeline.generation(), clock.instant())
              .withRestorePoint(
                  Optional.empty(), Optional.of(SourceIdentity.of(settings)), clock.instant()));
      return true;
    }
    if (run.isPresent() && run.get().state().isTerminal()) {
      throw new OperationFailedException(
          "Run "
              + runId.get()
              + " ended "
              + run.get().runtimeState()
              + " while starting"
              + run.get().failure().map(f -> ": " + f).orElse(""));
    }
    Instant submittedAt = Instant.parse(operation.progress(SUBMITTED_AT).get());
    if (clock.instant().isAfter(submittedAt.plus(startTimeout))) {
      runtime.cancel(runId.get());
      throw new OperationFailedException(
          "Run "
              + runId.get()
              + " did not reach RUNNING within "
              + startTimeout
              + run.map(
                      r ->
                          " (it is "
                              + r.runtimeState()
                              + r.failure().map(f -> ": " + f).orElse("")
                              + ")")
                  .orElse(" (the runtime does not know it)")
              + "; it was cancelled");
    }
    return false;
  }

  /**
   * True when the runtime holds no live run of the pipeline; else cancels them (once each) and the
   * caller comes back on its next step. A run the pipeline's status names and that runs with the
   * pipeline's current version is adopted instead, when the operation only has to start it.
   */
  private boolean noOtherLiveRun(Operation operation, Pipeline pipeline, PipelineRuntime runtime) {
    List<String> live = runtime.liveRuns(pipeline.name());
    if (live.isEmpty()) {
      return true;
    }
    PipelineStatus status = pipelines.status(pipeline.name()).orElseThrow();
    if ((operation.type() == OperationType.START || operation.type() == OperationType.RECOVER)
        && live.size() == 1
        && status.runId().equals(Optional.of(live.get(0)))
        && status.runningGeneration().equals(Optional.of(pipeline.generation()))) {
      Optional<RunObservation> run = runtime.observe(live.get(0));
      if (run.isPresent() && run.get().state() == RunState.RUNNING) {
        events.record(
            operation,
            "RUN_ADOPTED",
            "Run " + live.get(0) + " of this pipeline is alive and running: adopted");
        saveStatus(
            status
                .withState(ObservedState.RUNNING, Optional.empty(), clock.instant())
                .withParallelism(run.get().parallelism(), clock.instant()));
        save(
            operation
                .withProgress(RUN_ID, live.get(0), clock.instant())
                .withProgress(SUBMITTED_AT, clock.instant().toString(), clock.instant()));
        return false;
      }
    }
    List<String> cancelled =
        new ArrayList<>(List.of(operation.progress(CANCELLED).orElse("").split(",")));
    for (String run : live) {
      if (!cancelled.contains(run)) {
        runtime.cancel(run);
        cancelled.add(run);
        events.record(
            operation,
            "STRAY_RUN_CANCELLED",
            "Run "
                + run
                + " of this pipeline is still alive: cancelled it before starting another, so"
                + " that two runs never load side by side");
      }
    }
    save(
        operation.withProgress(
            CANCELLED,
            String.join(",", cancelled.stream().filter(r -> !r.isEmpty()).toList()),
            clock.instant()));
    return false;
  }

  /**
   * What a start restores: a stop's savepoint; for a run that ended otherwise, its newest retained
   * checkpoint, or while it has none the point it started from (it committed nothing past that
   * point's own files). A recovery's third and later attempts restore nothing. A restore point is
   * skipped when the source changed since it was taken; the loader then continues after the offsets
   * its table recorded.
   */
  private Optional<String> restorePoint(
      Operation operation,
      PipelineStatus status,
      Map<String, String> settings,
      PipelineRuntime runtime) {
    if (operation.type() == OperationType.MOVE_OFFSETS) {
      return Optional.empty();
    }
    Optional<String> chosen = resumePoint(status, runtime);
    if (operation.type() == OperationType.RECOVER) {
      int attempt = Integer.parseInt(operation.parameters().getOrDefault(ATTEMPT, "1"));
      boolean tooMany = attempt > RECOVERY_ATTEMPTS_WITH_STATE;
      String run = status.runId().map(id -> " of run " + id).orElse("");
      events.record(
          operation,
          "RECOVERING",
          "Recovery attempt "
              + attempt
              + " ("
              + operation.parameters().getOrDefault(REASON, "the run is not running")
              + "): "
              + (tooMany
                  ? RECOVERY_ATTEMPTS_WITH_STATE
                      + " attempts restored state: continuing after the table's offsets"
                  : chosen
                      .map(path -> "restoring " + path + run)
                      .orElse(
                          "no readable checkpoint"
                              + run
                              + ": continuing after the offsets the table recorded")));
      if (tooMany) {
        return Optional.empty();
      }
    }
    if (chosen.isEmpty()) {
      return chosen;
    }
    String source = SourceIdentity.of(settings);
    if (status.restoreSource().isPresent() && !status.restoreSource().get().equals(source)) {
      events.record(
          operation,
          "RESTORE_SKIPPED",
          "The source changed since "
              + chosen.get()
              + " was taken; starting from the offsets recorded in the table instead");
      return Optional.empty();
    }
    return chosen;
  }

  /**
   * Where the pipeline resumes: the restore point the status holds (a stop's savepoint), else what
   * the runtime says the last run resumes from (its newest complete retained checkpoint, else the
   * point it started from while that holds; Managed Flink, whose snapshots are not checkpoints,
   * judges both against the table's commits).
   */
  private static Optional<String> resumePoint(PipelineStatus status, PipelineRuntime runtime) {
    if (status.restorePath().isPresent()) {
      return status.restorePath();
    }
    if (status.runId().isEmpty()) {
      return Optional.empty();
    }
    return runtime.resumePoint(status.runId().get(), status.startedFrom());
  }

  /**
   * Records the operation's positions in the table, where the next start without state continues
   * from, and forgets every restore point (their source positions are the old ones).
   */
  private void moveOffsets(Operation operation, Pipeline pipeline) {
    if (operation.progress(MOVED).isEmpty()) {
      Map<String, Long> targets = CommitSummary.parseOffsets(operation.parameters().get(POSITIONS));
      String record =
          json.writeValueAsString(
              Map.of(
                  "operation", operation.id(),
                  "to", operation.parameters().getOrDefault(TO, "offsets"),
                  "requestId", operation.requestId().orElse(""),
                  "actor", operation.actor().orElse("")));
      Map<String, String> settings = renderer.render(pipeline.name(), pipeline.spec());
      Map<String, Long> before =
          positions.current(pipeline.name(), LoaderSettings.parse(settings).table());
      positions.move(pipeline.name(), LoaderSettings.parse(settings).table(), targets, record);
      save(operation.withProgress(MOVED, "true", clock.instant()));
      StringBuilder moves = new StringBuilder();
      targets.forEach(
          (partition, target) ->
              moves
                  .append(moves.length() == 0 ? "" : ", ")
                  .append(partition)
                  .append(' ')
                  .append(before.containsKey(partition) ? before.get(partition) : "-")
                  .append(" -> ")
                  .append(target));
      events.record(
          operation,
          "POSITIONS_MOVED",
          "Read positions moved to "
              + operation.parameters().getOrDefault(TO, "offsets")
              + " at the request of "
              + operation.actor().orElse("an unknown caller")
              + " (request "
              + operation.requestId().orElse("-")
              + "): "
              + moves);
    }
    PipelineStatus status = pipelines.status(pipeline.name()).orElseThrow();
    saveStatus(status.withoutRestorePoints(clock.instant()));
  }

  /** Rescales the running run in place, or falls back to a restart with the new parallelism. */
  private boolean rescaleInPlace(Operation operation, Pipeline pipeline, PipelineStatus status) {
    int target = Integer.parseInt(operation.parameters().get(PARALLELISM));
    if (status.runId().isEmpty() || status.observedState() != ObservedState.RUNNING) {
      events.record(
          operation,
          "RESCALE_DEFERRED",
          "Not running: parallelism " + target + " applies at the next start");
      return true;
    }
    PipelineRuntime runtime = runtime(pipeline);
    String runId = status.runId().get();
    if (operation.progress(IN_PLACE).isEmpty()) {
      boolean inPlace = runtime.rescaleInPlace(runId, target);
      save(operation.withProgress(IN_PLACE, Boolean.toString(inPlace), clock.instant()));
      if (!inPlace) {
        events.record(
            operation,
            "RESCALE_BY_RESTART",
            "The runtime cannot rescale in place: restarting with parallelism " + target);
        save(
            operation
                .withProgress(IN_PLACE, "false", clock.instant())
                .withProgress(PHASE, "stop", clock.instant()));
      } else {
        events.record(
            operation, "RESCALE_REQUESTED", "Rescaling run " + runId + " in place to " + target);
      }
      return false;
    }
    Optional<RunObservation> run = runtime.observe(runId);
    if (run.isPresent()
        && run.get().state() == RunState.RUNNING
        && run.get().parallelism() == target) {
      saveStatus(
          status
              .withParallelism(target, clock.instant())
              .withState(ObservedState.RUNNING, Optional.empty(), clock.instant()));
      return true;
    }
    if (run.isEmpty() || run.get().state().isTerminal()) {
      throw new OperationFailedException("Run " + runId + " ended while rescaling");
    }
    return false;
  }

  private PipelineRuntime runtime(Pipeline pipeline) {
    String target = pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().target();
    return runtimes.forTarget(target);
  }

  static int parallelism(Pipeline pipeline) {
    Integer configured =
        pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().parallelism();
    return configured == null ? 1 : configured;
  }

  private void finish(Operation operation, OperationState result, String outcome) {
    Operation latest = operations.find(operation.id()).orElse(operation);
    save(latest.finished(result, outcome, clock.instant()));
    events.record(
        latest,
        result == OperationState.SUCCEEDED ? "OPERATION_SUCCEEDED" : "OPERATION_FAILED",
        latest.type()
            + (result == OperationState.SUCCEEDED ? " succeeded: " : " failed: ")
            + outcome);
  }

  private String describeSuccess(Operation operation) {
    PipelineStatus status = pipelines.status(operation.pipeline()).orElse(null);
    if (operation.type() == OperationType.DELETE || status == null) {
      return "done";
    }
    return "pipeline is "
        + status.observedState()
        + status.runId().map(id -> ", run " + id).orElse("")
        + status.parallelism().map(p -> ", parallelism " + p).orElse("");
  }

  private Operation save(Operation operation) {
    operations.update(operation);
    return operation;
  }

  private PipelineStatus saveStatus(PipelineStatus status) {
    pipelines.saveStatus(status);
    return status;
  }

  /** A Flink-style id: 32 lowercase hex digits. */
  static String newFlinkId() {
    UUID uuid = UUID.randomUUID();
    return HexFormat.of().toHexDigits(uuid.getMostSignificantBits())
        + HexFormat.of().toHexDigits(uuid.getLeastSignificantBits());
  }
}
