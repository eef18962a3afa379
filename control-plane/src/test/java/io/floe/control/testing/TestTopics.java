package io.floe.control.testing;

import io.floe.testing.kafka.KafkaTestClient;

/**
 * The older name of {@link KafkaTestClient} for the integration tests that still call it (Kafka
 * admin, Managed Flink): topics and test events. New tests use {@link KafkaTestClient}, through
 * {@link TestStack#topics()}.
 */
public final class TestTopics implements AutoCloseable {
  private final KafkaTestClient client;

  public TestTopics(String bootstrapServers) {
    this.client = new KafkaTestClient(bootstrapServers);
  }

  /** Creates the topic and waits until the broker describes it. */
  public void create(String topic, int partitions) {
    client.createTopic(topic, partitions);
  }

  /** Sends the events {@code fromId..toId} and flushes. */
  public void send(String topic, long fromId, long toId) {
    client.sendEvents(topic, fromId, toId);
  }

  @Override
  public void close() {
    client.close();
  }
}
