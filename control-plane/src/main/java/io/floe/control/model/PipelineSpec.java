package io.floe.control.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a user asks for: a pipeline from Kafka topics into an Iceberg table, how to parse, where bad
 * messages go, and how to run. Never holds a secret, only references to where secrets live.
 */
public record PipelineSpec(
    Source source,
    Table table,
    BadMessages badMessages,
    Parsing parsing,
    Runtime runtime,
    Health health,
    Maintenance maintenance) {

  /** The Kafka side. */
  public record Source(
      String bootstrapServers,
      List<String> topics,
      String topicPattern,
      String consumerGroup,
      String startingOffsets,
      Instant startingTimestamp,
      String securityProtocol,
      String saslMechanism,
      String credentialsSecret,
      String usernameField,
      String passwordField,
      Map<String, String> kafkaProperties) {}

  /**
   * The Iceberg side: a table in one of the catalogs the control plane is configured with.
   *
   * @param schemaChanges what happens when the table's schema changes under a running loader:
   *     {@code auto} (the default) restarts it with its state, {@code manual} reports "restart
   *     needed" in its health
   */
  public record Table(
      String catalog,
      String namespace,
      String name,
      TableCreation createIfMissing,
      Map<String, String> writeProperties,
      String schemaChanges) {}

  /** The table to create when it does not exist yet. */
  public record TableCreation(
      List<Column> columns, List<String> partitionBy, Map<String, String> properties) {}

  /** One column; types as Iceberg writes them: long, decimal(18,4), list<string>, struct<a:int>. */
  public record Column(String name, String type, Boolean required, String doc) {}

  /**
   * What happens to messages that cannot become rows.
   *
   * @param transactionTimeout how long publishing one commit's dead letters may take (the
   *     producer's transaction timeout), default 60s; at most the brokers' {@code
   *     transaction.max.timeout.ms}
   */
  public record BadMessages(String policy, String deadLetterTopic, String transactionTimeout) {
    public BadMessages(String policy, String deadLetterTopic) {
      this(policy, deadLetterTopic, null);
    }
  }

  /** Reshaping before parsing, and limits. */
  public record Parsing(
      String unnestPointer,
      Map<String, String> projections,
      String fieldNameCase,
      Map<String, String> metadataColumns,
      String maxMessageSize) {}

  /**
   * When the pipeline's health turns DEGRADED or FAILING; every field has a default.
   *
   * @param lateAfterIntervals no commit for this many flush intervals while data waits: DEGRADED
   *     (default 3)
   * @param failingAfterIntervals no commit for this many flush intervals while data waits: FAILING
   *     (default 10)
   * @param deadLetterRatio dead letters above this share of the messages: DEGRADED (default 0.01)
   * @param smallFileRatio average data file below this share of the target size, with more than 100
   *     files: DEGRADED (default 0.1)
   * @param restartLoop this many restarts within the window: FAILING (default 3)
   */
  public record Health(
      Integer lateAfterIntervals,
      Integer failingAfterIntervals,
      Double deadLetterRatio,
      Double smallFileRatio,
      Integer restartLoop) {}

  /**
   * Where and how the loader runs.
   *
   * @param artifact the loader artifact to deploy (an uploaded artifact's sha256 or id; Managed
   *     Flink only): changing it restarts the loader with its state
   */
  public record Runtime(
      String target,
      Integer parallelism,
      Integer maxParallelism,
      String flushInterval,
      String artifact) {
    public Runtime(
        String target, Integer parallelism, Integer maxParallelism, String flushInterval) {
      this(target, parallelism, maxParallelism, flushInterval, null);
    }
  }

  /**
   * Table maintenance, each task on its own schedule; every field has a default (see
   * docs/maintenance.md).
   */
  public record Maintenance(
      Compaction compaction,
      SnapshotExpiry snapshotExpiry,
      Retention retention,
      OrphanFiles orphanFiles) {}

  /**
   * Rewrites small data files into files near the target size, newest partitions first.
   *
   * @param enabled default true
   * @param every how often, default 1h
   * @param targetFileSize default the table's write.target-file-size-bytes
   * @param minInputFiles a partition is rewritten once it has this many small files, default 5
   * @param lookback only partitions of a time-partitioned table this recent, default 7d (0 = all)
   */
  public record Compaction(
      Boolean enabled,
      String every,
      String targetFileSize,
      Integer minInputFiles,
      String lookback) {}

  /**
   * Expires old snapshots, never the newest loader commit of a pipeline (its restart needs it).
   *
   * @param enabled default true
   * @param every how often, default 1h
   * @param olderThan snapshots older than this may go, default 1d
   * @param retainLast at least this many of the newest snapshots stay, default 10
   */
  public record SnapshotExpiry(
      Boolean enabled, String every, String olderThan, Integer retainLast) {}

  /**
   * Deletes rows older than a period by an event-time column; off unless a column is named.
   *
   * @param column a date, timestamp or timestamptz column
   * @param olderThan rows whose column is older than this go, e.g. 30d
   * @param every how often, default 1d
   */
  public record Retention(String column, String olderThan, String every) {}

  /**
   * Deletes files under the table's location that no snapshot references.
   *
   * @param enabled default true
   * @param every how often, default 1d
   * @param olderThan only files older than this (the safety window), default 3d, at least 1h
   */
  public record OrphanFiles(Boolean enabled, String every, String olderThan) {}
}
