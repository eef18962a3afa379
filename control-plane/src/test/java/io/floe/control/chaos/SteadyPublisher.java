package io.floe.control.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes events with consecutive ids at a steady rate, one in a hundred malformed, through the
 * broker's outages: an idempotent producer that retries for as long as it takes, so that every id
 * lands in the topic exactly once, whatever is killed meanwhile.
 */
public final class SteadyPublisher implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final int perSecond;
  private final AtomicLong nextId;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean running = true;

  private SteadyPublisher(String bootstrapServers, String topic, int perSecond, long firstId) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrapServers);
    properties.put("acks", "all");
    properties.put("enable.idempotence", "true");
    properties.put("max.in.flight.requests.per.connection", "5");
    properties.put("retries", Integer.toString(Integer.MAX_VALUE));
    properties.put("delivery.timeout.ms", Integer.toString(Integer.MAX_VALUE));
    properties.put("max.block.ms", Long.toString(Long.MAX_VALUE));
    properties.put("linger.ms", "5");
    this.producer =
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.perSecond = perSecond;
    this.nextId = new AtomicLong(firstId);
    this.thread = new Thread(this::publish, "steady-publisher-" + topic);
    thread.setDaemon(true);
  }

  /** Starts publishing ids from {@code firstId} on. */
  public static SteadyPublisher start(
      String bootstrapServers, String topic, int perSecond, long firstId) {
    SteadyPublisher publisher = new SteadyPublisher(bootstrapServers, topic, perSecond, firstId);
    publisher.thread.start();
    return publisher;
  }

  /** Publishes ids {@code from..to} at once and waits until the broker has them all. */
  public static void publishNow(String bootstrapServers, String topic, long from, long to) {
    SteadyPublisher publisher = new SteadyPublisher(bootstrapServers, topic, 0, from);
    for (long id = from; id <= to; id++) {
      publisher.send(id);
    }
    publisher.producer.flush();
    publisher.producer.close();
  }

  /** Whether the event with this id is malformed (one in a hundred). */
  public static boolean malformed(long id) {
    return id % 100 == 37;
  }

  public static byte[] value(long id) {
    String json =
        malformed(id)
            ? "{\"id\": " + id + ", \"name\": \"broken"
            : "{\"id\": "
                + id
                + ", \"name\": \"event-"
                + id
                + "\", \"at\": \""
                + Instant.ofEpochSecond(1_700_000_000L + id)
                + "\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private void send(long id) {
    producer.send(
        new ProducerRecord<>(topic, Long.toString(id).getBytes(StandardCharsets.UTF_8), value(id)),
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
  }

  private void publish() {
    long started = System.nanoTime();
    long sent = 0;
    while (running) {
      long due = (System.nanoTime() - started) * perSecond / 1_000_000_000L;
      while (sent < due && running) {
        send(nextId.getAndIncrement());
        sent++;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The next id to be published: every id below it was handed to the producer. */
  public long nextId() {
    return nextId.get();
  }

  /** Stops publishing and waits until the broker acknowledged everything sent. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.flush();
    producer.close();
    if (failure.get() != null) {
      throw new IllegalStateException("A publication failed", failure.get());
    }
  }
}
