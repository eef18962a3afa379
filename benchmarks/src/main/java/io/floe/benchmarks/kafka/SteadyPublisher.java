package io.floe.benchmarks.kafka;

import static java.util.Objects.requireNonNull;

import io.floe.loader.sample.SamplePayload;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes messages 1..N at a steady rate for a while, as live traffic would arrive (not a
 * backlog), each stamped with the instant it was sent (its {@code timestamp} field, and its Kafka
 * CreateTime): the input of the freshness measurement.
 */
public final class SteadyPublisher {
  private SteadyPublisher() {}

  /** What was sent: ids 1..records, from {@code started} on. */
  public record Sent(long records, Instant started, Duration took) {}

  /** Creates the topic; the job can start reading it before anything is sent. */
  public static void createTopic(String bootstrapServers, String topic, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot create topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** Sends {@code rate} messages a second for {@code duration}, message i at start + i / rate. */
  public static Sent publish(
      String bootstrapServers,
      String topic,
      int partitions,
      int rate,
      Duration duration,
      SamplePayload payload) {
    requireNonNull(payload, "payload is null");
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "1");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long total = (long) rate * duration.toMillis() / 1000;
    long startNanos = System.nanoTime();
    Instant started = Instant.now();
    long id = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      while (id < total && failure.get() == null) {
        long due = Math.min(total, (System.nanoTime() - startNanos) * rate / 1_000_000_000L + 1);
        while (id < due) {
          id++;
          Instant now = Instant.now();
          producer.send(
              new ProducerRecord<>(
                  topic,
                  (int) (id % partitions),
                  now.toEpochMilli(),
                  Long.toString(id).getBytes(StandardCharsets.US_ASCII),
                  payload.message(id, now)),
              (metadata, exception) -> {
                if (exception != null) {
                  failure.compareAndSet(null, exception);
                }
              });
        }
        sleepMillis(1);
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("Publishing to " + topic + " failed", failure.get());
    }
    return new Sent(id, started, Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
