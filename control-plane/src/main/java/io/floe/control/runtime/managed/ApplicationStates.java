package io.floe.control.runtime.managed;

import io.floe.control.runtime.RunState;
import java.util.Optional;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfoDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;

/**
 * Floe's run state of an application status. RUNNING says the application runs, not that its job is
 * healthy (the job may be in a restart loop): health adds the metrics. READY and ROLLED_BACK (a
 * status the documentation lists without its transitions) are steady statuses in which nothing
 * runs.
 */
final class ApplicationStates {
  private ApplicationStates() {}

  static RunState runState(ApplicationStatus status) {
    if (status == null) {
      throw new io.floe.control.runtime.RuntimeUnavailableException(
          "Managed Flink reports an application status unknown to this SDK");
    }
    switch (status) {
      case RUNNING:
        return RunState.RUNNING;
      case STARTING:
      case UPDATING:
      case AUTOSCALING:
      case MAINTENANCE:
        // The job restarts (new configuration, new parallelism, patches): not running every task.
        return RunState.STARTING;
      case ROLLING_BACK:
        // An update failed and the service restores the previous version.
        return RunState.RESTARTING;
      case STOPPING:
      case FORCE_STOPPING:
      case DELETING:
        return RunState.STOPPING;
      case READY:
      case ROLLED_BACK:
        // Not running. FAILED, so that the reconciler recovers the pipeline while it should run,
        // unless the runtime knows the stop was Floe's own (ManagedFlinkRuntime observes that as
        // STOPPED): no status tells a console stop from a failed start or update.
        return RunState.FAILED;
      default:
        throw new io.floe.control.runtime.RuntimeUnavailableException(
            "Managed Flink reports application status " + status + ", unknown to Floe");
    }
  }

  /**
   * Statuses in which the application runs nothing and accepts a start (or an update, a delete).
   */
  static boolean stopped(ApplicationStatus status) {
    return status == ApplicationStatus.READY || status == ApplicationStatus.ROLLED_BACK;
  }

  /** The error of a failed operation, if the service gave one. */
  static Optional<String> failureText(ApplicationOperationInfoDetails operation) {
    if (operation.operationFailureDetails() == null
        || operation.operationFailureDetails().errorInfo() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(operation.operationFailureDetails().errorInfo().errorString());
  }
}
