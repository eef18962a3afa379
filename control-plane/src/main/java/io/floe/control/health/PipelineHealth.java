package io.floe.control.health;

import java.time.Instant;
import java.util.List;

/**
 * A pipeline's health: the status, every reason for it, and the figures it was judged on, from the
 * table's commits, Kafka, and the runtime. Figures that could not be read are null.
 *
 * @param pipeline the pipeline
 * @param status HEALTHY, STOPPED (on purpose), DEGRADED, FAILING, or UNKNOWN when it could not be
 *     judged
 * @param reasons every reason for that status, in words; empty when healthy
 * @param checkedAt when it was judged
 * @param commits what the table's commits say
 * @param lag how far behind Kafka the loader is
 * @param runtime what the runtime says
 */
public record PipelineHealth(
    String pipeline,
    HealthStatus status,
    List<String> reasons,
    Instant checkedAt,
    Commits commits,
    Lag lag,
    Runtime runtime) {
  public PipelineHealth {
    reasons = List.copyOf(reasons);
  }

  /**
   * What the table's snapshots say about the pipeline's commits over the window.
   *
   * @param lastCommitAt when the pipeline last committed
   * @param freshnessSeconds seconds since that commit
   * @param expectedIntervalSeconds the configured flush interval
   * @param commitsInWindow commits in the window
   * @param secondsBetweenCommits mean time between the window's commits
   * @param recordsPerMinute rows committed per minute over the window's commits
   * @param deadLetteredPerMinute bad messages sent to the dead-letter topic per minute
   * @param deadLetterRatio dead letters over all messages handled in the window
   * @param filesPerCommit data files added per commit
   * @param averageFileBytes average size of the files added in the window
   * @param tableFiles data files in the table now
   * @param tableAverageFileBytes their average size
   * @param targetFileBytes the table's target file size
   * @param writtenSchemaId the schema id the current run's last commit was written with
   * @param tableSchemaId the table's current schema id
   * @param malformedInWindow bad messages in the window other than rule violations
   * @param ruleViolationsInWindow messages in the window refused by a data-quality rule
   * @param tableDeleteFiles delete files in the table now (an upserted table's equality and
   *     position deletes, which every read applies until compaction folds them into the data)
   * @param tableEqualityDeletes rows of those equality delete files (keys replaced or deleted)
   * @param tablePositionDeletes rows of those position delete files
   */
  public record Commits(
      Instant lastCommitAt,
      Long freshnessSeconds,
      long expectedIntervalSeconds,
      int commitsInWindow,
      Double secondsBetweenCommits,
      Double recordsPerMinute,
      Double deadLetteredPerMinute,
      Double deadLetterRatio,
      Double filesPerCommit,
      Long averageFileBytes,
      Long tableFiles,
      Long tableAverageFileBytes,
      Long targetFileBytes,
      Integer writtenSchemaId,
      Integer tableSchemaId,
      Long malformedInWindow,
      Long ruleViolationsInWindow,
      Long tableDeleteFiles,
      Long tableEqualityDeletes,
      Long tablePositionDeletes) {}

  /**
   * How far the loader is behind Kafka.
   *
   * @param records messages in the topics after the consumer group's committed offsets
   * @param seconds age of the newest row committed, while records wait (0 when caught up)
   * @param growing whether the lag grew across several commit intervals (not merely between two
   *     commits, where a loader that commits per checkpoint always lets it rise)
   */
  public record Lag(Long records, Long seconds, Boolean growing) {}

  /**
   * What the runtime says.
   *
   * @param state the run's state
   * @param restarts restarts since it was submitted
   * @param restartsInWindow restarts seen in the window
   * @param failedCheckpoints checkpoints that failed once the runtime had started them (not the
   *     triggers Flink declines while the run's tasks deploy)
   * @param failure the latest failure, if it failed or restarts
   */
  public record Runtime(
      String state, Long restarts, Long restartsInWindow, Long failedCheckpoints, String failure) {}
}
