package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RunRejectedException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConcurrentModificationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotStatus;

/** Keeps an application's newest {@code snapshots-to-keep} snapshots and deletes the older ones. */
final class SnapshotRetention {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRetention.class);

  private final ManagedFlinkApplications applications;
  private final int snapshotsToKeep;
  private final ManagedFlinkRuntime.ApplicationEvents events;

  SnapshotRetention(
      ManagedFlinkApplications applications,
      int snapshotsToKeep,
      ManagedFlinkRuntime.ApplicationEvents events) {
    this.applications = requireNonNull(applications, "applications is null");
    this.snapshotsToKeep = snapshotsToKeep;
    this.events = requireNonNull(events, "events is null");
  }

  /** Deletes the snapshots beyond the newest N (never the one to restore), with an event. */
  void prune(String application, String pipeline, Optional<String> keep) {
    List<SnapshotDetails> ready =
        applications.snapshots(application).stream()
            .filter(s -> s.snapshotStatus() != SnapshotStatus.CREATING)
            .sorted(Comparator.comparing(SnapshotDetails::snapshotCreationTimestamp).reversed())
            .toList();
    List<String> deleted = new ArrayList<>();
    for (int i = snapshotsToKeep; i < ready.size(); i++) {
      SnapshotDetails old = ready.get(i);
      if (keep.filter(old.snapshotName()::equals).isPresent()) {
        continue;
      }
      try {
        applications.deleteSnapshot(
            application, old.snapshotName(), old.snapshotCreationTimestamp());
        deleted.add(old.snapshotName());
      } catch (ResourceNotFoundException e) {
        // deleted meanwhile
      } catch (ResourceInUseException | ConcurrentModificationException | RunRejectedException e) {
        LOG.info(
            "Cannot delete snapshot {} of {} now: {}",
            old.snapshotName(),
            application,
            e.getMessage());
      }
    }
    if (!deleted.isEmpty()) {
      events.record(
          pipeline,
          "SNAPSHOTS_DELETED",
          "Deleted "
              + deleted.size()
              + " snapshot(s) of "
              + application
              + " beyond the newest "
              + snapshotsToKeep
              + ": "
              + deleted);
    }
  }
}
