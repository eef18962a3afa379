package io.floe.control.health;

import io.floe.control.catalog.CommitHistory;
import io.floe.control.model.HealthThresholds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The figures health is judged on from the table's commits over the window: freshness, cadence,
 * rates, dead letters, file sizes, schema ids, and the rate and lag they imply.
 */
final class CommitFigures {
  private CommitFigures() {}

  static PipelineHealth.Commits of(HealthAssessor.Inputs in) {
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
          null,
          null,
          null,
          null,
          null,
          null);
    }
    CommitHistory history = in.history().get();
    List<CommitHistory.Commit> window = window(in);
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
    long bad = 0;
    long ruleViolations = 0;
    for (CommitHistory.Commit commit : window) {
      records += commit.records();
      dead += commit.deadLettered();
      bad += commit.deadLettered() + commit.skipped();
      ruleViolations += commit.ruleViolations();
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
        history.tableSchemaId(),
        Math.max(0, bad - ruleViolations),
        ruleViolations,
        history.deletes().files(),
        history.deletes().equalityDeletes(),
        history.deletes().positionDeletes());
  }

  /** The pipeline's commits within the window, oldest first. */
  static List<CommitHistory.Commit> window(HealthAssessor.Inputs in) {
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

  /** The time between two commits: the flush interval, or the observed cadence if slower. */
  static Duration commitInterval(HealthThresholds t, PipelineHealth.Commits commits) {
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
  static OptionalDouble messagesPerSecond(
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

  /** Age of the newest committed row while messages wait: 0 when none wait, null if unknown. */
  static Long lagSeconds(HealthAssessor.Inputs in) {
    if (in.lagRecords().isPresent() && in.lagRecords().get() == 0) {
      return 0L;
    }
    Optional<CommitHistory.Commit> last = in.history().flatMap(CommitHistory::last);
    if (in.lagRecords().isEmpty() || last.isEmpty() || last.get().maxRecordTimestamp() <= 0) {
      return null;
    }
    return Math.max(
        0,
        Duration.between(Instant.ofEpochMilli(last.get().maxRecordTimestamp()), in.now())
            .toSeconds());
  }
}
