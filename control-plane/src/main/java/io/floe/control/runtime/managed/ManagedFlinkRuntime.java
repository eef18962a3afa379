package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Artifact;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConcurrentModificationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;

/**
 * Runs each pipeline as an Amazon Managed Service for Apache Flink application named {@code
 * <prefix><pipeline>}, through kinesisanalyticsv2.
 *
 * <p>A run is one start of the application: its id (chosen by the caller) is recorded in the
 * application's tag {@code floe:run-id} before StartApplication, so a repeated submit recognises
 * it, and a run whose id is no longer the tag is gone. A submit creates the application (or updates
 * its code, property groups, parallelism and checkpointing while it is READY) and starts it. Stop
 * with savepoint is StopApplication without Force: the service takes a snapshot, whose name is the
 * "savepoint path" that the next start restores (RESTORE_FROM_CUSTOM_SNAPSHOT). Rescaling is an
 * UpdateApplication of the parallelism on the running application, which restores from the snapshot
 * the update takes. Every update carries the ConditionalToken of a fresh DescribeApplication and is
 * retried (re-read, recomputed, bounded, with backoff) on ConcurrentModificationException; a step
 * that finds the application in transition does not wait for it but is unavailable, and the
 * reconciler comes back on its next pass; validation errors are surfaced and never retried. Every
 * operation id is polled to its outcome, which becomes a pipeline event. Snapshots beyond the
 * newest {@code snapshots-to-keep} are deleted.
 *
 * <p>An application found READY (or ROLLED_BACK) is observed FAILED, so that the reconciler
 * recovers it, unless Floe stopped it itself: every StopApplication Floe makes is recorded in the
 * application's tag {@code floe:stop-operation}, which survives a restart of the control plane. A
 * run resumes only from a snapshot at least as new as what its pipeline committed ({@link
 * RestorePoints}), judged against the table's commits; a named snapshot that is gone is never
 * replaced by another: the start restores nothing and the loader continues after its table's
 * offsets.
 *
 * <p>RUNNING is not proof of a healthy job: the observation of a running application carries its
 * restarts and failed checkpoints from Managed Flink's CloudWatch metrics ({@link JobMetrics}),
 * read at most once per {@code cloudwatch.refresh}, and a RUNNING application whose job is in an
 * outage ({@code downtime} above zero) is observed as RESTARTING. When CloudWatch cannot be read,
 * those figures are unknown and the state is the application's.
 */
public final class ManagedFlinkRuntime implements PipelineRuntime {
  /** The tag that names the run an application runs (or last ran). */
  public static final String RUN_TAG = "floe:run-id";

  /** The tag that names the pipeline of an application. */
  public static final String PIPELINE_TAG = "floe:pipeline";

  /**
   * The tag that names the latest StopApplication operation Floe made ({@code force:<id>} when with
   * Force): a READY application whose last operation is that one was stopped by Floe.
   */
  public static final String STOP_TAG = "floe:stop-operation";

  static final String FORCED = "force:";

  /** The run id {@link #liveRuns} gives an application of the pipeline that names no run. */
  static final String UNTAGGED = "untagged-";

  /** Where the runtime reports what happened to a pipeline's application. */
  @FunctionalInterface
  public interface ApplicationEvents {
    void record(String pipeline, String type, String message);
  }

  /** When a pipeline last committed to its table: what a restore point must be newer than. */
  @FunctionalInterface
  public interface PipelineCommits {
    /**
     * The time of the pipeline's newest commit in the table its loader settings name; empty when it
     * has none.
     */
    Optional<Instant> newestCommit(String pipeline, Map<String, String> settings);
  }

  /** Pauses between attempts of a call; tests pass one that does not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration);
  }

  private final RuntimeProperties.ManagedFlink config;
  private final ApplicationEvents events;
  private final ManagedFlinkApplications applications;
  private final ApplicationReads reads;
  private final RunTagCache runs;
  private final RecentJobMetrics metrics;
  private final RunObserver observer;
  private final RunRestorePoints restorePoints;
  private final ApplicationRescales rescales;
  private final ApplicationStarts starts;
  private final ApplicationStops stops;
  private final ManagedFlinkLimits limits;

  /**
   * @param applications the Managed Flink application API
   * @param config the managed-flink configuration
   * @param artifacts the artifact a pin names, or the default artifact for an empty pin
   * @param events where operation outcomes and other happenings are reported
   * @param sleeper pauses between attempts of an update, and while a rescale waits out a transition
   * @param metrics the applications' CloudWatch figures
   * @param commits when a pipeline last committed, to judge restore points against
   * @param clock the time of metrics reads
   */
  public ManagedFlinkRuntime(
      ManagedFlinkApplications applications,
      RuntimeProperties.ManagedFlink config,
      Function<Optional<String>, Optional<Artifact>> artifacts,
      ApplicationEvents events,
      Sleeper sleeper,
      ApplicationMetrics metrics,
      PipelineCommits commits,
      Clock clock) {
    this.applications = requireNonNull(applications, "applications is null");
    this.config = requireNonNull(config, "config is null");
    this.events = requireNonNull(events, "events is null");
    this.reads = new ApplicationReads(applications, config.applicationPrefix());
    this.runs = new RunTagCache(applications, config.applicationPrefix());
    this.metrics = new RecentJobMetrics(metrics, config.cloudwatch(), reads, clock);
    OperationOutcomes outcomes = new OperationOutcomes(applications, events);
    this.observer = new RunObserver(applications, reads, runs, outcomes, this.metrics);
    this.restorePoints = new RunRestorePoints(applications, reads, runs, commits, events);
    ApplicationUpdates updates =
        new ApplicationUpdates(applications, reads, outcomes, events, sleeper);
    ApplicationConfigurations configurations = new ApplicationConfigurations(config);
    SnapshotRetention retention =
        new SnapshotRetention(applications, config.snapshotsToKeep(), events);
    this.starts =
        new ApplicationStarts(
            applications,
            reads,
            runs,
            outcomes,
            updates,
            retention,
            configurations,
            artifacts,
            events);
    this.stops = new ApplicationStops(applications, reads, runs, outcomes, retention, events);
    this.limits = new ManagedFlinkLimits(config);
    this.rescales = new ApplicationRescales(reads, runs, updates, configurations, config, sleeper);
  }

  /** The application that runs a pipeline. */
  public String applicationName(String pipeline) {
    return reads.applicationName(pipeline);
  }

  @Override
  public List<String> limits(Map<String, String> settings, int parallelism) {
    return limits.of(settings, parallelism);
  }

  /**
   * The run as its application shows it. The outcomes of Floe's operations found finished on the
   * way are reported as pipeline events here, where the observation is handed over.
   */
  @Override
  public Optional<RunObservation> observe(String runId) {
    return observer
        .observe(runId)
        .map(
            observed -> {
              observed.finished().forEach(o -> events.record(o.pipeline(), o.type(), o.message()));
              return observed.run();
            });
  }

  /**
   * One application per pipeline: its run is live unless the application is stopped (READY or
   * ROLLED_BACK); an application in transition is live. An application of the pipeline that names
   * no run (created outside Floe, or before runs were tagged) is live as {@code
   * untagged-<application>}, which {@link #cancel} understands.
   */
  @Override
  public List<String> liveRuns(String pipeline) {
    Optional<ApplicationDetail> detail = reads.find(applicationName(pipeline));
    if (detail.isEmpty() || ApplicationStates.stopped(detail.get().applicationStatus())) {
      return List.of();
    }
    String run = runs.runOf(detail.get());
    return List.of(run == null ? UNTAGGED + detail.get().applicationName() : run);
  }

  /**
   * StopApplication with Force (no snapshot), recorded in the stop tag. Nothing to do when the
   * application is stopped, stopping with Force or being deleted, or runs another run; an
   * application in a status that Force does not accept (ROLLING_BACK, MAINTENANCE) is waited for:
   * the call fails as unavailable and the caller comes back.
   */
  @Override
  public void cancel(String runId) {
    stops.cancel(runId);
  }

  /**
   * The run's snapshots that may restore it ({@link RestorePoints}), newest first: READY, taken
   * since the run's StartApplication, and at least as new as what the pipeline committed. None when
   * the application runs another run now.
   */
  @Override
  public List<String> retainedCheckpoints(String runId) {
    return restorePoints.retained(runId);
  }

  /**
   * The newest of {@link #retainedCheckpoints}, else the snapshot the run started from while the
   * pipeline committed nothing since the run's StartApplication (a run without snapshots of its own
   * may still have committed for days), else nothing, with an event that says what was refused and
   * why.
   */
  @Override
  public Optional<String> resumePoint(String runId, Optional<String> startedFrom) {
    return restorePoints.resumePoint(runId, startedFrom);
  }

  @Override
  public void submit(RunSubmission submission) {
    starts.submit(requireNonNull(submission, "submission is null"));
  }

  /**
   * StopApplication without Force; an application in transition is unavailable (the caller comes
   * back), not waited for.
   */
  @Override
  public void stopWithSavepoint(String runId, String triggerId) {
    stops.stopWithSavepoint(runId, triggerId);
  }

  @Override
  public SavepointOutcome savepoint(String runId, String triggerId) {
    return stops.savepoint(runId, triggerId);
  }

  /**
   * An UpdateApplication of the running application's parallelism ({@link ApplicationRescales}).
   */
  @Override
  public boolean rescaleInPlace(String runId, int parallelism) {
    return rescales.rescale(runId, parallelism);
  }

  /**
   * DeleteApplication of the stopped application; false (the caller comes back) while it runs, is
   * in transition or is being deleted.
   */
  @Override
  public boolean remove(String pipeline) {
    String application = applicationName(pipeline);
    metrics.forget(application);
    Optional<ApplicationDetail> detail = reads.find(application);
    if (detail.isEmpty()) {
      return true;
    }
    ApplicationDetail app = detail.get();
    if (!ApplicationStates.stopped(app.applicationStatus())) {
      // Stopped first (the caller's stop phase); anything else is waited out, never forced.
      return false;
    }
    Instant created = app.createTimestamp();
    try {
      applications.delete(application, created);
    } catch (ResourceNotFoundException e) {
      return true;
    } catch (ResourceInUseException | ConcurrentModificationException e) {
      return false;
    }
    runs.forget(application);
    events.record(
        pipeline,
        "APPLICATION_DELETED",
        "DeleteApplication of " + application + " (created " + created + "); the table is kept");
    return reads.find(application).isEmpty();
  }

  public static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("Interrupted while waiting for Managed Flink", e);
    }
  }
}
