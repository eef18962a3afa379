package io.floe.control.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topics and messages for control-plane tests: {"id": n, "name": ..., "at": ...} events. */
public final class TestTopics implements AutoCloseable {
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;

  public TestTopics(String bootstrapServers) {
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
  public void create(String topic, int partitions) {
    try {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
    ApiClient.await(
        "topic " + topic + " described by the broker",
        () -> described(topic),
        Boolean::booleanValue,
        Duration.ofSeconds(30));
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

  /** An event; {@code extra} and {@code more} fill columns that tests add to the table later. */
  public static byte[] event(long id) {
    String json =
        String.format(
            "{\"id\": %d, \"name\": \"event-%d\", \"at\": \"%s\", \"extra\": \"extra-%d\","
                + " \"more\": %d}",
            id, id, Instant.ofEpochSecond(1_700_000_000L + id * 60), id, id % 1000);
    return json.getBytes(StandardCharsets.UTF_8);
  }

  public void sendRaw(String topic, byte[] value) {
    producer.send(new ProducerRecord<>(topic, null, value));
  }

  public void flush() {
    producer.flush();
  }

  public void send(String topic, long fromId, long toId) {
    for (long id = fromId; id <= toId; id++) {
      producer.send(
          new ProducerRecord<>(
              topic, Long.toString(id).getBytes(StandardCharsets.UTF_8), event(id)));
    }
    producer.flush();
  }

  /** Publishes ids from {@code fromId} on, about {@code perSecond} a second, until stopped. */
  public Publisher publish(String topic, long fromId, int perSecond) {
    return new Publisher(topic, fromId, perSecond, 0);
  }

  /**
   * Publishes as {@link #publish(String, long, int)}, plus one malformed message (truncated JSON,
   * without an id) for every {@code malformedEvery - 1} events: a share of {@code 1 /
   * malformedEvery} of the messages is malformed.
   */
  public Publisher publish(String topic, long fromId, int perSecond, int malformedEvery) {
    if (malformedEvery < 2) {
      throw new IllegalArgumentException(
          "malformedEvery must be at least 2, got " + malformedEvery);
    }
    return new Publisher(topic, fromId, perSecond, malformedEvery);
  }

  @Override
  public void close() {
    producer.close();
    admin.close();
  }

  /** A background publisher; {@link #stop()} returns the last id it published. */
  public final class Publisher {
    private final AtomicLong last;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private Publisher(String topic, long fromId, int perSecond, int malformedEvery) {
      this.last = new AtomicLong(fromId - 1);
      this.thread =
          new Thread(
              () -> {
                long id = fromId;
                int batch = Math.max(1, perSecond / 10);
                while (running.get()) {
                  long to = id + batch - 1;
                  for (long n = id; malformedEvery > 0 && n <= to; n++) {
                    if ((n - fromId + 1) % (malformedEvery - 1) == 0) {
                      sendRaw(topic, ("{\"malformed\": " + n).getBytes(StandardCharsets.UTF_8));
                    }
                  }
                  send(topic, id, to);
                  last.set(to);
                  id = to + 1;
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "test-publisher");
      thread.start();
    }

    public long published() {
      return last.get();
    }

    public long stop() throws InterruptedException {
      running.set(false);
      thread.join();
      return last.get();
    }
  }
}
