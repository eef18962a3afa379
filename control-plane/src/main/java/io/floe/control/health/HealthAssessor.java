package io.floe.control.health;

import io.floe.control.catalog.CommitHistory;
import io.floe.control.model.DesiredState;
import io.floe.control.model.HealthThresholds;
import io.floe.control.model.ObservedState;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.Recovery;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Judges a pipeline's health from what the table, Kafka and the runtime say. A pure function of its
 * inputs, so every rule is tested without clocks or clusters:
 *
 * <ul>
 *   <li>STOPPED when the user stopped it;
 *   <li>FAILING when the run is gone or ended without Floe stopping it, restarts in a loop, or no
 *       commit arrived for {@code failingAfterIntervals} flush intervals while messages wait;
 *   <li>DEGRADED when commits are late, lag grows across several commit intervals (see {@link
 *       #lagGrowing}), dead letters exceed the pipeline's share, the table's files stay small, the
 *       run restarts, or a schema change awaits a restart;
 *   <li>UNKNOWN when the catalog cannot be read and nothing else says FAILING;
 *   <li>HEALTHY otherwise.
 * </ul>
 *
 * Freshness comes from the table, never from the runtime's metrics (which restart at zero).
 */
final class HealthAssessor {
  private HealthAssessor() {}

  /**
   * What the monitor knows when it judges one pipeline.
   *
   * @param lagRecords the lag read now, if Kafka answered
   * @param lagSamples the lag readings of the window, oldest first, this one included
   */
  record Inputs(
      String pipeline,
      DesiredState desired,
      PipelineStatus status,
      Optional<CommitHistory> history,
      Optional<String> historyProblem,
      Optional<Long> lagRecords,
      List<LagSample> lagSamples,
      Optional<RunObservation> run,
      long restartsInWindow,
      Optional<String> restartNeeded,
      HealthThresholds thresholds,
      Instant now) {
    Inputs {
      lagSamples = List.copyOf(lagSamples);
    }
  }

  /** One reading of the consumer group's lag, as the monitor took it. */
  record LagSample(Instant at, long records) {}

  static PipelineHealth assess(Inputs in) {
    HealthThresholds t = in.thresholds();
    List<String> failing = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    PipelineHealth.Commits commits = commitFigures(in);
    Long lagSeconds = null;
    if (in.lagRecords().isPresent() && in.lagRecords().get() == 0) {
      lagSeconds = 0L;
    } else if (in.lagRecords().isPresent()) {
      Optional<CommitHistory.Commit> last = in.history().flatMap(CommitHistory::last);
      if (last.isPresent() && last.get().maxRecordTimestamp() > 0) {
        lagSeconds =
            Math.max(
                0,
                Duration.between(Instant.ofEpochMilli(last.get().maxRecordTimestamp()), in.now())
                    .toSeconds());
      }
    }
    boolean waiting = in.lagRecords().map(records -> records > 0).orElse(false);
    Duration commitInterval = commitInterval(t, commits);
    boolean lagGrowing =
        waiting
            && lagGrowing(
                in.lagSamples(),
                messagesPerSecond(windowCommits(in), commitInterval),
                commitInterval,
                HealthThresholds.LAG_GROWTH_INTERVALS);
    PipelineHealth.Lag lag =
        new PipelineHealth.Lag(in.lagRecords().orElse(null), lagSeconds, lagGrowing);
    PipelineHealth.Runtime runtime =
        in.run()
            .map(
                r ->
                    new PipelineHealth.Runtime(
                        r.runtimeState(),
                        boxed(r.restarts()),
                        r.restarts().isPresent() ? in.restartsInWindow() : null,
                        boxed(r.failedCheckpoints()),
                        r.failure().orElse(null)))
            .orElse(new PipelineHealth.Runtime(null, null, null, null, null));

    if (in.desired() == DesiredState.STOPPED) {
      return new PipelineHealth(
          in.pipeline(),
          HealthStatus.STOPPED,
          List.of("stopped on request"),
          in.now(),
          commits,
          lag,
          runtime);
    }

    ObservedState observed = in.status().observedState();
    boolean stoppedByFloe = observed == ObservedState.STOPPING || observed == ObservedState.STOPPED;
    Optional<RunObservation> ended =
        in.run()
            .filter(
                r ->
                    r.state() == RunState.FAILED
                        || (r.state() == RunState.STOPPED && !stoppedByFloe));
    Recovery recovery = in.status().recovery();
    Optional<String> endedReason =
        in.status()
            .lastError()
            .filter(
                error ->
                    observed == ObservedState.FAILED
                        || (observed == ObservedState.RESTARTING && recovery.attempts() > 0))
            .or(() -> ended.map(HealthAssessor::endedOutsideFloe));
    boolean cancelledOutside =
        recovery.halted() || ended.filter(r -> r.state() == RunState.STOPPED).isPresent();
    boolean recovering =
        !cancelledOutside
            && (observed == ObservedState.FAILED
                || ended.isPresent()
                || (observed == ObservedState.RESTARTING && recovery.attempts() > 0));
    if (recovering && recovery.attempts() >= t.restartLoop()) {
      failing.add(
          "recovering in a loop: "
              + recovery.attempts()
              + " attempts"
              + endedReason.map(e -> ", the last ended: " + e).orElse(""));
    } else if (recovering) {
      // The reconciler brings the run back on its own: degraded, not failing, while it does.
      degraded.add(
          "recovering"
              + (recovery.attempts() > 0 ? " (attempt " + recovery.attempts() + ")" : "")
              + endedReason.map(e -> ": " + e).orElse("")
              + recovery
                  .nextAttemptAt()
                  .filter(at -> observed == ObservedState.FAILED && at.isAfter(in.now()))
                  .map(at -> "; next attempt at " + at)
                  .orElse(""));
    } else if (observed == ObservedState.FAILED || ended.isPresent()) {
      // The reconciler's account of the end, if it wrote one: one reason, whoever saw the end
      // first.
      failing.add(endedReason.orElse("the loader is not running"));
    }
    if (in.run().isPresent()) {
      // An ended run is reported above (unless Floe stopped it, which is no failure).
      RunObservation run = in.run().get();
      boolean over = run.state() == RunState.FAILED || run.state() == RunState.STOPPED;
      if (!over && in.restartsInWindow() >= t.restartLoop()) {
        failing.add(
            "restarting in a loop: "
                + in.restartsInWindow()
                + " restarts in the last "
                + t.window().toMinutes()
                + " min"
                + run.failure().map(f -> " (" + f + ")").orElse(""));
      } else if (run.state() == RunState.RESTARTING) {
        degraded.add("restarting after a failure" + run.failure().map(f -> ": " + f).orElse(""));
      }
    } else if (observed == ObservedState.RUNNING) {
      // Gone, or a JobManager failing over: the reconciler recovers it if that lasts.
      degraded.add(
          "the runtime does not know run "
              + in.status().runId().orElse("")
              + " (it is recovered if that lasts)");
    }
    if (observed == ObservedState.STARTING
        || observed == ObservedState.PENDING
        || observed == ObservedState.STOPPING
        || observed == ObservedState.STOPPED) {
      degraded.add("the loader is " + observed.name().toLowerCase());
    }

    if (commits.freshnessSeconds() != null && waiting) {
      long intervals = commits.freshnessSeconds() / Math.max(1, t.flushInterval().toSeconds());
      if (intervals >= t.failingAfterIntervals()) {
        failing.add(
            "no commit for "
                + commits.freshnessSeconds()
                + " s ("
                + intervals
                + " flush intervals) while "
                + in.lagRecords().get()
                + " messages wait");
      } else if (intervals >= t.lateAfterIntervals()) {
        degraded.add(
            "commits late: the last one was "
                + commits.freshnessSeconds()
                + " s ago, the flush"
                + " interval is "
                + t.flushInterval().toSeconds()
                + " s");
      }
    } else if (in.history().isPresent()
        && commits.freshnessSeconds() == null
        && waiting
        && runningFor(in) > t.failingAfterIntervals() * t.flushInterval().toSeconds()) {
      failing.add("no commit yet while " + in.lagRecords().get() + " messages wait");
    }
    if (lagGrowing) {
      degraded.add("lag growing: " + in.lagRecords().get() + " messages behind");
    }
    if (commits.deadLetterRatio() != null && commits.deadLetterRatio() > t.deadLetterRatio()) {
      degraded.add(
          String.format(
              "dead letters: %s of messages (%.1f per minute), above %s",
              percent(commits.deadLetterRatio()),
              commits.deadLetteredPerMinute() == null ? 0.0 : commits.deadLetteredPerMinute(),
              percent(t.deadLetterRatio())));
    }
    if (commits.tableFiles() != null
        && commits.tableFiles() > 100
        && commits.tableAverageFileBytes() != null
        && commits.targetFileBytes() != null
        && commits.tableAverageFileBytes() < t.smallFileRatio() * commits.targetFileBytes()) {
      degraded.add(
          "small files accumulating: "
              + commits.tableFiles()
              + " files of "
              + commits.tableAverageFileBytes() / 1024
              + " KiB on average, the target is "
              + commits.targetFileBytes() / (1024 * 1024)
              + " MiB (compact the table)");
    }
    in.restartNeeded().ifPresent(degraded::add);

    HealthStatus status;
    List<String> reasons = new ArrayList<>();
    if (!failing.isEmpty()) {
      status = HealthStatus.FAILING;
      reasons.addAll(failing);
      reasons.addAll(degraded);
    } else if (in.history().isEmpty()) {
      status = HealthStatus.UNKNOWN;
      reasons.add("cannot read the table: " + in.historyProblem().orElse("unknown reason"));
      reasons.addAll(degraded);
    } else if (!degraded.isEmpty()) {
      status = HealthStatus.DEGRADED;
      reasons.addAll(degraded);
    } else {
      status = HealthStatus.HEALTHY;
      reasons.add("loading on time");
    }
    if (in.lagRecords().isEmpty() && status != HealthStatus.FAILING) {
      reasons.add("Kafka lag unknown");
    }
    return new PipelineHealth(in.pipeline(), status, reasons, in.now(), commits, lag, runtime);
  }

  /**
   * The end of a run that Floe did not stop, in the reconciler's words ("Run &lt;id&gt; ended
   * CANCELED outside Floe"): the health monitor and the reconciler each observe the runtime, and
   * the reason reads the same whichever sees the end first.
   */
  static String endedOutsideFloe(RunObservation run) {
    return "Run "
        + run.runId()
        + " ended "
        + run.runtimeState()
        + (run.state() == RunState.STOPPED ? " outside Floe" : "")
        + run.failure().map(f -> ": " + f).orElse("");
  }

  /** A share as a percentage with up to two decimals: 0.0104 reads "1.04%", 0.02 reads "2%". */
  static String percent(double share) {
    return BigDecimal.valueOf(share * 100)
            .setScale(2, RoundingMode.HALF_UP)
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }

  /**
   * Whether the lag grows across several commit intervals, rather than rising and falling with
   * them. A loader that commits once per checkpoint leaves the messages of up to one commit
   * interval, plus those that arrive while the checkpoint completes, waiting: the lag is a
   * saw-tooth between commits, and checks taken at any phase of it (a check every 10 s against a
   * commit every 5 s drifts slowly through the phases) can rise many times in a row without the
   * loader falling behind. With {@code perInterval} the messages one commit interval brings, the
   * lag grows only when, over the last {@code intervals} commit intervals (and at least the last
   * two checks):
   *
   * <ul>
   *   <li>even its lowest reading is above {@code 2 * perInterval}, more than a loader that keeps
   *       up ever leaves waiting;
   *   <li>that lowest reading is more than {@code perInterval} above the lowest reading before them
   *       in the window: the level rose, not just the phase;
   *   <li>and the latest reading is not more than {@code perInterval} below the highest of them:
   *       the loader is not draining a backlog.
   * </ul>
   *
   * Without a rate (fewer than two commits in the window) or without earlier readings, it is not
   * judged: a loader that does not commit is late, which the freshness rules report.
   *
   * @param samples the lag readings of the window, oldest first
   * @param messagesPerSecond the messages the loader commits per second
   * @param commitInterval the time between two commits
   * @param intervals how many commit intervals the lag must grow across
   */
  static boolean lagGrowing(
      List<LagSample> samples,
      OptionalDouble messagesPerSecond,
      Duration commitInterval,
      int intervals) {
    if (messagesPerSecond.isEmpty() || samples.size() < 3) {
      return false;
    }
    double perInterval = messagesPerSecond.getAsDouble() * commitInterval.toMillis() / 1000.0;
    Instant recentFrom =
        samples.get(samples.size() - 1).at().minus(commitInterval.multipliedBy(intervals));
    int firstRecent = samples.size() - 2;
    while (firstRecent > 0 && !samples.get(firstRecent - 1).at().isBefore(recentFrom)) {
      firstRecent--;
    }
    if (firstRecent == 0) {
      return false;
    }
    List<LagSample> recent = samples.subList(firstRecent, samples.size());
    long lowestEarlier = Long.MAX_VALUE;
    for (LagSample sample : samples.subList(0, firstRecent)) {
      lowestEarlier = Math.min(lowestEarlier, sample.records());
    }
    long lowestRecent = Long.MAX_VALUE;
    long highestRecent = Long.MIN_VALUE;
    for (LagSample sample : recent) {
      lowestRecent = Math.min(lowestRecent, sample.records());
      highestRecent = Math.max(highestRecent, sample.records());
    }
    long latest = recent.get(recent.size() - 1).records();
    return lowestRecent > 2 * perInterval
        && lowestRecent > lowestEarlier + perInterval
        && latest >= highestRecent - perInterval;
  }

  /** The time between two commits: the flush interval, or the observed cadence if slower. */
  private static Duration commitInterval(HealthThresholds t, PipelineHealth.Commits commits) {
    Duration flush = t.flushInterval();
    if (commits.secondsBetweenCommits() == null) {
      return flush;
    }
    Duration observed = Duration.ofMillis(Math.round(commits.secondsBetweenCommits() * 1000));
    return observed.compareTo(flush) > 0 ? observed : flush;
  }

  /**
   * The messages (rows, dead letters, skipped) the loader commits per second: over the window, or
   * over the last {@link HealthThresholds#LAG_GROWTH_INTERVALS} commit intervals when that is more
   * (the input's rate may have risen); empty with fewer than two commits.
   */
  private static OptionalDouble messagesPerSecond(
      List<CommitHistory.Commit> window, Duration commitInterval) {
    OptionalDouble overWindow = messagesPerSecond(window);
    if (window.isEmpty()) {
      return overWindow;
    }
    Instant recentFrom =
        window
            .get(window.size() - 1)
            .at()
            .minus(commitInterval.multipliedBy(HealthThresholds.LAG_GROWTH_INTERVALS));
    List<CommitHistory.Commit> recent = new ArrayList<>();
    for (CommitHistory.Commit commit : window) {
      if (!commit.at().isBefore(recentFrom)) {
        recent.add(commit);
      }
    }
    OptionalDouble overRecent = messagesPerSecond(recent);
    if (overWindow.isEmpty() || overRecent.isEmpty()) {
      return overWindow.isPresent() ? overWindow : overRecent;
    }
    return OptionalDouble.of(Math.max(overWindow.getAsDouble(), overRecent.getAsDouble()));
  }

  private static OptionalDouble messagesPerSecond(List<CommitHistory.Commit> commits) {
    if (commits.size() < 2) {
      return OptionalDouble.empty();
    }
    double seconds =
        Duration.between(commits.get(0).at(), commits.get(commits.size() - 1).at()).toMillis()
            / 1000.0;
    if (seconds <= 0) {
      return OptionalDouble.empty();
    }
    long messages = 0;
    for (CommitHistory.Commit commit : commits.subList(1, commits.size())) {
      messages += commit.records() + commit.deadLettered() + commit.skipped();
    }
    return OptionalDouble.of(messages / seconds);
  }

  /** The pipeline's commits within the window, oldest first. */
  private static List<CommitHistory.Commit> windowCommits(Inputs in) {
    if (in.history().isEmpty()) {
      return List.of();
    }
    Instant windowStart = in.now().minus(in.thresholds().window());
    List<CommitHistory.Commit> window = new ArrayList<>();
    for (CommitHistory.Commit commit : in.history().get().commits()) {
      if (!commit.at().isBefore(windowStart)) {
        window.add(commit);
      }
    }
    return window;
  }

  private static Long boxed(java.util.OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }

  /** Seconds since the status last changed: how long the current run has had to commit. */
  private static long runningFor(Inputs in) {
    return Math.max(0, Duration.between(in.status().updatedAt(), in.now()).toSeconds());
  }

  private static PipelineHealth.Commits commitFigures(Inputs in) {
    HealthThresholds t = in.thresholds();
    if (in.history().isEmpty()) {
      return new PipelineHealth.Commits(
          null,
          null,
          t.flushInterval().toSeconds(),
          0,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null);
    }
    CommitHistory history = in.history().get();
    List<CommitHistory.Commit> window = windowCommits(in);
    Optional<CommitHistory.Commit> last = history.last();
    Double secondsBetween = null;
    Double recordsPerMinute = null;
    Double deadPerMinute = null;
    if (window.size() >= 2) {
      double seconds =
          Duration.between(window.get(0).at(), window.get(window.size() - 1).at()).toMillis()
              / 1000.0;
      if (seconds > 0) {
        long records = 0;
        long dead = 0;
        for (CommitHistory.Commit commit : window.subList(1, window.size())) {
          records += commit.records();
          dead += commit.deadLettered();
        }
        secondsBetween = seconds / (window.size() - 1);
        recordsPerMinute = records * 60.0 / seconds;
        deadPerMinute = dead * 60.0 / seconds;
      }
    }
    long records = 0;
    long dead = 0;
    long files = 0;
    long bytes = 0;
    for (CommitHistory.Commit commit : window) {
      records += commit.records();
      dead += commit.deadLettered();
      files += commit.addedFiles();
      bytes += commit.addedBytes();
    }
    Double deadRatio = records + dead == 0 ? null : (double) dead / (records + dead);
    Integer writtenSchemaId =
        last.filter(
                c -> c.jobId() != null && in.status().runId().map(c.jobId()::equals).orElse(false))
            .flatMap(CommitHistory.Commit::schemaId)
            .orElse(null);
    return new PipelineHealth.Commits(
        last.map(CommitHistory.Commit::at).orElse(null),
        last.map(c -> Math.max(0, Duration.between(c.at(), in.now()).toSeconds())).orElse(null),
        t.flushInterval().toSeconds(),
        window.size(),
        secondsBetween,
        recordsPerMinute,
        deadPerMinute,
        deadRatio,
        window.isEmpty() ? null : (double) files / window.size(),
        files == 0 ? null : bytes / files,
        history.tableFiles(),
        history.tableFiles() == 0 ? null : history.tableBytes() / history.tableFiles(),
        history.targetFileBytes(),
        writtenSchemaId,
        history.tableSchemaId());
  }
}
