package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfoDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.OperationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;

/**
 * The operations Floe made (and the rollbacks they caused) whose outcome is still to be reported:
 * each is polled until it finishes and then becomes one pipeline event; a failed one is what an
 * application in trouble is observed to suffer from.
 */
final class OperationOutcomes {
  /** An operation whose outcome is still to be reported. */
  private record Tracked(String application, String pipeline, String operation, String id) {}

  /** An operation that finished, as the event that reports it says. */
  record Outcome(String pipeline, String type, String message) {}

  private final ManagedFlinkApplications applications;
  private final ManagedFlinkRuntime.ApplicationEvents events;
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final Map<String, String> lastFailures = new ConcurrentHashMap<>();

  OperationOutcomes(
      ManagedFlinkApplications applications, ManagedFlinkRuntime.ApplicationEvents events) {
    this.applications = requireNonNull(applications, "applications is null");
    this.events = requireNonNull(events, "events is null");
  }

  void track(String application, String pipeline, String operation, String id) {
    if (id != null) {
      tracked.put(id, new Tracked(application, pipeline, operation, id));
    }
  }

  /** The application's latest failed operation, while no later one succeeded. */
  Optional<String> lastFailure(String application) {
    return Optional.ofNullable(lastFailures.get(application));
  }

  /** Reports each finished operation of the application as a pipeline event. */
  void report(String application) {
    finished(application).forEach(o -> events.record(o.pipeline(), o.type(), o.message()));
  }

  /**
   * Polls the application's tracked operations and takes those that finished (tracking the
   * rollbacks they started).
   */
  List<Outcome> finished(String application) {
    List<Outcome> outcomes = new ArrayList<>();
    for (Tracked operation : List.copyOf(tracked.values())) {
      if (!operation.application().equals(application)) {
        continue;
      }
      ApplicationOperationInfoDetails details;
      try {
        details = applications.operation(application, operation.id());
      } catch (ResourceNotFoundException e) {
        tracked.remove(operation.id());
        continue;
      }
      if (details.operationStatus() == OperationStatus.IN_PROGRESS) {
        continue;
      }
      tracked.remove(operation.id());
      outcomes.add(outcome(operation, details));
    }
    return outcomes;
  }

  private Outcome outcome(Tracked operation, ApplicationOperationInfoDetails details) {
    String application = operation.application();
    Optional<String> failure = ApplicationStates.failureText(details);
    String rollbackId =
        details.operationFailureDetails() == null
            ? null
            : details.operationFailureDetails().rollbackOperationId();
    String rollback = rollbackId == null ? "" : "; rolled back by operation " + rollbackId;
    if (rollbackId != null) {
      track(application, operation.pipeline(), "RollbackApplication", rollbackId);
    }
    boolean succeeded = details.operationStatus() == OperationStatus.SUCCESSFUL;
    if (succeeded) {
      lastFailures.remove(application);
    } else {
      lastFailures.put(
          application,
          operation.operation()
              + " "
              + details.operationStatusAsString()
              + failure.map(f -> ": " + f).orElse(""));
    }
    String version =
        details.applicationVersionChangeDetails() == null
            ? ""
            : " (version "
                + details.applicationVersionChangeDetails().applicationVersionUpdatedFrom()
                + " -> "
                + details.applicationVersionChangeDetails().applicationVersionUpdatedTo()
                + ")";
    return new Outcome(
        operation.pipeline(),
        succeeded ? "APPLICATION_OPERATION_SUCCEEDED" : "APPLICATION_OPERATION_FAILED",
        operation.operation()
            + " "
            + operation.id()
            + " of "
            + application
            + " "
            + details.operationStatusAsString()
            + version
            + failure.map(f -> ": " + f).orElse("")
            + rollback);
  }
}
