package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RuntimeUnavailableException;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfo;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfoDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.OperationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotStatus;

/**
 * The reads that the runtime's steps share: an application's description and pipeline, when its run
 * started, the operation that left it as it is, and its snapshots.
 */
final class ApplicationReads {
  /** The statuses in which an application accepts a start, a stop, an update or a delete. */
  private static final Set<ApplicationStatus> STEADY =
      Set.of(ApplicationStatus.READY, ApplicationStatus.RUNNING, ApplicationStatus.ROLLED_BACK);

  private final ManagedFlinkApplications applications;
  private final String prefix;

  ApplicationReads(ManagedFlinkApplications applications, String prefix) {
    this.applications = requireNonNull(applications, "applications is null");
    this.prefix = requireNonNull(prefix, "prefix is null");
  }

  String applicationName(String pipeline) {
    return prefix + pipeline;
  }

  Optional<ApplicationDetail> find(String application) {
    return applications.describe(application);
  }

  /** The application, which must exist: unavailable (the caller comes back) when it does not. */
  ApplicationDetail describe(String application) {
    return find(application)
        .orElseThrow(
            () ->
                new RuntimeUnavailableException("Application " + application + " does not exist"));
  }

  static boolean steady(ApplicationDetail app) {
    return STEADY.contains(app.applicationStatus());
  }

  /**
   * The application, when it is READY, RUNNING or ROLLED_BACK; else unavailable: a step never waits
   * for a transition, the reconciler comes back on its next pass.
   */
  static ApplicationDetail requireSteady(ApplicationDetail app) {
    if (!steady(app)) {
      throw new RuntimeUnavailableException(
          "Application "
              + app.applicationName()
              + " is "
              + app.applicationStatusAsString()
              + "; waiting for a steady state");
    }
    return app;
  }

  String pipelineOf(ApplicationDetail app) {
    return applications
        .tags(app.applicationARN())
        .getOrDefault(
            ManagedFlinkRuntime.PIPELINE_TAG, app.applicationName().substring(prefix.length()));
  }

  /** When the application's latest StartApplication began: the start of the current run. */
  Optional<Instant> runStart(String application) {
    return applications.operations(application, Optional.of("StartApplication")).stream()
        .map(ApplicationOperationInfo::startTime)
        .filter(Objects::nonNull)
        .max(Comparator.naturalOrder());
  }

  /** The newest operation of the application that has finished: what left it as it is. */
  Optional<ApplicationOperationInfo> lastFinishedOperation(String application) {
    return applications.operations(application, Optional.empty()).stream()
        .filter(o -> o.operationStatus() != OperationStatus.IN_PROGRESS && o.startTime() != null)
        .max(Comparator.comparing(ApplicationOperationInfo::startTime));
  }

  /**
   * The newest StopApplication that began at or after {@code since} (the run's start): a stop of an
   * earlier run is not this run's savepoint.
   */
  Optional<String> latestStop(String application, Instant since) {
    return applications.operations(application, Optional.of("StopApplication")).stream()
        .filter(o -> o.startTime() != null && !o.startTime().isBefore(since))
        .max(Comparator.comparing(ApplicationOperationInfo::startTime))
        .map(ApplicationOperationInfo::operationId);
  }

  /** The newest READY snapshot created at or after {@code since}. */
  Optional<SnapshotDetails> newestSnapshot(String application, Instant since) {
    return applications.snapshots(application).stream()
        .filter(s -> s.snapshotStatus() == SnapshotStatus.READY)
        .filter(
            s ->
                s.snapshotCreationTimestamp() != null
                    && !s.snapshotCreationTimestamp().isBefore(since))
        .max(Comparator.comparing(SnapshotDetails::snapshotCreationTimestamp));
  }

  /** An operation as a pipeline event or failure names it, with its error if it failed. */
  String operationText(String application, ApplicationOperationInfo operation) {
    String text =
        operation.operation()
            + " "
            + operation.operationId()
            + " "
            + operation.operationStatusAsString()
            + (operation.endTime() == null ? "" : " at " + operation.endTime());
    if (operation.operationStatus() == OperationStatus.FAILED) {
      ApplicationOperationInfoDetails details =
          applications.operation(application, operation.operationId());
      return text + ApplicationStates.failureText(details).map(f -> ": " + f).orElse("");
    }
    return text;
  }
}
