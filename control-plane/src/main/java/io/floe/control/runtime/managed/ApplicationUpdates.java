package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RuntimeUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConcurrentModificationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException;

/**
 * UpdateApplication with the ConditionalToken of a fresh DescribeApplication, the update computed
 * from that description: re-read, recomputed and retried on ConcurrentModificationException or
 * ResourceInUse (bounded, with a short backoff); an application found in transition is not waited
 * for (unavailable: the caller comes back). The operation is tracked to its outcome.
 */
final class ApplicationUpdates {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationUpdates.class);
  private static final int MAX_ATTEMPTS = 6;

  private final ManagedFlinkApplications applications;
  private final ApplicationReads reads;
  private final OperationOutcomes outcomes;
  private final ManagedFlinkRuntime.ApplicationEvents events;
  private final ManagedFlinkRuntime.Sleeper sleeper;

  ApplicationUpdates(
      ManagedFlinkApplications applications,
      ApplicationReads reads,
      OperationOutcomes outcomes,
      ManagedFlinkRuntime.ApplicationEvents events,
      ManagedFlinkRuntime.Sleeper sleeper) {
    this.applications = requireNonNull(applications, "applications is null");
    this.reads = requireNonNull(reads, "reads is null");
    this.outcomes = requireNonNull(outcomes, "outcomes is null");
    this.events = requireNonNull(events, "events is null");
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
  }

  void update(
      String application,
      String pipeline,
      Function<ApplicationDetail, ApplicationConfigurationUpdate> change,
      Optional<ManagedFlinkApplications.Restore> restore,
      boolean allowNonRestoredState,
      String what) {
    for (int attempt = 1; ; attempt++) {
      ApplicationDetail current = ApplicationReads.requireSteady(reads.describe(application));
      try {
        ManagedFlinkApplications.Updated updated =
            applications.update(
                application,
                current.conditionalToken(),
                change.apply(current),
                restore,
                allowNonRestoredState);
        outcomes.track(application, pipeline, "UpdateApplication", updated.operationId());
        events.record(
            pipeline,
            "APPLICATION_UPDATING",
            "UpdateApplication of "
                + application
                + " to version "
                + updated.versionId()
                + " ("
                + what
                + ", operation "
                + updated.operationId()
                + ")");
        return;
      } catch (ConcurrentModificationException | ResourceInUseException e) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new RuntimeUnavailableException(
              "UpdateApplication of "
                  + application
                  + " still conflicts after "
                  + attempt
                  + " attempts: "
                  + e.getMessage(),
              e);
        }
        LOG.info(
            "UpdateApplication of {} met {} (attempt {}): re-reading and retrying",
            application,
            e.getClass().getSimpleName(),
            attempt);
        backoff(attempt);
      }
    }
  }

  private void backoff(int attempt) {
    long millis = Math.min(2_000, 100L << Math.min(attempt, 5));
    sleeper.sleep(Duration.ofMillis(millis / 2 + (long) (Math.random() * millis / 2)));
  }
}
