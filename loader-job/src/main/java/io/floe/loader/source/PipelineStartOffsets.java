package io.floe.loader.source;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each partition starts when a run has no restored state: at the position resolved when the
 * job was built (the offset the pipeline's table recorded, or for a new pipeline its starting
 * rule), and a partition without one (created since) at its earliest offset. Never at the consumer
 * group's offsets, which can be ahead of the table. A position the broker no longer holds is moved
 * into range, with a warning that says how many messages that skips.
 */
final class PipelineStartOffsets implements OffsetsInitializer {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PipelineStartOffsets.class);

  private final HashMap<TopicPartition, Long> positions;

  PipelineStartOffsets(Map<TopicPartition, Long> positions) {
    this.positions = new HashMap<>(requireNonNull(positions, "positions is null"));
  }

  @Override
  public Map<TopicPartition, Long> getPartitionOffsets(
      Collection<TopicPartition> partitions, PartitionOffsetsRetriever retriever) {
    Map<TopicPartition, Long> beginning = retriever.beginningOffsets(partitions);
    Map<TopicPartition, Long> end = retriever.endOffsets(partitions);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      long first = beginning.get(partition);
      long last = end.get(partition);
      Long position = positions.get(partition);
      if (position == null) {
        LOG.info(
            "{} is new since the pipeline first started: reading it from its earliest offset {}",
            partition,
            first);
        offsets.put(partition, first);
      } else if (position < first) {
        LOG.warn(
            "{}: the pipeline's position {} is no longer held by the broker (earliest {}): {}"
                + " messages were deleted before they were loaded",
            partition,
            position,
            first,
            first - position);
        offsets.put(partition, first);
      } else if (position > last) {
        LOG.warn(
            "{}: the pipeline's position {} is past the partition's end {} (the log was truncated"
                + " or the topic recreated): reading from the end",
            partition,
            position,
            last);
        offsets.put(partition, last);
      } else {
        offsets.put(partition, position);
      }
    }
    return offsets;
  }

  @Override
  public OffsetResetStrategy getAutoOffsetResetStrategy() {
    return OffsetResetStrategy.EARLIEST;
  }
}
