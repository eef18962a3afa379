package io.floe.control.health;

import io.floe.control.pipeline.DesiredState;
import io.floe.control.pipeline.ObservedState;
import io.floe.control.pipeline.PipelineStatus;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges a pipeline's health from what the table, Kafka and the runtime say. A pure function of its
 * inputs, so every rule is tested without clocks or clusters:
 *
 * <ul>
 *   <li>STOPPED when the user stopped it;
 *   <li>FAILING when the run is gone or ended without Floe stopping it, restarts in a loop, or no
 *       commit arrived for {@code failingAfterIntervals} flush intervals while messages wait;
 *   <li>DEGRADED when commits are late, lag grows, dead letters exceed the pipeline's share, the
 *       table's files stay small, the run restarts, or a schema change awaits a restart;
 *   <li>UNKNOWN when the catalog cannot be read and nothing else says FAILING;
 *   <li>HEALTHY otherwise.
 * </ul>
 *
 * Freshness comes from the table, never from the runtime's metrics (which restart at zero).
 */
final class HealthAssessor {
  private HealthAssessor() {}

  /** What the monitor knows when it judges one pipeline. */
  record Inputs(
      String pipeline,
      DesiredState desired,
      PipelineStatus status,
      Optional<CommitHistory> history,
      Optional<String> historyProblem,
      Optional<Long> lagRecords,
      boolean lagGrowing,
      Optional<RunObservation> run,
      long restartsInWindow,
      Optional<String> restartNeeded,
      HealthThresholds thresholds,
      Instant now) {}

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
    PipelineHealth.Lag lag =
        new PipelineHealth.Lag(in.lagRecords().orElse(null), lagSeconds, in.lagGrowing());
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
    if (observed == ObservedState.FAILED) {
      // The reconciler's account of the end, if it wrote one: one reason, whoever saw it first.
      failing.add(
          in.status()
              .lastError()
              .or(() -> ended.map(HealthAssessor::endedOutsideFloe))
              .orElse("the loader is not running"));
    } else if (ended.isPresent()) {
      failing.add(endedOutsideFloe(ended.get()));
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
    } else if (observed == ObservedState.RUNNING || observed == ObservedState.RESTARTING) {
      failing.add("the runtime does not know the run " + in.status().runId().orElse(""));
    }
    if (observed == ObservedState.STARTING
        || observed == ObservedState.PENDING
        || observed == ObservedState.STOPPING
        || observed == ObservedState.STOPPED) {
      degraded.add("the loader is " + observed.name().toLowerCase());
    }

    boolean waiting = in.lagRecords().map(records -> records > 0).orElse(false);
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
    if (in.lagGrowing() && waiting) {
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
    Instant windowStart = in.now().minus(t.window());
    List<CommitHistory.Commit> window = new ArrayList<>();
    for (CommitHistory.Commit commit : history.commits()) {
      if (!commit.at().isBefore(windowStart)) {
        window.add(commit);
      }
    }
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
