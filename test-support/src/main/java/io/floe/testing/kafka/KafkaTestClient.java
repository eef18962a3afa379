package io.floe.testing.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka as the loader's and the control plane's tests see it: create topics, produce raw messages
 * or test events, read back what a loader produced. The module that uses it brings its own
 * kafka-clients.
 */
public final class KafkaTestClient implements AutoCloseable {
  private static final Duration TOPIC_DESCRIBED = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;

  public KafkaTestClient(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    props.put("linger.ms", "5");
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Creates the topic and waits until the broker describes it: the controller answers before the
   * broker's metadata holds a new topic, and a pipeline naming it would be refused meanwhile.
   */
  public void createTopic(String name, int partitions) {
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Cannot create topic " + name, e);
    }
    Instant deadline = Instant.now().plus(TOPIC_DESCRIBED);
    while (!described(name)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "Topic " + name + " not described by the broker after " + TOPIC_DESCRIBED);
      }
      pause(Duration.ofMillis(100));
    }
  }

  public void send(String topic, byte[] key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }

  /** A message without a key. */
  public void sendRaw(String topic, byte[] value) {
    producer.send(new ProducerRecord<>(topic, null, value));
  }

  public void flush() {
    producer.flush();
  }

  /**
   * A test event: {"id": n, "name": ..., "at": ...}, with {@code extra} and {@code more}, which
   * fill columns that tests add to a table later.
   */
  public static byte[] event(long id) {
    String json =
        String.format(
            "{\"id\": %d, \"name\": \"event-%d\", \"at\": \"%s\", \"extra\": \"extra-%d\","
                + " \"more\": %d}",
            id, id, Instant.ofEpochSecond(1_700_000_000L + id * 60), id, id % 1000);
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** Sends the events {@code fromId..toId}, each keyed by its id, and flushes. */
  public void sendEvents(String topic, long fromId, long toId) {
    for (long id = fromId; id <= toId; id++) {
      producer.send(
          new ProducerRecord<>(
              topic, Long.toString(id).getBytes(StandardCharsets.UTF_8), event(id)));
    }
    producer.flush();
  }

  /** Publishes events from {@code fromId} on, about {@code perSecond} a second, until stopped. */
  public EventPublisher publish(String topic, long fromId, int perSecond) {
    return new EventPublisher(this, topic, fromId, perSecond, 0);
  }

  /**
   * Publishes as {@link #publish(String, long, int)}, plus one malformed message (truncated JSON,
   * without an id) for every {@code malformedEvery - 1} events: a share of {@code 1 /
   * malformedEvery} of the messages is malformed.
   */
  public EventPublisher publish(String topic, long fromId, int perSecond, int malformedEvery) {
    if (malformedEvery < 2) {
      throw new IllegalArgumentException(
          "malformedEvery must be at least 2, got " + malformedEvery);
    }
    return new EventPublisher(this, topic, fromId, perSecond, malformedEvery);
  }

  /** Reads committed records until {@code expected} arrived (or the timeout), then a bit more. */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(
      String topic, int expected, Duration timeout) {
    Properties props = consumerProperties();
    props.put("group.id", "test-reader-" + System.nanoTime());
    props.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(Set.of(topic));
      Instant deadline = Instant.now().plus(timeout);
      Instant quietUntil = null;
      while (Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        if (records.size() >= expected) {
          if (quietUntil == null) {
            quietUntil = Instant.now().plusSeconds(2);
          } else if (Instant.now().isAfter(quietUntil)) {
            break;
          }
        }
      }
    }
    return records;
  }

  /**
   * Every committed record of the topic written so far: what a read-committed consumer sees once
   * every transaction open now has ended, without waiting for a count. It reads to the high
   * watermark rather than to the last stable offset, which stays behind a committed transaction
   * until the broker has written the transaction's markers, after the producer's commit returned.
   */
  public List<ConsumerRecord<byte[], byte[]>> readCommittedToEnd(String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = highWatermarks(partitions);
      Instant deadline = Instant.now().plusSeconds(60);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("Cannot read " + topic + " to its end");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
            records.add(record);
          }
        }
      }
    }
    return records;
  }

  public KafkaProducer<byte[], byte[]> producer() {
    return producer;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    producer.close();
    admin.close();
  }

  private Properties consumerProperties() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    return props;
  }

  private Map<TopicPartition, Long> highWatermarks(List<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
    try {
      Map<TopicPartition, Long> end = new HashMap<>();
      admin
          .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
          .all()
          .get()
          .forEach((partition, info) -> end.put(partition, info.offset()));
      return end;
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Cannot list the end offsets of " + partitions, e);
    }
  }

  private boolean described(String topic) {
    try {
      admin.describeTopics(List.of(topic)).allTopicNames().get();
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
