package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RuntimeProperties;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationRestoreType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;

/**
 * A rescale in place: an UpdateApplication of the running application's parallelism, which
 * snapshots, restarts with the new parallelism and restores the snapshot it took. A transition of
 * the service's own (AUTOSCALING, MAINTENANCE) is waited out, bounded by {@code
 * steady-state-timeout}: the only wait left in a step, kept because a rescale's caller (and its
 * test) expects the answer of this one call.
 */
final class ApplicationRescales {
  private final ApplicationReads reads;
  private final RunTagCache runs;
  private final ApplicationUpdates updates;
  private final ApplicationConfigurations configurations;
  private final RuntimeProperties.ManagedFlink config;
  private final ManagedFlinkRuntime.Sleeper sleeper;

  ApplicationRescales(
      ApplicationReads reads,
      RunTagCache runs,
      ApplicationUpdates updates,
      ApplicationConfigurations configurations,
      RuntimeProperties.ManagedFlink config,
      ManagedFlinkRuntime.Sleeper sleeper) {
    this.reads = requireNonNull(reads, "reads is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.updates = requireNonNull(updates, "updates is null");
    this.configurations = requireNonNull(configurations, "configurations is null");
    this.config = requireNonNull(config, "config is null");
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
  }

  boolean rescale(String runId, int parallelism) {
    if (parallelism > config.maxParallelism()) {
      throw new RunRejectedException(
          "Parallelism " + parallelism + " is above the KPU limit's " + config.maxParallelism());
    }
    String application =
        runs.applicationOf(runId)
            .orElseThrow(
                () -> new RunRejectedException("Cannot rescale run " + runId + ": unknown"));
    ApplicationDetail app =
        reads
            .find(application)
            .filter(detail -> runId.equals(runs.runOf(detail)))
            .orElseThrow(
                () -> new RunRejectedException("Cannot rescale run " + runId + ": it is gone"));
    app = awaitSteady(app);
    if (app.applicationStatus() != ApplicationStatus.RUNNING) {
      throw new RunRejectedException(
          "Cannot rescale " + application + ": it is " + app.applicationStatusAsString());
    }
    // RESTORE_FROM_LATEST_SNAPSHOT (the snapshot the update takes), sent explicitly, as
    // AllowNonRestoredState is.
    updates.update(
        application,
        reads.pipelineOf(app),
        current -> configurations.parallelismUpdate(parallelism),
        Optional.of(
            ManagedFlinkApplications.Restore.of(
                ApplicationRestoreType.RESTORE_FROM_LATEST_SNAPSHOT)),
        false,
        "parallelism " + parallelism);
    return true;
  }

  /** Waits (bounded) until the application is READY, RUNNING or ROLLED_BACK. */
  private ApplicationDetail awaitSteady(ApplicationDetail detail) {
    ApplicationDetail current = detail;
    long deadline = System.nanoTime() + config.steadyStateTimeout().toNanos();
    Duration pause = Duration.ofMillis(100);
    while (!ApplicationReads.steady(current)) {
      if (System.nanoTime() > deadline) {
        ApplicationReads.requireSteady(current);
      }
      sleeper.sleep(pause);
      pause =
          pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
              ? Duration.ofSeconds(2)
              : pause.multipliedBy(2);
      current = reads.describe(current.applicationName());
    }
    return current;
  }
}
