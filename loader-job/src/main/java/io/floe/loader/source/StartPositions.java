package io.floe.loader.source;

import static java.util.Objects.requireNonNull;

import io.floe.loader.summary.CommitSummary;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a run without restored state starts, decided once when the job is built: every partition
 * the table recorded continues after it; for a pipeline with no commit yet, the starting rule's
 * positions, resolved now so that they can be recorded in the table and apply once.
 */
public final class StartPositions {
  private final List<String> partitions;
  private final Map<String, Long> positions;
  private final Map<String, Long> toRecord;

  /**
   * @param partitions the partitions the pipeline reads today (topic:partition)
   * @param positions the start of each partition; a partition missing here starts at its earliest
   *     offset
   * @param toRecord positions resolved from the starting rule, which the committer records in the
   *     table when the run starts without state, so that a later start continues from them
   */
  StartPositions(List<String> partitions, Map<String, Long> positions, Map<String, Long> toRecord) {
    this.partitions = List.copyOf(requireNonNull(partitions, "partitions is null"));
    this.positions = Collections.unmodifiableMap(new TreeMap<>(positions));
    this.toRecord = Collections.unmodifiableMap(new TreeMap<>(toRecord));
  }

  /** Positions of a table's offsets alone, for a pipeline that has committed before. */
  static StartPositions fromTable(List<String> partitions, Map<String, Long> tableOffsets) {
    Map<String, Long> positions = new TreeMap<>();
    for (String partition : partitions) {
      Long offset = tableOffsets.get(partition);
      if (offset != null) {
        positions.put(partition, offset);
      }
    }
    return new StartPositions(partitions, positions, Map.of());
  }

  public List<String> partitions() {
    return partitions;
  }

  /** The partition count (the job's parallelism is capped at it). */
  public int partitionCount() {
    return partitions.size();
  }

  public Map<String, Long> positions() {
    return positions;
  }

  public Map<String, Long> toRecord() {
    return toRecord;
  }

  /** A partition key of {@link CommitSummary#KAFKA_OFFSETS}. */
  static String key(String topic, int partition) {
    return CommitSummary.topicPartition(topic, partition);
  }
}
