package io.floe.control.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/** What the control plane asks of Kafka: which topics exist and how many partitions they have. */
public interface KafkaTopics {
  /**
   * Partition counts of those of {@code topics} that exist.
   *
   * @param clientProperties bootstrap servers and security settings
   * @throws KafkaUnavailableException when the brokers cannot be reached
   */
  Map<String, Integer> partitions(Properties clientProperties, Collection<String> topics);

  /** Partition counts of every topic whose name matches {@code pattern} entirely. */
  Map<String, Integer> partitionsMatching(Properties clientProperties, Pattern pattern);

  /**
   * Messages in {@code topics} after the consumer group's committed offsets (from the beginning of
   * partitions the group has no offset for).
   */
  long lag(Properties clientProperties, String groupId, Collection<String> topics);

  /**
   * The lag of several consumer groups on one cluster, each on its own topics, in four admin
   * requests whatever the number of groups: what one health pass asks of a cluster.
   */
  Map<String, Long> lags(
      Properties clientProperties, Map<String, Collection<String>> topicsByGroup);

  /**
   * Each partition of {@code topics} (as topic:partition) with its earliest offset and its end (the
   * last stable offset, as a read-committed consumer sees it).
   */
  Map<String, OffsetRange> offsetRanges(Properties clientProperties, Collection<String> topics);

  /**
   * Each partition's first offset whose record timestamp is at or after {@code instant}; its end
   * when there is none.
   */
  Map<String, Long> offsetsAt(
      Properties clientProperties, Collection<String> topics, Instant instant);

  /** The brokers' {@code transaction.max.timeout.ms}, when their configuration can be read. */
  Optional<Duration> transactionMaxTimeout(Properties clientProperties);

  /** The offsets a partition holds: from {@code earliest} up to (without) {@code end}. */
  record OffsetRange(long earliest, long end) {}
}
