package io.floe.control.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalStackTest {
  @Test
  void bootstrapServersNameTheLocalBrokerByALoopbackNameAndItsPort() {
    assertThat(LocalStack.namesLocalPort("localhost:9092", 9092)).isTrue();
    assertThat(LocalStack.namesLocalPort("LOCALHOST:9092", 9092)).isTrue();
    assertThat(LocalStack.namesLocalPort("kafka-1:9092, 127.0.0.1:9092", 9092)).isTrue();
    assertThat(LocalStack.namesLocalPort("[::1]:9092", 9092)).isTrue();

    assertThat(LocalStack.namesLocalPort("localhost:9093", 9092)).isFalse();
    assertThat(LocalStack.namesLocalPort("kafka-1:9092", 9092)).isFalse();
    assertThat(LocalStack.namesLocalPort("localhost", 9092)).isFalse();
    assertThat(LocalStack.namesLocalPort(null, 9092)).isFalse();
  }
}
