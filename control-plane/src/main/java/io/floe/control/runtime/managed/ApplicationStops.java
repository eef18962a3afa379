package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfoDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConcurrentModificationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;

/**
 * A run's stops: with a snapshot (StopApplication without Force, whose snapshot is the savepoint),
 * or forced, each recorded in the application's stop tag so that a stop of Floe's own is never
 * taken for a failure. An application in transition is not waited for: the call is unavailable and
 * the caller comes back.
 */
final class ApplicationStops {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationStops.class);

  /** The statuses in which StopApplication accepts Force (documented). */
  private static final Set<ApplicationStatus> FORCE_STOPPABLE =
      Set.of(
          ApplicationStatus.STARTING,
          ApplicationStatus.UPDATING,
          ApplicationStatus.STOPPING,
          ApplicationStatus.AUTOSCALING,
          ApplicationStatus.RUNNING);

  private final ManagedFlinkApplications applications;
  private final ApplicationReads reads;
  private final RunTagCache runs;
  private final OperationOutcomes outcomes;
  private final SnapshotRetention retention;
  private final ManagedFlinkRuntime.ApplicationEvents events;

  /** The StopApplication operation of each stop trigger this control plane made. */
  private final Map<String, String> stopOperations = new ConcurrentHashMap<>();

  ApplicationStops(
      ManagedFlinkApplications applications,
      ApplicationReads reads,
      RunTagCache runs,
      OperationOutcomes outcomes,
      SnapshotRetention retention,
      ManagedFlinkRuntime.ApplicationEvents events) {
    this.applications = requireNonNull(applications, "applications is null");
    this.reads = requireNonNull(reads, "reads is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.outcomes = requireNonNull(outcomes, "outcomes is null");
    this.retention = requireNonNull(retention, "retention is null");
    this.events = requireNonNull(events, "events is null");
  }

  /** See {@link ManagedFlinkRuntime#cancel}. */
  void cancel(String runId) {
    boolean untagged = runId.startsWith(ManagedFlinkRuntime.UNTAGGED);
    Optional<String> application =
        untagged
            ? Optional.of(runId.substring(ManagedFlinkRuntime.UNTAGGED.length()))
            : runs.applicationOf(runId);
    Optional<ApplicationDetail> detail = application.flatMap(reads::find);
    if (detail.isEmpty()) {
      return;
    }
    ApplicationDetail app = detail.get();
    String current = runs.runOf(app);
    if (untagged ? current != null : !runId.equals(current)) {
      return;
    }
    ApplicationStatus status = app.applicationStatus();
    if (ApplicationStates.stopped(status)
        || status == ApplicationStatus.FORCE_STOPPING
        || status == ApplicationStatus.DELETING) {
      return;
    }
    if (!FORCE_STOPPABLE.contains(status)) {
      throw new RuntimeUnavailableException(
          "Cannot force-stop "
              + application.get()
              + " (run "
              + runId
              + ") while it is "
              + app.applicationStatusAsString()
              + ": StopApplication accepts Force only in "
              + FORCE_STOPPABLE.stream().map(Enum::name).sorted().toList()
              + "; retrying");
    }
    String operationId;
    try {
      operationId = applications.stop(application.get(), true);
    } catch (ResourceInUseException e) {
      throw new RuntimeUnavailableException(
          "Cannot force-stop " + application.get() + " yet: " + e.getMessage(), e);
    }
    tagStop(app, ManagedFlinkRuntime.FORCED + operationId);
    outcomes.track(application.get(), reads.pipelineOf(app), "ForceStopApplication", operationId);
    LOG.info("Force-stopped {} (run {}): no snapshot", application.get(), runId);
  }

  /** See {@link ManagedFlinkRuntime#stopWithSavepoint}. */
  void stopWithSavepoint(String runId, String triggerId) {
    Optional<String> found = runs.applicationOf(runId);
    if (found.isEmpty()) {
      return;
    }
    String application = found.get();
    Optional<ApplicationDetail> detail = reads.find(application);
    if (detail.isEmpty() || !runId.equals(runs.runOf(detail.get()))) {
      return;
    }
    ApplicationDetail app = detail.get();
    ApplicationStatus status = app.applicationStatus();
    if (status == ApplicationStatus.STOPPING
        || status == ApplicationStatus.FORCE_STOPPING
        || status == ApplicationStatus.READY
        || stopOperations.containsKey(triggerId)) {
      return;
    }
    if (ApplicationReads.requireSteady(app).applicationStatus() != ApplicationStatus.RUNNING) {
      return;
    }
    String pipeline = reads.pipelineOf(app);
    String operationId;
    try {
      // Never Force: the service takes the snapshot that the next start restores.
      operationId = applications.stop(application, false);
    } catch (ConcurrentModificationException | ResourceInUseException e) {
      throw new RuntimeUnavailableException(
          "Cannot stop " + application + " yet: " + e.getMessage(), e);
    }
    stopOperations.put(triggerId, operationId);
    tagStop(app, operationId);
    outcomes.track(application, pipeline, "StopApplication", operationId);
    events.record(
        pipeline,
        "APPLICATION_STOPPING",
        "StopApplication of " + application + " without Force (operation " + operationId + ")");
  }

  /** See {@link ManagedFlinkRuntime#savepoint}. */
  SavepointOutcome savepoint(String runId, String triggerId) {
    Optional<String> found = runs.applicationOf(runId);
    if (found.isEmpty()) {
      return SavepointOutcome.failed("The runtime knows no run " + runId + " any more");
    }
    String application = found.get();
    Optional<ApplicationDetail> detail = reads.find(application);
    if (detail.isEmpty()) {
      return SavepointOutcome.failed("Application " + application + " does not exist any more");
    }
    outcomes.report(application);
    Optional<String> operationId =
        Optional.ofNullable(stopOperations.get(triggerId))
            .or(
                () ->
                    reads.latestStop(
                        application, reads.runStart(application).orElse(Instant.EPOCH)));
    if (operationId.isEmpty()) {
      return SavepointOutcome.failed(
          "Application "
              + application
              + " has no StopApplication operation for stop "
              + triggerId
              + "; it is "
              + detail.get().applicationStatusAsString());
    }
    ApplicationOperationInfoDetails operation =
        applications.operation(application, operationId.get());
    switch (operation.operationStatus()) {
      case IN_PROGRESS:
        return SavepointOutcome.pending();
      case SUCCESSFUL:
        Optional<SnapshotDetails> snapshot =
            reads.newestSnapshot(application, operation.startTime());
        if (snapshot.isEmpty()) {
          return SavepointOutcome.failed(
              "Application " + application + " stopped without taking a snapshot");
        }
        String tagged =
            applications.tags(detail.get().applicationARN()).get(ManagedFlinkRuntime.STOP_TAG);
        if (!operationId.get().equals(tagged)) {
          // Tagged when the stop was made, unless that call failed after the stop.
          tagStop(detail.get(), operationId.get());
        }
        retention.prune(
            application,
            reads.pipelineOf(detail.get()),
            Optional.of(snapshot.get().snapshotName()));
        return SavepointOutcome.completed(snapshot.get().snapshotName());
      default:
        return SavepointOutcome.failed(
            "StopApplication of "
                + application
                + " "
                + operation.operationStatusAsString()
                + ApplicationStates.failureText(operation).map(text -> ": " + text).orElse(""));
    }
  }

  /** Records a StopApplication of Floe's own on the application. */
  private void tagStop(ApplicationDetail app, String value) {
    applications.tag(app.applicationARN(), ManagedFlinkRuntime.STOP_TAG, value);
  }
}
