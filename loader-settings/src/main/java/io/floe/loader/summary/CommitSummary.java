package io.floe.loader.summary;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keys the loader writes into the summary of every Iceberg snapshot it commits, so that
 * recovery and health can be read from the table alone (like Iceberg's own Flink committer and
 * kafka-connect coordinator do). The control plane reads them with the same constants.
 */
public final class CommitSummary {
  /** Iceberg's Flink committer keys, kept so Iceberg's own tools recognise our commits. */
  public static final String FLINK_JOB_ID = "flink.job-id";

  public static final String FLINK_OPERATOR_ID = "flink.operator-id";
  public static final String FLINK_MAX_COMMITTED_CHECKPOINT_ID =
      "flink.max-committed-checkpoint-id";

  /**
   * The identity of the committer that made the commit: chosen by the loader for each run (and each
   * restart of its committer), kept in operator state. With the pipeline and {@link
   * #FLINK_MAX_COMMITTED_CHECKPOINT_ID} it is what a restore checks to skip checkpoints already
   * committed; it never depends on Flink's job id, which Flink may repeat across runs.
   */
  public static final String COMMITTER_ID = "floe.committer-id";

  /**
   * The files holding this commit's dead letters (comma-separated locations), which the loader
   * publishes to the dead-letter topic right after the commit and then deletes: a file still there
   * means its dead letters may not have been published yet.
   */
  public static final String DEAD_LETTER_FILES = "floe.dead-letter-files";

  /**
   * What the commit is when it is not rows: {@link #KIND_START_POSITIONS} records where a new
   * pipeline starts reading (no data), {@link #KIND_POSITION_MOVE} an explicit move of the
   * pipeline's positions by an operator. Absent on commits of rows.
   */
  public static final String COMMIT_KIND = "floe.commit-kind";

  public static final String KIND_START_POSITIONS = "start-positions";
  public static final String KIND_POSITION_MOVE = "position-move";

  /** Who moved the positions and why, on a {@link #KIND_POSITION_MOVE} commit (JSON). */
  public static final String POSITION_MOVE = "floe.position-move";

  /** The pipeline that wrote the snapshot. */
  public static final String PIPELINE = "floe.pipeline";

  /** The loader's version. */
  public static final String LOADER_VERSION = "floe.loader-version";

  /** The id of the table schema the rows were written with. */
  public static final String SCHEMA_ID = "floe.schema-id";

  /** Rows written by this commit. */
  public static final String RECORDS_WRITTEN = "floe.records-written";

  /**
   * Keys deleted by this commit (write.mode upsert: tombstones, delete markers, change-stream
   * deletes); absent in append mode. Rows upserted are counted in {@link #RECORDS_WRITTEN}.
   */
  public static final String RECORDS_DELETED = "floe.records-deleted";

  /**
   * In a routed pipeline's own table: rows its checkpoints committed to the routed tables (each of
   * which records its own in {@link #RECORDS_WRITTEN}), so that this table's commits tell how many
   * rows the whole pipeline loaded.
   */
  public static final String RECORDS_ROUTED = "floe.records-routed";

  /** Bad messages sent to the dead-letter topic in the checkpoints of this commit. */
  public static final String RECORDS_DEAD_LETTERED = "floe.records-dead-lettered";

  /**
   * Messages refused by a data-quality rule in the checkpoints of this commit; they are counted in
   * {@link #RECORDS_DEAD_LETTERED} or {@link #RECORDS_SKIPPED} too, by policy.
   */
  public static final String RECORDS_RULE_VIOLATIONS = "floe.records-rule-violations";

  /** Bad messages skipped (policy skip) in the checkpoints of this commit. */
  public static final String RECORDS_SKIPPED = "floe.records-skipped";

  /**
   * The next offset to read of every partition the pipeline has read: topic:partition=offset,...
   */
  public static final String KAFKA_OFFSETS = "floe.kafka-offsets";

  /** The greatest Kafka record timestamp (epoch ms) among the messages of this commit. */
  public static final String MAX_RECORD_TIMESTAMP = "floe.max-record-timestamp";

  /** The Flink checkpoints this commit covers: first-last. */
  public static final String CHECKPOINTS = "floe.checkpoints";

  private CommitSummary() {}

  /** Renders offsets as {@code topic:partition=offset,...}, sorted. */
  public static String formatOffsets(Map<String, Long> offsetsByTopicPartition) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Long> entry : new TreeMap<>(offsetsByTopicPartition).entrySet()) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(entry.getKey()).append('=').append(entry.getValue());
    }
    return out.toString();
  }

  /** Parses {@link #KAFKA_OFFSETS}: keys are {@code topic:partition}. */
  public static Map<String, Long> parseOffsets(String text) {
    Map<String, Long> offsets = new TreeMap<>();
    if (text == null || text.isEmpty()) {
      return Collections.unmodifiableMap(offsets);
    }
    for (String entry : text.split(",")) {
      int eq = entry.lastIndexOf('=');
      int colon = entry.lastIndexOf(':', eq);
      if (eq <= 0 || colon <= 0) {
        throw new IllegalArgumentException("not topic:partition=offset: '" + entry + "'");
      }
      offsets.put(entry.substring(0, eq), Long.parseLong(entry.substring(eq + 1)));
    }
    return Collections.unmodifiableMap(offsets);
  }

  /**
   * The offsets recorded by the pipeline's latest commit that has any, given the table's snapshot
   * summaries oldest first: where the pipeline continues. Empty for a pipeline without commits.
   */
  public static Map<String, Long> latestOffsets(
      Iterable<Map<String, String>> summariesOldestFirst, String pipeline) {
    String latest = null;
    for (Map<String, String> summary : summariesOldestFirst) {
      if (pipeline.equals(summary.get(PIPELINE)) && summary.containsKey(KAFKA_OFFSETS)) {
        latest = summary.get(KAFKA_OFFSETS);
      }
    }
    return latest == null ? Map.of() : parseOffsets(latest);
  }

  /** The key of one partition in {@link #KAFKA_OFFSETS}. */
  public static String topicPartition(String topic, int partition) {
    return topic + ":" + partition;
  }
}
