package io.floe.control.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.stereotype.Component;

/**
 * A {@link TopicReader} with a short-lived consumer per read: assigned partitions, no group, no
 * committed offsets, read committed (a dead letter of an aborted transaction never shows).
 */
@Component
public class ConsumerTopicReader implements TopicReader {
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration NO_PROGRESS_LIMIT = Duration.ofSeconds(30);

  @Override
  public List<ConsumerRecord<byte[], byte[]>> read(
      Properties clientProperties,
      String topic,
      Map<Integer, Long> from,
      Map<Integer, Long> until,
      int max) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    from.forEach(
        (partition, offset) -> {
          long end = until.getOrDefault(partition, offset);
          if (offset < end) {
            ends.put(new TopicPartition(topic, partition), end);
          }
        });
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    if (ends.isEmpty() || max <= 0) {
      return records;
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties(clientProperties))) {
      consumer.assign(ends.keySet());
      ends.keySet().forEach(p -> consumer.seek(p, from.get(p.partition())));
      Instant lastProgress = Instant.now();
      while (!ends.isEmpty() && records.size() < max) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
        for (ConsumerRecord<byte[], byte[]> record : polled) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          Long end = ends.get(partition);
          if (end != null && record.offset() < end && records.size() < max) {
            records.add(record);
            lastProgress = Instant.now();
          }
        }
        List<TopicPartition> done = new ArrayList<>();
        for (Map.Entry<TopicPartition, Long> entry : ends.entrySet()) {
          // Positions pass transaction markers and aborted records: compare, never count.
          if (consumer.position(entry.getKey()) >= entry.getValue()) {
            done.add(entry.getKey());
          }
        }
        if (!done.isEmpty()) {
          done.forEach(ends::remove);
          consumer.pause(done);
          lastProgress = Instant.now();
        }
        if (records.size() >= max) {
          break;
        }
        if (Duration.between(lastProgress, Instant.now()).compareTo(NO_PROGRESS_LIMIT) > 0) {
          throw new KafkaUnavailableException(
              "Reading "
                  + topic
                  + " made no progress for "
                  + NO_PROGRESS_LIMIT.toSeconds()
                  + " s (partitions "
                  + ends.keySet()
                  + " short of their end)",
              null);
        }
      }
      return records;
    } catch (KafkaException e) {
      throw new KafkaUnavailableException(
          "Cannot read " + topic + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  private static Properties properties(Properties clientProperties) {
    Properties properties = new Properties();
    properties.putAll(clientProperties);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return properties;
  }
}
