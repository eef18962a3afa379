package io.floe.control.runtime.managed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotStatus;

/**
 * The rule that a run resumes only from state at least as new as what its pipeline committed, on
 * the times the service and the table report (a stop's savepoint commits after its snapshot's
 * creation, during the stop).
 */
class RestorePointsTest {
  private static final Instant RUN_START = Instant.parse("2026-12-01T10:00:00Z");

  /** The stop that ended the run, taking the snapshot "stop" at 12:00:10. */
  private static final RestorePoints.Ending STOP =
      new RestorePoints.Ending("StopApplication", "stop-1", at("12:00:00"), at("12:00:30"));

  /** A forced stop that ended the run: no snapshot. */
  private static final RestorePoints.Ending FORCED =
      new RestorePoints.Ending("ForceStopApplication", "stop-2", at("12:00:00"), at("12:00:05"));

  @Test
  void theStopsSnapshotRestoresAlthoughItsOwnCommitCameAfterItsCreation() {
    SnapshotDetails stop = snapshot("stop", at("12:00:10"));
    Optional<Instant> ownCommit = Optional.of(at("12:00:12"));

    assertThat(names(RestorePoints.ofRun(List.of(stop), start(), Optional.of(STOP), ownCommit)))
        .containsExactly("stop");
  }

  @Test
  void theStopsSnapshotDoesNotRestoreOnceSomethingCommittedAfterTheStop() {
    SnapshotDetails stop = snapshot("stop", at("12:00:10"));

    assertThat(
            RestorePoints.ofRun(
                List.of(stop), start(), Optional.of(STOP), Optional.of(at("12:05:00"))))
        .isEmpty();
  }

  @Test
  void afterAForcedStopOnlyASnapshotNewerThanEveryCommitRestores() {
    SnapshotDetails update = snapshot("update", at("11:00:00"));
    SnapshotDetails manual = snapshot("manual", at("11:30:00"));
    List<SnapshotDetails> both = List.of(update, manual);

    assertThat(names(RestorePoints.ofRun(both, start(), Optional.of(FORCED), commit("11:15:00"))))
        .containsExactly("manual");
    assertThat(RestorePoints.ofRun(both, start(), Optional.of(FORCED), commit("11:45:00")))
        .isEmpty();
    assertThat(names(RestorePoints.ofRun(both, start(), Optional.of(FORCED), Optional.empty())))
        .as("a pipeline that committed nothing: every snapshot of the run, newest first")
        .containsExactly("manual", "update");
  }

  @Test
  void snapshotsFromBeforeTheRunOrNotReadyNeverRestoreIt() {
    SnapshotDetails before = snapshot("before", at("09:59:59"));
    SnapshotDetails creating =
        SnapshotDetails.builder()
            .snapshotName("creating")
            .snapshotStatus(SnapshotStatus.CREATING)
            .snapshotCreationTimestamp(at("12:00:10"))
            .build();

    assertThat(
            RestorePoints.ofRun(
                List.of(before, creating), start(), Optional.of(STOP), Optional.empty()))
        .isEmpty();
    assertThat(
            RestorePoints.ofRun(
                List.of(snapshot("any", at("12:00:10"))),
                Optional.empty(),
                Optional.of(STOP),
                Optional.empty()))
        .as("a run without a StartApplication took no snapshot")
        .isEmpty();
  }

  @Test
  void thePointARunStartedFromHoldsOnlyWhileNothingWasCommittedSinceItsStart() {
    assertThat(RestorePoints.startPointHolds(start(), commit("09:00:00"))).isTrue();
    assertThat(RestorePoints.startPointHolds(start(), Optional.empty())).isTrue();
    assertThat(RestorePoints.startPointHolds(Optional.empty(), commit("11:00:00")))
        .as("the run never started")
        .isTrue();
    assertThat(RestorePoints.startPointHolds(start(), commit("10:00:00"))).isFalse();
    assertThat(RestorePoints.startPointHolds(start(), commit("10:30:00"))).isFalse();
  }

  private static Optional<Instant> start() {
    return Optional.of(RUN_START);
  }

  private static Optional<Instant> commit(String time) {
    return Optional.of(at(time));
  }

  private static Instant at(String time) {
    return Instant.parse("2026-12-01T" + time + "Z");
  }

  private static SnapshotDetails snapshot(String name, Instant created) {
    return SnapshotDetails.builder()
        .snapshotName(name)
        .snapshotStatus(SnapshotStatus.READY)
        .snapshotCreationTimestamp(created)
        .build();
  }

  private static List<String> names(List<SnapshotDetails> snapshots) {
    return snapshots.stream().map(SnapshotDetails::snapshotName).toList();
  }
}
