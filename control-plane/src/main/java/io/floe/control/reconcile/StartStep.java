package io.floe.control.reconcile;

import static io.floe.control.reconcile.OperationRunner.CANCELLED;
import static io.floe.control.reconcile.OperationRunner.RESTORE;
import static io.floe.control.reconcile.OperationRunner.RUN_ID;
import static io.floe.control.reconcile.OperationRunner.SUBMITTED_AT;
import static java.util.Objects.requireNonNull;

import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationType;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The start phase of every operation that starts a run: clear the way (adopt the pipeline's own
 * live run or cancel strays), submit once under a run id stored before the submit, wait until it
 * runs or cancel it when it does not in time.
 */
final class StartStep {
  private static final String NO_RESTORE = "none";

  private final StepContext context;
  private final LoaderSettingsRenderer renderer;
  private final ResumePoints resumePoints;
  private final Duration startTimeout;

  StartStep(
      StepContext context,
      LoaderSettingsRenderer renderer,
      ResumePoints resumePoints,
      Duration startTimeout) {
    this.context = requireNonNull(context, "context is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.resumePoints = requireNonNull(resumePoints, "resumePoints is null");
    this.startTimeout = requireNonNull(startTimeout, "startTimeout is null");
  }

  /**
   * Submits a run (once, under a stored run id) and waits until it runs. Before the first submit,
   * every other live run of the pipeline is cancelled (or the current one adopted), so that no two
   * runs ever commit side by side; a run that does not reach RUNNING in time is cancelled.
   */
  boolean start(Operation operation, Pipeline pipeline, PipelineStatus status) {
    PipelineRuntime runtime = context.runtime(pipeline);
    Map<String, String> settings = renderer.render(pipeline.name(), pipeline.spec());
    int parallelism = OperationRunner.parallelism(pipeline);
    Optional<String> runId = operation.progress(RUN_ID);
    if (runId.isEmpty()) {
      if (status.observedState() == ObservedState.RUNNING && status.runId().isPresent()) {
        Optional<RunObservation> current = runtime.observe(status.runId().get());
        if (current.isPresent() && !current.get().state().isTerminal()) {
          context.events.record(
              operation, "ALREADY_RUNNING", "Run " + status.runId().get() + " is running");
          return true;
        }
      }
      if (!noOtherLiveRun(operation, pipeline, runtime)) {
        return false;
      }
      runId = Optional.of(StepContext.newFlinkId());
      operation = context.save(operation.withProgress(RUN_ID, runId.get(), context.now()));
    }
    if (operation.progress(SUBMITTED_AT).isEmpty()) {
      submit(operation, pipeline, status, runtime, settings, runId.get(), parallelism);
      return false;
    }
    return running(operation, pipeline, status, runtime, settings, runId.get());
  }

  /** Chooses the restore point (once), records the run in the status, and submits it. */
  private void submit(
      Operation operation,
      Pipeline pipeline,
      PipelineStatus status,
      PipelineRuntime runtime,
      Map<String, String> settings,
      String runId,
      int parallelism) {
    if (operation.progress(RESTORE).isEmpty()) {
      String chosen =
          resumePoints.restorePoint(operation, status, settings, runtime).orElse(NO_RESTORE);
      operation = context.save(operation.withProgress(RESTORE, chosen, context.now()));
    }
    Optional<String> restore = operation.progress(RESTORE).filter(path -> !path.equals(NO_RESTORE));
    boolean recovering = operation.type() == OperationType.RECOVER;
    ObservedState starting = recovering ? ObservedState.RESTARTING : ObservedState.STARTING;
    // The restore point is consumed: the next start restores this run's own checkpoints (newer),
    // or, while it has none, the point it started from.
    context.saveStatus(
        status
            .withState(starting, recovering ? status.lastError() : Optional.empty(), context.now())
            .withRun(runId, parallelism, pipeline.generation(), context.now())
            .withRestorePoint(
                Optional.empty(), Optional.of(SourceIdentity.of(settings)), context.now())
            .withStartedFrom(restore, context.now()));
    runtime.submit(
        new RunSubmission(
            runId,
            pipeline.name(),
            settings,
            parallelism,
            restore,
            Optional.ofNullable(pipeline.spec().runtime()).map(spec -> spec.artifact())));
    context.save(operation.withProgress(SUBMITTED_AT, context.now().toString(), context.now()));
    context.events.record(
        operation,
        "RUN_SUBMITTED",
        "Submitted run "
            + runId
            + " with parallelism "
            + parallelism
            + restore
                .map(path -> ", restoring " + path)
                .orElse(", without a restore point: it continues after the table's offsets"));
  }

  /** True once the submitted run runs; fails when it ended or did not run in time. */
  private boolean running(
      Operation operation,
      Pipeline pipeline,
      PipelineStatus status,
      PipelineRuntime runtime,
      Map<String, String> settings,
      String runId) {
    Optional<RunObservation> run = runtime.observe(runId);
    PipelineStatus latest = context.pipelines.status(pipeline.name()).orElse(status);
    if (run.isPresent() && run.get().state() == RunState.RUNNING) {
      context.saveStatus(
          latest
              .withState(ObservedState.RUNNING, Optional.empty(), context.now())
              .withRun(runId, run.get().parallelism(), pipeline.generation(), context.now())
              .withRestorePoint(
                  Optional.empty(), Optional.of(SourceIdentity.of(settings)), context.now()));
      return true;
    }
    if (run.isPresent() && run.get().state().isTerminal()) {
      throw new OperationFailedException(
          "Run "
              + runId
              + " ended "
              + run.get().runtimeState()
              + " while starting"
              + run.get().failure().map(f -> ": " + f).orElse(""));
    }
    Instant submittedAt = Instant.parse(operation.progress(SUBMITTED_AT).get());
    if (context.now().isAfter(submittedAt.plus(startTimeout))) {
      runtime.cancel(runId);
      throw new OperationFailedException(
          "Run "
              + runId
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
    PipelineStatus status = context.pipelines.status(pipeline.name()).orElseThrow();
    if ((operation.type() == OperationType.START || operation.type() == OperationType.RECOVER)
        && live.size() == 1
        && status.runId().equals(Optional.of(live.get(0)))
        && status.runningGeneration().equals(Optional.of(pipeline.generation()))) {
      Optional<RunObservation> run = runtime.observe(live.get(0));
      if (run.isPresent() && run.get().state() == RunState.RUNNING) {
        context.events.record(
            operation,
            "RUN_ADOPTED",
            "Run " + live.get(0) + " of this pipeline is alive and running: adopted");
        context.saveStatus(
            status
                .withState(ObservedState.RUNNING, Optional.empty(), context.now())
                .withParallelism(run.get().parallelism(), context.now()));
        context.save(
            operation
                .withProgress(RUN_ID, live.get(0), context.now())
                .withProgress(SUBMITTED_AT, context.now().toString(), context.now()));
        return false;
      }
    }
    List<String> cancelled =
        new ArrayList<>(List.of(operation.progress(CANCELLED).orElse("").split(",")));
    for (String run : live) {
      if (!cancelled.contains(run)) {
        runtime.cancel(run);
        cancelled.add(run);
        context.events.record(
            operation,
            "STRAY_RUN_CANCELLED",
            "Run "
                + run
                + " of this pipeline is still alive: cancelled it before starting another, so"
                + " that two runs never load side by side");
      }
    }
    context.save(
        operation.withProgress(
            CANCELLED,
            String.join(",", cancelled.stream().filter(r -> !r.isEmpty()).toList()),
            context.now()));
    return false;
  }
}
