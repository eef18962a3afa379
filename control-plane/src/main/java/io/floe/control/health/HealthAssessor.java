package io.floe.control.health;

import io.floe.control.catalog.CommitHistory;
import io.floe.control.model.DesiredState;
import io.floe.control.model.HealthThresholds;
import io.floe.control.model.PipelineStatus;
import io.floe.control.runtime.RunObservation;
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
 * Freshness comes from the table, never from the runtime's metrics (which restart at zero). The
 * figures are {@link CommitFigures}'; the rules on the run and its recovery are {@link RunRules}'.
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
    PipelineHealth.Commits commits = CommitFigures.of(in);
    boolean waiting = in.lagRecords().map(records -> records > 0).orElse(false);
    Duration commitInterval = CommitFigures.commitInterval(t, commits);
    boolean lagGrowing =
        waiting
            && lagGrowing(
                in.lagSamples(),
                CommitFigures.messagesPerSecond(CommitFigures.window(in), commitInterval),
                commitInterval,
                HealthThresholds.LAG_GROWTH_INTERVALS);
    PipelineHealth.Lag lag =
        new PipelineHealth.Lag(
            in.lagRecords().orElse(null), CommitFigures.lagSeconds(in), lagGrowing);
    PipelineHealth.Runtime runtime = RunRules.figures(in);

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

    List<String> failing = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    RunRules.judge(in, failing, degraded);
    judgeCommits(in, commits, waiting, lagGrowing, failing, degraded);
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
   * Adds the reasons the table's commits give to fail or degrade: freshness while messages wait,
   * growing lag, dead letters, small files.
   */
  private static void judgeCommits(
      Inputs in,
      PipelineHealth.Commits commits,
      boolean waiting,
      boolean lagGrowing,
      List<String> failing,
      List<String> degraded) {
    HealthThresholds t = in.thresholds();
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
  }

  /** Seconds since the status last changed: how long the current run has had to commit. */
  private static long runningFor(Inputs in) {
    return Math.max(0, Duration.between(in.status().updatedAt(), in.now()).toSeconds());
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
}
