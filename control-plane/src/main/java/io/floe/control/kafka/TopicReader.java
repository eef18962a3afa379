package io.floe.control.kafka;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a topic's committed records between positions: how the control plane reads dead letters.
 */
public interface TopicReader {
  /**
   * Up to {@code max} records of {@code topic}, read committed, each partition from its offset in
   * {@code from} up to (without) its offset in {@code until}; in offset order within a partition.
   * Fewer than {@code max} only when every partition reached its end. Partitions absent from {@code
   * from} are not read.
   *
   * @param clientProperties bootstrap servers and security settings
   * @throws KafkaUnavailableException when the brokers cannot be reached or refuse
   */
  List<ConsumerRecord<byte[], byte[]>> read(
      Properties clientProperties,
      String topic,
      Map<Integer, Long> from,
      Map<Integer, Long> until,
      int max);
}
