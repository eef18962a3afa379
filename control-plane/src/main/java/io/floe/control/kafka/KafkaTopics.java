package io.floe.control.kafka;

import java.util.Collection;
import java.util.Map;
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
}
