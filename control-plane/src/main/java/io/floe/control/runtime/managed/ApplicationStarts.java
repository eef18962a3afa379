package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Artifact;
import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.loader.settings.PropertyGroups;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationRestoreType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.Tag;

/**
 * A run's submit: the application created (or its code, property groups, parallelism and
 * checkpointing updated while it is READY), tagged with the run, and started from the named
 * snapshot. A step that finds the application in transition (an update of its own included) does
 * not wait: it is unavailable, and the reconciler's next pass carries on from what it finds.
 */
final class ApplicationStarts {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationStarts.class);

  static final Set<ApplicationStatus> ACTIVE =
      Set.of(
          ApplicationStatus.STARTING,
          ApplicationStatus.RUNNING,
          ApplicationStatus.UPDATING,
          ApplicationStatus.AUTOSCALING,
          ApplicationStatus.ROLLING_BACK,
          ApplicationStatus.MAINTENANCE);

  private final ManagedFlinkApplications applications;
  private final ApplicationReads reads;
  private final RunTagCache runs;
  private final OperationOutcomes outcomes;
  private final ApplicationUpdates updates;
  private final SnapshotRetention retention;
  private final ApplicationConfigurations configurations;
  private final Function<Optional<String>, Optional<Artifact>> artifacts;
  private final ManagedFlinkRuntime.ApplicationEvents events;

  /**
   * The run each application was updated for with a new job graph, until that run starts: its start
   * allows non-restored state although the updated application no longer differs.
   */
  private final Map<String, String> graphChangedForRun = new ConcurrentHashMap<>();

  ApplicationStarts(
      ManagedFlinkApplications applications,
      ApplicationReads reads,
      RunTagCache runs,
      OperationOutcomes outcomes,
      ApplicationUpdates updates,
      SnapshotRetention retention,
      ApplicationConfigurations configurations,
      Function<Optional<String>, Optional<Artifact>> artifacts,
      ManagedFlinkRuntime.ApplicationEvents events) {
    this.applications = requireNonNull(applications, "applications is null");
    this.reads = requireNonNull(reads, "reads is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.outcomes = requireNonNull(outcomes, "outcomes is null");
    this.updates = requireNonNull(updates, "updates is null");
    this.retention = requireNonNull(retention, "retention is null");
    this.configurations = requireNonNull(configurations, "configurations is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.events = requireNonNull(events, "events is null");
  }

  void submit(RunSubmission submission) {
    String application = reads.applicationName(submission.pipeline());
    Artifact artifact =
        artifacts
            .apply(submission.artifact())
            .orElseThrow(
                () ->
                    new RunRejectedException(
                        submission.artifact().isPresent()
                            ? "No loader artifact " + submission.artifact().get() + " is registered"
                            : "No loader artifact is registered: upload one (POST /artifacts) or"
                                + " set floe.runtime.loader-jar"));
    Map<String, Map<String, String>> groups;
    try {
      groups = PropertyGroups.fromSettings(submission.settings());
    } catch (PropertyGroups.PropertyGroupLimitException e) {
      throw new RunRejectedException(e.getMessage(), e);
    }
    ApplicationConfigurations.Desired desired =
        configurations.desired(artifact, groups, submission.settings(), submission.parallelism());
    Optional<ApplicationDetail> existing = reads.find(application);
    if (existing.isEmpty()) {
      create(application, submission, desired);
      existing = reads.find(application);
      if (existing.isEmpty()) {
        throw new RuntimeUnavailableException(
            "Application " + application + " was created but cannot be described yet");
      }
    }
    runs.submitted(submission.runId(), application);
    ApplicationDetail app = existing.get();
    String currentRun = runs.runOf(app);
    if (submission.runId().equals(currentRun) && ACTIVE.contains(app.applicationStatus())) {
      return;
    }
    ApplicationReads.requireSteady(app);
    if (app.applicationStatus() == ApplicationStatus.RUNNING) {
      throw new RunRejectedException(
          "Application "
              + application
              + " is RUNNING run "
              + currentRun
              + ", not "
              + submission.runId()
              + ": stop it first");
    }
    boolean allowNonRestoredState =
        configurations.graphMayDiffer(app, desired)
            || submission.runId().equals(graphChangedForRun.get(application));
    if (configurations.needsUpdate(app, desired)) {
      if (allowNonRestoredState) {
        graphChangedForRun.put(application, submission.runId());
      }
      boolean allow = allowNonRestoredState;
      updates.update(
          application,
          submission.pipeline(),
          current -> configurations.update(current, desired),
          Optional.empty(),
          allow,
          "loader " + artifact.id() + ", parallelism " + submission.parallelism());
      app = ApplicationReads.requireSteady(reads.describe(application));
    }
    runs.tag(app, submission.runId());
    ManagedFlinkApplications.Restore restore =
        restore(application, submission.pipeline(), submission.restorePath());
    if (submission.restorePath().isPresent()
        && restore.type() != ApplicationRestoreType.RESTORE_FROM_CUSTOM_SNAPSHOT) {
      allowNonRestoredState = false;
    }
    retention.prune(application, submission.pipeline(), restore.snapshot());
    start(application, submission, restore, allowNonRestoredState);
  }

  private void start(
      String application,
      RunSubmission submission,
      ManagedFlinkApplications.Restore restore,
      boolean allowNonRestoredState) {
    try {
      String operationId = applications.start(application, restore, allowNonRestoredState);
      graphChangedForRun.remove(application);
      outcomes.track(application, submission.pipeline(), "StartApplication", operationId);
      events.record(
          submission.pipeline(),
          "APPLICATION_STARTING",
          "StartApplication of "
              + application
              + " (operation "
              + operationId
              + ", run "
              + submission.runId()
              + ", "
              + restore.describe()
              + (allowNonRestoredState ? ", allowing non-restored state" : "")
              + ")");
    } catch (ResourceInUseException e) {
      ApplicationDetail now = reads.describe(application);
      if (submission.runId().equals(runs.runOf(now)) && ACTIVE.contains(now.applicationStatus())) {
        return;
      }
      throw new RuntimeUnavailableException(
          "Application " + application + " is " + now.applicationStatusAsString() + "; retrying",
          e);
    } catch (ResourceNotFoundException e) {
      // The snapshot to restore was deleted between the check and the start: the next attempt
      // sees it missing.
      throw new RuntimeUnavailableException(
          "StartApplication of "
              + application
              + " met a missing resource; retrying: "
              + e.getMessage(),
          e);
    }
  }

  private void create(
      String application, RunSubmission submission, ApplicationConfigurations.Desired desired) {
    try {
      applications.create(
          configurations.create(
              application,
              List.of(
                  Tag.builder()
                      .key(ManagedFlinkRuntime.PIPELINE_TAG)
                      .value(submission.pipeline())
                      .build(),
                  Tag.builder().key(ManagedFlinkRuntime.RUN_TAG).value(submission.runId()).build()),
              desired));
      events.record(
          submission.pipeline(),
          "APPLICATION_CREATED",
          "Created application "
              + application
              + " (runtime FLINK-1_20, loader "
              + desired.artifact().id()
              + ", parallelism "
              + desired.parallelism()
              + ")");
    } catch (ResourceInUseException e) {
      // CreateApplication has no idempotency token: an earlier attempt (whose answer was lost)
      // created it. Reconcile with what exists instead of failing.
      LOG.info("{} exists already (an earlier CreateApplication): reconciling", application);
      events.record(
          submission.pipeline(),
          "APPLICATION_EXISTS",
          "CreateApplication met an existing " + application + "; reconciling it");
    }
  }

  /**
   * The restore of a start: the named snapshot; without one, nothing (SKIP_RESTORE_FROM_SNAPSHOT
   * while the application has snapshots, which RESTORE_FROM_LATEST_SNAPSHOT would restore). A named
   * snapshot that is gone is never replaced by another (the latest may be older than what the
   * pipeline committed, or from before a change of its source): the start restores nothing, with an
   * event, and the loader continues after the offsets its table recorded.
   */
  private ManagedFlinkApplications.Restore restore(
      String application, String pipeline, Optional<String> restorePath) {
    List<SnapshotDetails> snapshots = applications.snapshots(application);
    if (restorePath.isPresent()) {
      String name = restorePath.get();
      Optional<SnapshotDetails> named =
          snapshots.stream().filter(s -> s.snapshotName().equals(name)).findFirst();
      if (named.isPresent() && named.get().snapshotStatus() == SnapshotStatus.READY) {
        return ManagedFlinkApplications.Restore.named(name);
      }
      if (named.isPresent() && named.get().snapshotStatus() == SnapshotStatus.CREATING) {
        throw new RuntimeUnavailableException(
            "Snapshot " + name + " of " + application + " is still being created; retrying");
      }
      events.record(
          pipeline,
          "RESTORE_POINT_MISSING",
          "Snapshot "
              + name
              + " of "
              + application
              + (named.isPresent()
                  ? " is " + named.get().snapshotStatusAsString()
                  : " does not exist (deleted outside Floe?)")
              + ": starting without a snapshot, never another one in its place; the loader"
              + " continues after the offsets its table recorded");
    }
    boolean any = snapshots.stream().anyMatch(s -> s.snapshotStatus() == SnapshotStatus.READY);
    return ManagedFlinkApplications.Restore.of(
        any
            ? ApplicationRestoreType.SKIP_RESTORE_FROM_SNAPSHOT
            : ApplicationRestoreType.RESTORE_FROM_LATEST_SNAPSHOT);
  }
}
