package io.floe.control.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.catalog.CommitHistory;
import io.floe.control.model.DesiredState;
import io.floe.control.model.HealthThresholds;
import io.floe.control.model.ObservedState;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.Recovery;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;
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
        Optional.empty(),
        Recovery.NONE,
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
            List.of(),
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
  void theTablesDeleteFilesAreReported() {
    CommitHistory upserted =
        new CommitHistory(
            commits(Duration.ofSeconds(2), 100, 0, 10, 10L << 20).commits(),
            10,
            10L << 20,
            512L * 1024 * 1024,
            0,
            new CommitHistory.Deletes(120, 3400, 15));
    PipelineHealth health = assess(Optional.of(upserted), Optional.of(0L));

    assertThat(health.commits().tableDeleteFiles()).isEqualTo(120);
    assertThat(health.commits().tableEqualityDeletes()).isEqualTo(3400);
    assertThat(health.commits().tablePositionDeletes()).isEqualTo(15);
    PipelineHealth appended =
        assess(Optional.of(commits(Duration.ofSeconds(2), 100, 0, 10, 10L << 20)), Optional.of(0L));
    assertThat(appended.commits().tableDeleteFiles()).isZero();
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
            .withState(ObservedState.FAILED, Optional.of("Run x ended CANCELED outside Floe"), NOW)
            .withRecovery(Recovery.haltedOutsideFloe(), NOW);
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

  /**
   * Lag readings every {@code everySeconds} up to now, oldest first, the k-th (from 0) reading
   * {@code records.applyAsLong(k)} messages.
   */
  private static List<HealthAssessor.LagSample> lagReadings(
      int count, double everySeconds, LongUnaryOperator records) {
    List<HealthAssessor.LagSample> samples = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      samples.add(
          new HealthAssessor.LagSample(
              NOW.minusMillis(Math.round((count - 1 - k) * everySeconds * 1000)),
              records.applyAsLong(k)));
    }
    return samples;
  }

  /**
   * The lag a loader that keeps up shows {@code phaseSeconds} after its last commit, at 50 messages
   * a second with checkpoints that take 0.8 s: the messages since the checkpoint's barrier.
   */
  private static long sawTooth(double phaseSeconds) {
    return Math.round(50 * (phaseSeconds % 5.0 + 0.8));
  }

  private static PipelineHealth assessLag(
      List<HealthAssessor.LagSample> samples, HealthThresholds thresholds) {
    return HealthAssessor.assess(
        new HealthAssessor.Inputs(
            "p",
            DesiredState.RUNNING,
            running(),
            // 50 messages a second: a commit of 250 every 5 s.
            Optional.of(commits(Duration.ofSeconds(1), 250, 0, 10, 10L << 20)),
            Optional.empty(),
            Optional.of(samples.get(samples.size() - 1).records()),
            samples,
            Optional.of(run(RunState.RUNNING, 0)),
            0,
            Optional.empty(),
            thresholds,
            NOW));
  }

  @Test
  void theLagBetweenTwoCommitsIsNotGrowthHoweverTheChecksFallOnIt() {
    // A check every 10.2 s against a commit every 5 s: each check falls 0.2 s later after the last
    // commit than the one before, so the readings rise 25 times in a row (what the old rule, four
    // rising readings, called growing) while the loader keeps up.
    List<HealthAssessor.LagSample> samples =
        lagReadings(30, 10.2, k -> sawTooth(Math.floorMod(k - 5, 25) * 0.2));
    assertThat(samples.subList(5, 30))
        .isSortedAccordingTo(
            (a, b) -> Long.compare(a.records(), b.records())); // rising 25 times in a row

    PipelineHealth health = assessLag(samples, THRESHOLDS);

    assertThat(health.status()).as(health.reasons().toString()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(health.lag().growing()).isFalse();
    assertThat(health.lag().records()).isEqualTo(sawTooth(4.8));
  }

  @Test
  void theLagOfAFewChecksBetweenCommitsIsNotGrowthEither() {
    // Checks every second (as in the integration tests) through three saw-teeth.
    List<HealthAssessor.LagSample> samples = lagReadings(60, 1, k -> sawTooth(k % 5));

    assertThat(assessLag(samples, THRESHOLDS).lag().growing()).isFalse();
  }

  @Test
  void lagThatGrowsAcrossSeveralCommitIntervalsIsDegraded() {
    // 60 messages a second arrive, the loader commits 50: 100 more behind every 10 s, under the
    // same saw-tooth.
    List<HealthAssessor.LagSample> samples =
        lagReadings(30, 10, k -> 100 * k + sawTooth((k * 3.3) % 5));

    PipelineHealth health = assessLag(samples, THRESHOLDS);

    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(health.lag().growing()).isTrue();
    assertThat(health.reasons())
        .containsExactly("lag growing: " + samples.get(29).records() + " messages behind");
  }

  @Test
  void aSteadyBacklogIsNotGrowing() {
    // Far behind, but no further behind than five minutes ago.
    List<HealthAssessor.LagSample> samples =
        lagReadings(30, 10.2, k -> 20_000 + sawTooth(Math.floorMod(k - 5, 25) * 0.2));

    assertThat(assessLag(samples, THRESHOLDS).lag().growing()).isFalse();
  }

  @Test
  void aBacklogBeingDrainedIsNotGrowing() {
    // A burst of 5,000 messages arrived and the loader works it off.
    List<HealthAssessor.LagSample> samples =
        lagReadings(
            30,
            10,
            k -> k < 26 ? sawTooth(k * 0.2) + (k >= 24 ? 5_000 : 0) : 4_000 - 800 * (k - 26));

    assertThat(assessLag(samples, THRESHOLDS).lag().growing()).isFalse();
  }

  @Test
  void lagIsNotJudgedBeforeTheLoaderCommittedTwiceOrWithoutEarlierReadings() {
    List<HealthAssessor.LagSample> rising = lagReadings(30, 10, k -> 1_000 * (k + 1));

    assertThat(HealthAssessor.lagGrowing(rising, OptionalDouble.empty(), Duration.ofSeconds(5), 3))
        .as("no rate: fewer than two commits in the window")
        .isFalse();
    assertThat(
            HealthAssessor.lagGrowing(
                rising.subList(28, 30), OptionalDouble.of(50), Duration.ofSeconds(5), 3))
        .as("two readings, nothing earlier to compare with")
        .isFalse();
    assertThat(HealthAssessor.lagGrowing(rising, OptionalDouble.of(50), Duration.ofSeconds(5), 3))
        .isTrue();
  }

  @Test
  void lagMustGrowAcrossSeveralCommitIntervals() {
    // Readings every second, flat for four minutes, then rising for the last 10 s only: less than
    // the three commit intervals of 5 s that growth must last.
    List<HealthAssessor.LagSample> samples =
        lagReadings(250, 1, k -> k < 240 ? 100 : 100 + 200L * (k - 239));
    Duration interval = Duration.ofSeconds(5);

    assertThat(HealthAssessor.lagGrowing(samples, OptionalDouble.of(50), interval, 3)).isFalse();
    assertThat(
            HealthAssessor.lagGrowing(
                lagReadings(260, 1, k -> k < 240 ? 100 : 100 + 200L * (k - 239)),
                OptionalDouble.of(50),
                interval,
                3))
        .as("rising for 20 s")
        .isTrue();
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
            new io.floe.control.model.PipelineSpec.Health(null, null, 0.02, null, null),
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
                List.of(),
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
    assertThat(failed.status())
        .as("a failed run is recovered by the reconciler")
        .isEqualTo(HealthStatus.DEGRADED);
    assertThat(failed.reasons())
        .containsExactly(
            "recovering: Run " + RUN + " ended FAILED: java.io.IOException: disk full");
  }

  @Test
  void aPipelineBeingRecoveredIsDegradedUntilItsAttemptsKeepFailing() {
    Optional<CommitHistory> history = Optional.of(commits(Duration.ofSeconds(1), 1, 0, 1, 1));
    String gone = "Run " + RUN + " is gone from the runtime (its JobManager or cluster was lost)";
    PipelineStatus waiting =
        running()
            .withState(ObservedState.FAILED, Optional.of(gone), NOW)
            .withRecovery(new Recovery(1, Optional.of(NOW.plusSeconds(10)), false), NOW);
    PipelineHealth between =
        assess(waiting, history, Optional.of(0L), null, 0, Optional.empty(), DesiredState.RUNNING);
    assertThat(between.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(between.reasons())
        .containsExactly(
            "recovering (attempt 1): " + gone + "; next attempt at " + NOW.plusSeconds(10));

    PipelineHealth starting =
        assess(
            waiting.withState(ObservedState.RESTARTING, Optional.of(gone), NOW),
            history,
            Optional.of(0L),
            run(RunState.STARTING, 0),
            0,
            Optional.empty(),
            DesiredState.RUNNING);
    assertThat(starting.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(starting.reasons().get(0)).isEqualTo("recovering (attempt 1): " + gone);

    PipelineHealth loop =
        assess(
            waiting.withRecovery(new Recovery(3, Optional.of(NOW.plusSeconds(40)), false), NOW),
            history,
            Optional.of(0L),
            null,
            0,
            Optional.empty(),
            DesiredState.RUNNING);
    assertThat(loop.status()).isEqualTo(HealthStatus.FAILING);
    assertThat(loop.reasons().get(0))
        .isEqualTo("recovering in a loop: 3 attempts, the last ended: " + gone);

    PipelineHealth unknownForAMoment =
        assess(
            running(), history, Optional.of(0L), null, 0, Optional.empty(), DesiredState.RUNNING);
    assertThat(unknownForAMoment.status())
        .as("not FAILING while the reconciler waits to be sure the run is gone")
        .isEqualTo(HealthStatus.DEGRADED);
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
