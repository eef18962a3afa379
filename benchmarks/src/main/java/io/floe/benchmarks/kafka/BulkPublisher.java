package io.floe.benchmarks.kafka;

import static java.util.Objects.requireNonNull;

import io.floe.loader.sample.SamplePayload;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills a new topic with messages 1..N before a benchmark starts its job, as fast as this machine
 * allows (big lz4 batches, acks=1): the benchmark then measures the loader draining a backlog, not
 * the publisher. Message i goes to partition i mod partitions, keyed by i, with the Kafka timestamp
 * (CreateTime) equal to the instant in its {@code timestamp} field.
 */
public final class BulkPublisher {
  private BulkPublisher() {}

  /** What was published. */
  public record Published(long records, long bytes, Duration took) {
    public double recordsPerSecond() {
      return records / Math.max(took.toNanos() / 1e9, 1e-9);
    }

    public double averageBytes() {
      return records == 0 ? 0 : (double) bytes / records;
    }
  }

  /**
   * Creates the topic and publishes messages 1..count; fails unless the topic's end offsets add up
   * to exactly count afterwards.
   */
  public static Published publish(
      String bootstrapServers, String topic, int partitions, long count, SamplePayload payload) {
    requireNonNull(bootstrapServers, "bootstrapServers is null");
    requireNonNull(topic, "topic is null");
    requireNonNull(payload, "payload is null");
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(60, TimeUnit.SECONDS);
      long started = System.nanoTime();
      long bytes = send(bootstrapServers, topic, partitions, count, payload);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      long endOffsets = endOffsets(admin, topic, partitions);
      if (endOffsets != count) {
        throw new IllegalStateException(
            "Published " + count + " messages to " + topic + " but it holds " + endOffsets);
      }
      return new Published(count, bytes, took);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot create or read topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while publishing to " + topic, e);
    }
  }

  private static long send(
      String bootstrapServers, String topic, int partitions, long count, SamplePayload payload) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "1");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long id = 1; id <= count && failure.get() == null; id++) {
        Instant timestamp = Instant.now();
        byte[] value = payload.message(id, timestamp);
        bytes += value.length;
        producer.send(
            new ProducerRecord<>(
                topic,
                (int) (id % partitions),
                timestamp.toEpochMilli(),
                Long.toString(id).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                value),
            (metadata, exception) -> {
              if (exception != null) {
                failure.compareAndSet(null, exception);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("Publishing to " + topic + " failed", failure.get());
    }
    return bytes;
  }

  private static long endOffsets(Admin admin, String topic, int partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int partition = 0; partition < partitions; partition++) {
      request.put(new TopicPartition(topic, partition), OffsetSpec.latest());
    }
    long total = 0;
    for (ListOffsetsResult.ListOffsetsResultInfo info :
        admin.listOffsets(request).all().get(60, TimeUnit.SECONDS).values()) {
      total += info.offset();
    }
    return total;
  }
}
