package io.floe.control.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.pipeline.DesiredState;
import io.floe.control.pipeline.ObservedState;
import io.floe.control.pipeline.PipelineStatus;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HealthAssessorTest {
  private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
  private static final String RUN = "0123456789abcdef0123456789abcdef";
  private static final HealthThresholds THRESHOLDS =
      HealthThresholds.of(null, Duration.ofSeconds(5));

  /**
   * Commits every 5 s up to {@code lastAgo} before now, each with these records and dead letters.
   */
  private static CommitHistory commits(
      Duration lastAgo, long records, long deadLettered, long files, long bytes) {
    List<CommitHistory.Commit> commits = new ArrayList<>();
    for (int i = 20; i >= 0; i--) {
      Instant at = NOW.minus(lastAgo).minusSeconds(5L * i);
      commits.add(
          new CommitHistory.Commit(
              at,
              RUN,
              records,
              deadLettered,
              0,
              1,
              1024,
              Optional.of(0),
              at.minusMillis(800).toEpochMilli()));
    }
    return new CommitHistory(commits, files, bytes, 512L * 1024 * 1024, 0);
  }

  private static PipelineStatus running() {
    return new PipelineStatus(
        "p",
        ObservedState.RUNNING,
        Optional.of(RUN),
        Optional.of(1),
        Optional.of(1L),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        NOW.minusSeconds(600));
  }

  private static RunObservation run(RunState state, long restarts) {
    return new RunObservation(
        RUN,
        state,
        state.name(),
        1,
        java.util.OptionalLong.of(restarts),
        Optional.empty(),
        state == RunState.RESTARTING
            ? Optional.of("java.lang.IllegalStateException: boom")
            : Optional.empty(),
        10,
        java.util.OptionalLong.of(0));
  }

  private static PipelineHealth assess(
      PipelineStatus status,
      Optional<CommitHistory> history,
      Optional<Long> lag,
      RunObservation run,
      long restartsInWindow,
      Optional<String> restartNeeded,
      DesiredState desired) {
    return HealthAssessor.assess(
        new HealthAssessor.Inputs(
            "p",
            desired,
            status,
            history,
            history.isEmpty() ? Optional.of("connection refused") : Optional.empty(),
            lag,
            false,
            Optional.ofNullable(run),
            restartsInWindow,
            restartNeeded,
            THRESHOLDS,
            NOW));
  }

  private static PipelineHealth assess(Optional<CommitHistory> history, Optional<Long> lag) {
    return assess(
        running(),
        history,
        lag,
        run(RunState.RUNNING, 0),
        0,
        Optional.empty(),
        DesiredState.RUNNING);
  }

  @Test
  void onTimeCommitsAreHealthyWithTheirFigures() {
    PipelineHealth health =
        assess(
            Optional.of(commits(Duration.ofSeconds(2), 100, 0, 10, 10L << 20)), Optional.of(40L));

    assertThat(health.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(health.commits().freshnessSeconds()).isEqualTo(2);
    assertThat(health.commits().recordsPerMinute()).isEqualTo(1200.0);
    assertThat(health.commits().secondsBetweenCommits()).isEqualTo(5.0);
    assertThat(health.commits().commitsInWindow()).isEqualTo(21);
    assertThat(health.commits().averageFileBytes()).isEqualTo(1024);
    assertThat(health.lag().records()).isEqualTo(40);
    assertThat(health.lag().seconds()).isEqualTo(2);
  }

  @Test
  void lateCommitsWhileDataWaitsAreDegradedThenFailing() {
    assertThat(
            assess(
                    Optional.of(commits(Duration.ofSeconds(16), 100, 0, 10, 10L << 20)),
                    Optional.of(500L))
                .status())
        .isEqualTo(HealthStatus.DEGRADED);
    PipelineHealth failing =
        assess(
            Optional.of(commits(Duration.ofSeconds(51), 100, 0, 10, 10L << 20)), Optional.of(500L));
    assertThat(failing.status()).isEqualTo(HealthStatus.FAILING);
    assertThat(failing.reasons().get(0))
        .startsWith("no commit for 51 s (10 flush intervals) while 500 messages wait");
  }

  @Test
  void noCommitsWithoutDataIsHealthy() {
    assertThat(
            assess(
                    Optional.of(commits(Duration.ofMinutes(30), 100, 0, 10, 10L << 20)),
                    Optional.of(0L))
                .status())
        .isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void deadLettersAboveTheirShareAreDegraded() {
    PipelineHealth health =
        assess(Optional.of(commits(Duration.ofSeconds(1), 95, 5, 10, 10L << 20)), Optional.of(0L));
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(health.commits().deadLetteredPerMinute()).isEqualTo(60.0);
    assertThat(health.reasons())
        .anySatisfy(
            r ->
                assertThat(r)
                    .isEqualTo("dead letters: 5% of messages (60.0 per minute), above 1%"));
  }

  @Test
  void smallFilesAccumulatingAreDegraded() {
    PipelineHealth health =
        assess(
            Optional.of(commits(Duration.ofSeconds(1), 100, 0, 500, 500L * 1024 * 1024)),
            Optional.of(0L));
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(health.reasons())
        .anySatisfy(
            r -> assertThat(r).startsWith("small files accumulating: 500 files of 1024 KiB"));
  }

  @Test
  void aLostRunOrARestartLoopIsFailingEvenWhenRunning() {
    PipelineStatus failed =
        running()
            .withState(ObservedState.FAILED, Optional.of("Run x ended CANCELED outside Floe"), NOW);
    PipelineHealth lost =
        assess(
            failed,
            Optional.of(commits(Duration.ofSeconds(1), 1, 0, 1, 1)),
            Optional.of(0L),
            null,
            0,
            Optional.empty(),
            DesiredState.RUNNING);
    assertThat(lost.status()).isEqualTo(HealthStatus.FAILING);
    assertThat(lost.reasons()).contains("Run x ended CANCELED outside Floe");

    PipelineHealth loop =
        assess(
            running(),
            Optional.of(commits(Duration.ofSeconds(1), 1, 0, 1, 1)),
            Optional.of(0L),
            run(RunState.RUNNING, 7),
            3,
            Optional.empty(),
            DesiredState.RUNNING);
    assertThat(loop.status()).isEqualTo(HealthStatus.FAILING);
    assertThat(loop.reasons().get(0)).startsWith("restarting in a loop: 3 restarts");

    PipelineHealth once =
        assess(
            running(),
            Optional.of(commits(Duration.ofSeconds(1), 1, 0, 1, 1)),
            Optional.of(0L),
            run(RunState.RESTARTING, 1),
            1,
            Optional.empty(),
            DesiredState.RUNNING);
    assertThat(once.status()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void anUnreadableCatalogIsUnknownNotFailing() {
    PipelineHealth health = assess(Optional.empty(), Optional.of(10L));
    assertThat(health.status()).isEqualTo(HealthStatus.UNKNOWN);
    assertThat(health.reasons().get(0)).isEqualTo("cannot read the table: connection refused");
  }

  @Test
  void stoppedOnRequestIsStopped() {
    PipelineHealth health =
        assess(
            running(),
            Optional.of(commits(Duration.ofHours(1), 1, 0, 1, 1)),
            Optional.of(99L),
            null,
            0,
            Optional.empty(),
            DesiredState.STOPPED);
    assertThat(health.status()).isEqualTo(HealthStatus.STOPPED);
  }

  @Test
  void aSchemaChangeAwaitingARestartIsDegraded() {
    PipelineHealth health =
        assess(
            running(),
            Optional.of(commits(Duration.ofSeconds(1), 1, 0, 1, 1)),
            Optional.of(0L),
            run(RunState.RUNNING, 0),
            0,
            Optional.of("restart needed: the table's schema is now 1, the loader writes with 0"),
            DesiredState.RUNNING);
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(health.reasons())
        .containsExactly("restart needed: the table's schema is now 1, the loader writes with 0");
  }

  @Test
  void theDeadLetterThresholdIsThePipelinesOwn() {
    // 1 message in 96 dead-lettered: 1.04 %.
    Optional<CommitHistory> history =
        Optional.of(commits(Duration.ofSeconds(1), 95, 1, 10, 10L << 20));

    PipelineHealth byDefault = assess(history, Optional.of(0L));
    assertThat(byDefault.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(byDefault.reasons())
        .containsExactly("dead letters: 1.04% of messages (12.0 per minute), above 1%");

    HealthThresholds ownShare =
        HealthThresholds.of(
            new io.floe.control.pipeline.PipelineSpec.Health(null, null, 0.02, null, null),
            Duration.ofSeconds(5));
    PipelineHealth own =
        HealthAssessor.assess(
            new HealthAssessor.Inputs(
                "p",
                DesiredState.RUNNING,
                running(),
                history,
                Optional.empty(),
                Optional.of(0L),
                false,
                Optional.of(run(RunState.RUNNING, 0)),
                0,
                Optional.empty(),
                ownShare,
                NOW));
    assertThat(own.status()).as(own.reasons().toString()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(own.commits().deadLetterRatio()).isBetween(0.0104, 0.0105);
  }

  private static RunObservation ended(RunState state, String runtimeState, Optional<String> why) {
    return new RunObservation(
        RUN,
        state,
        runtimeState,
        1,
        OptionalLong.of(0),
        Optional.empty(),
        why,
        10,
        OptionalLong.of(0));
  }

  @Test
  void aRunThatEndedOutsideFloeReadsTheSameWhicheverObservesItFirst() {
    Optional<CommitHistory> history = Optional.of(commits(Duration.ofSeconds(1), 1, 0, 1, 1));
    RunObservation cancelled = ended(RunState.STOPPED, "CANCELED", Optional.empty());
    // What the reconciler writes into the status when it sees the run ended (Reconciler.observe).
    String reconcilers = "Run " + RUN + " ended CANCELED outside Floe";

    PipelineHealth monitorFirst =
        assess(
            running(),
            history,
            Optional.of(0L),
            cancelled,
            0,
            Optional.empty(),
            DesiredState.RUNNING);
    PipelineHealth reconcilerFirst =
        assess(
            running().withState(ObservedState.FAILED, Optional.of(reconcilers), NOW),
            history,
            Optional.of(0L),
            cancelled,
            0,
            Optional.empty(),
            DesiredState.RUNNING);

    assertThat(monitorFirst.status()).isEqualTo(HealthStatus.FAILING);
    assertThat(reconcilerFirst.status()).isEqualTo(HealthStatus.FAILING);
    assertThat(monitorFirst.reasons()).containsExactly(reconcilers);
    assertThat(reconcilerFirst.reasons()).containsExactly(reconcilers);

    PipelineHealth failed =
        assess(
            running(),
            history,
            Optional.of(0L),
            ended(RunState.FAILED, "FAILED", Optional.of("java.io.IOException: disk full")),
            0,
            Optional.empty(),
            DesiredState.RUNNING);
    assertThat(failed.reasons())
        .containsExactly("Run " + RUN + " ended FAILED: java.io.IOException: disk full");
  }

  @Test
  void aRunThatFloeStoppedIsNoFailure() {
    PipelineHealth restarting =
        assess(
            running().withState(ObservedState.STOPPING, Optional.empty(), NOW),
            Optional.of(commits(Duration.ofSeconds(1), 1, 0, 1, 1)),
            Optional.of(0L),
            ended(RunState.STOPPED, "FINISHED", Optional.empty()),
            0,
            Optional.empty(),
            DesiredState.RUNNING);

    assertThat(restarting.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(restarting.reasons()).containsExactly("the loader is stopping");
  }
}
