package io.floe.loader.deadletter;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each table commit's dead letters to the dead-letter topic in one Kafka transaction,
 * right after that commit. One transactional id per pipeline: a new publisher fences any earlier
 * one (a run whose TaskManager was lost) and aborts what it left open. Which commits were published
 * already is read back from the topic, where every dead letter names its commit's snapshot.
 */
public final class DeadLetterPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final int FIRST_WINDOW = 256;

  private final String pipeline;
  private final String topic;
  private final Properties clientProperties;
  private final Duration transactionTimeout;
  private final DeadLetterSerializer serializer;
  private KafkaProducer<byte[], byte[]> producer;

  /**
   * @param clientProperties the Kafka client properties of the pipeline (security, pass-through)
   */
  public DeadLetterPublisher(
      String pipeline,
      String topic,
      String bootstrapServers,
      Properties clientProperties,
      Duration transactionTimeout) {
    this.pipeline = requireNonNull(pipeline, "pipeline is null");
    this.topic = requireNonNull(topic, "topic is null");
    this.clientProperties = new Properties();
    this.clientProperties.putAll(requireNonNull(clientProperties, "clientProperties is null"));
    this.clientProperties.remove("isolation.level");
    this.clientProperties.setProperty(
        "bootstrap.servers", requireNonNull(bootstrapServers, "bootstrapServers is null"));
    this.transactionTimeout = requireNonNull(transactionTimeout, "transactionTimeout is null");
    this.serializer = new DeadLetterSerializer(topic, pipeline);
  }

  /** The pipeline's transactional id: the same for every run, so a new run fences an old one. */
  public static String transactionalId(String pipeline) {
    return "floe-" + pipeline + "-dead-letter-publisher";
  }

  /** Connects and fences earlier publishers of the pipeline, aborting their open transaction. */
  public void open() {
    Properties properties = new Properties();
    properties.putAll(clientProperties);
    properties.setProperty("transactional.id", transactionalId(pipeline));
    properties.setProperty("enable.idempotence", "true");
    properties.setProperty("acks", "all");
    properties.setProperty("transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()));
    properties.setProperty("client.id", "floe-" + pipeline + "-dead-letters");
    producer =
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    producer.initTransactions();
  }

  /** Sends the dead letters of one commit, all or none. */
  public void publish(long snapshotId, List<DeadLetter> letters) {
    if (producer == null) {
      throw new IllegalStateException("open() first");
    }
    producer.beginTransaction();
    try {
      for (DeadLetter letter : letters) {
        producer.send(serializer.serialize(letter, snapshotId));
      }
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      // Not recoverable with this producer: another run of the pipeline publishes now.
      close();
      throw e;
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
    LOG.info(
        "Published {} dead letter(s) of snapshot {} to {} ({})",
        letters.size(),
        snapshotId,
        topic,
        pipeline);
  }

  /**
   * The snapshots named by the pipeline's newest dead letter in each partition of the topic (read
   * committed): a commit whose snapshot is among them, or older, was published. Called after {@link
   * #open()}: fencing completes every earlier transaction, its markers written, so no publication
   * of an earlier run hides behind the last stable offset.
   */
  public Set<Long> newestPublished() {
    Properties properties = new Properties();
    properties.putAll(clientProperties);
    properties.setProperty("isolation.level", "read_committed");
    properties.setProperty("enable.auto.commit", "false");
    properties.setProperty("client.id", "floe-" + pipeline + "-dead-letter-check");
    properties.remove("group.id");
    Set<Long> snapshots = new TreeSet<>();
    Instant deadline = Instant.now().plus(READ_TIMEOUT);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, READ_TIMEOUT)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, READ_TIMEOUT);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
      for (TopicPartition partition : partitions) {
        newestOfPipeline(
                consumer, partition, beginning.get(partition), end.get(partition), deadline)
            .ifPresent(snapshots::add);
      }
    }
    return snapshots;
  }

  /** Reads backwards in growing windows until a dead letter of this pipeline shows up. */
  private Optional<Long> newestOfPipeline(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition partition,
      long first,
      long end,
      Instant deadline) {
    consumer.assign(List.of(partition));
    long upTo = end;
    long window = FIRST_WINDOW;
    while (upTo > first) {
      long from = Math.max(first, upTo - window);
      consumer.seek(partition, from);
      Long newest = null;
      while (consumer.position(partition) < upTo) {
        if (Instant.now().isAfter(deadline)) {
          throw new KafkaException(
              "Cannot read " + partition + " within " + READ_TIMEOUT + " to find dead letters");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() < upTo
              && pipeline.equals(text(record, DeadLetterSerializer.PIPELINE))) {
            String snapshot = text(record, DeadLetterSerializer.SNAPSHOT_ID);
            if (snapshot != null) {
              newest = Long.parseLong(snapshot);
            }
          }
        }
      }
      if (newest != null) {
        return Optional.of(newest);
      }
      upTo = from;
      window *= 2;
    }
    return Optional.empty();
  }

  private static String text(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
      producer = null;
    }
  }
}
