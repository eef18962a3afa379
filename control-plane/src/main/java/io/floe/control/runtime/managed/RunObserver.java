package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfo;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;

/**
 * What a run's application says about the run, recording nothing: its state (a stopped application
 * is FAILED unless Floe stopped it, a RUNNING one whose job is down is RESTARTING), parallelism,
 * CloudWatch figures, and the operations Floe made that finished since the last look, for the
 * caller to report.
 */
final class RunObserver {
  /** A run's observation and the outcomes found on the way. */
  record Observed(RunObservation run, List<OperationOutcomes.Outcome> finished) {}

  private final ManagedFlinkApplications applications;
  private final ApplicationReads reads;
  private final RunTagCache runs;
  private final OperationOutcomes outcomes;
  private final RecentJobMetrics metrics;

  RunObserver(
      ManagedFlinkApplications applications,
      ApplicationReads reads,
      RunTagCache runs,
      OperationOutcomes outcomes,
      RecentJobMetrics metrics) {
    this.applications = requireNonNull(applications, "applications is null");
    this.reads = requireNonNull(reads, "reads is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.outcomes = requireNonNull(outcomes, "outcomes is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  Optional<Observed> observe(String runId) {
    Optional<String> found = runs.applicationOf(runId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String application = found.get();
    Optional<ApplicationDetail> detail = reads.find(application);
    if (detail.isEmpty() || !runId.equals(runs.runOf(detail.get()))) {
      return Optional.empty();
    }
    List<OperationOutcomes.Outcome> finished = outcomes.finished(application);
    ApplicationDetail app = detail.get();
    RunState state = ApplicationStates.runState(app.applicationStatus());
    Optional<String> failure =
        state == RunState.RESTARTING ? outcomes.lastFailure(application) : Optional.empty();
    if (ApplicationStates.stopped(app.applicationStatus())) {
      Optional<String> outside = stoppedOutsideFloe(app);
      state = outside.isPresent() ? RunState.FAILED : RunState.STOPPED;
      failure = outside;
    }
    JobMetrics figures = state.isTerminal() ? JobMetrics.UNKNOWN : metrics.of(application, runId);
    if (state == RunState.RUNNING && figures.inOutage()) {
      state = RunState.RESTARTING;
      failure =
          Optional.of(
              "the job has been failing or recovering for "
                  + figures.downtimeMillis().getAsLong() / 1000
                  + " s (CloudWatch downtime) while the application is RUNNING");
    }
    RunObservation run =
        new RunObservation(
            runId,
            state,
            app.applicationStatusAsString(),
            ApplicationConfigurations.currentParallelism(app),
            figures.restarts(),
            // A run's restore points need the table (retainedCheckpoints): none reported here.
            Optional.empty(),
            failure,
            0,
            figures.failedCheckpoints());
    return Optional.of(new Observed(run, finished));
  }

  /**
   * Why a stopped (READY or ROLLED_BACK) application is not running, when Floe did not stop it (a
   * stop outside Floe, a failed start or update, a rollback); empty when its last operation is a
   * stop Floe made without Force (the stop tag).
   */
  private Optional<String> stoppedOutsideFloe(ApplicationDetail app) {
    String application = app.applicationName();
    Optional<ApplicationOperationInfo> last = reads.lastFinishedOperation(application);
    String floeStop = applications.tags(app.applicationARN()).get(ManagedFlinkRuntime.STOP_TAG);
    if (last.isPresent() && floeStop != null) {
      if (app.applicationStatus() == ApplicationStatus.READY
          && floeStop.equals(last.get().operationId())) {
        return Optional.empty();
      }
      if (floeStop.equals(ManagedFlinkRuntime.FORCED + last.get().operationId())) {
        return Optional.of(
            "Floe force-stopped "
                + application
                + " without a snapshot ("
                + reads.operationText(application, last.get())
                + ")");
      }
    }
    String status = app.applicationStatusAsString();
    if (last.isPresent()
        && last.get().operation() != null
        && last.get().operation().contains("Stop")) {
      return Optional.of(
          application
              + " is "
              + status
              + ": stopped outside Floe's operations ("
              + reads.operationText(application, last.get())
              + ")");
    }
    return Optional.of(
        application
            + " is "
            + status
            + last.map(o -> " after " + reads.operationText(application, o))
                .orElse(": Floe did not stop it"));
  }
}
