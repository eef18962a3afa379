package io.floe.control.kafka;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.testing.TestTopics;
import io.floe.local.LocalKafka;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka admin clients against a real broker: one per connection settings however often they are
 * used (the health monitor reads every pipeline's lag every few seconds), closed when a call
 * through them fails, when unused for the idle time, and at shutdown. Each client registers Kafka's
 * app-info MBean while it is open, which is what these tests count.
 */
class AdminKafkaTopicsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  static LocalKafka kafka;
  static TestTopics topics;

  @BeforeAll
  static void start() {
    kafka = LocalKafka.start(dir.resolve("kafka"));
    topics = new TestTopics(kafka.bootstrapServers());
    topics.create("lagging", 2);
    topics.send("lagging", 1, 10);
  }

  @AfterAll
  static void stop() {
    if (topics != null) {
      topics.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Properties settings() {
    Properties settings = new Properties();
    settings.setProperty("bootstrap.servers", kafka.bootstrapServers());
    return settings;
  }

  /** The same broker, through settings that differ. */
  private static Properties otherSettings() {
    Properties settings = settings();
    settings.setProperty("client.dns.lookup", "use_all_dns_ips");
    return settings;
  }

  private static Set<ObjectName> openAdminClients() {
    try {
      return ManagementFactory.getPlatformMBeanServer()
          .queryNames(new ObjectName("kafka.admin.client:type=app-info,id=*"), null);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<ObjectName> openedSince(Set<ObjectName> before) {
    Set<ObjectName> opened = new HashSet<>(openAdminClients());
    opened.removeAll(before);
    return opened;
  }

  private static void awaitAllClosedSince(Set<ObjectName> before) {
    await("the admin clients closed", () -> openedSince(before), Set::isEmpty, WAIT);
  }

  @Test
  void callsWithTheSameSettingsShareOneClient() {
    Set<ObjectName> before = openAdminClients();
    AdminKafkaTopics kafkaTopics = new AdminKafkaTopics();
    try {
      for (int pass = 0; pass < 3; pass++) {
        assertThat(kafkaTopics.lag(settings(), "nobody", List.of("lagging"))).isEqualTo(10);
      }
      assertThat(kafkaTopics.partitions(settings(), List.of("lagging", "missing")))
          .containsExactly(Map.entry("lagging", 2));
      assertThat(openedSince(before)).hasSize(1);

      kafkaTopics.lag(otherSettings(), "nobody", List.of("lagging"));
      assertThat(openedSince(before)).hasSize(2);
    } finally {
      kafkaTopics.destroy();
    }
    awaitAllClosedSince(before);
    assertThatThrownBy(() -> kafkaTopics.lag(settings(), "nobody", List.of("lagging")))
        .isInstanceOf(KafkaUnavailableException.class);
  }

  @Test
  void theLagsOfManyGroupsAreReadAtOnceAndEqualEachGroupsOwn() throws Exception {
    topics.create("lags-other", 1);
    topics.send("lags-other", 1, 4);
    try (Admin admin = Admin.create(settings())) {
      admin
          .alterConsumerGroupOffsets(
              "lags-reader", Map.of(new TopicPartition("lags-other", 0), new OffsetAndMetadata(3)))
          .all()
          .get();
    }
    AdminKafkaTopics kafkaTopics = new AdminKafkaTopics();
    try {
      Map<String, java.util.Collection<String>> groups =
          Map.of(
              "nobody", List.of("lagging"),
              "lags-reader", List.of("lags-other"),
              "lags-both", List.of("lagging", "lags-other"));
      assertThat(kafkaTopics.lags(settings(), groups))
          .isEqualTo(Map.of("nobody", 10L, "lags-reader", 1L, "lags-both", 14L));
      groups.forEach(
          (group, groupTopics) ->
              assertThat(kafkaTopics.lags(settings(), groups).get(group))
                  .isEqualTo(kafkaTopics.lag(settings(), group, groupTopics)));
      assertThat(kafkaTopics.lags(settings(), Map.of())).isEmpty();
    } finally {
      kafkaTopics.destroy();
    }
  }

  @Test
  void aTopicCreatedAMomentAgoIsFoundThroughAClientInUse() {
    AdminKafkaTopics kafkaTopics = new AdminKafkaTopics();
    try {
      assertThat(kafkaTopics.partitions(settings(), List.of("lagging"))).containsKey("lagging");
      for (int i = 0; i < 5; i++) {
        String topic = "created-" + i;
        topics.create(topic, 3);

        assertThat(kafkaTopics.partitions(settings(), List.of(topic)))
            .containsExactly(Map.entry(topic, 3));
      }
      assertThat(kafkaTopics.partitions(settings(), List.of("never-created"))).isEmpty();
    } finally {
      kafkaTopics.destroy();
    }
  }

  @Test
  void aCallThatFailsClosesItsClientAndTheNextStartsAfresh() {
    Set<ObjectName> before = openAdminClients();
    AdminKafkaTopics kafkaTopics = new AdminKafkaTopics();
    try {
      assertThatThrownBy(() -> kafkaTopics.lag(settings(), "nobody", List.of("missing")))
          .isInstanceOf(KafkaUnavailableException.class);
      awaitAllClosedSince(before);

      assertThat(kafkaTopics.lag(settings(), "nobody", List.of("lagging"))).isEqualTo(10);
      assertThat(openedSince(before)).hasSize(1);
    } finally {
      kafkaTopics.destroy();
    }
    awaitAllClosedSince(before);
  }

  @Test
  void aClientUnusedForTheIdleTimeIsClosedByTheNextCall() {
    Set<ObjectName> before = openAdminClients();
    AdminKafkaTopics kafkaTopics = new AdminKafkaTopics(Duration.ZERO);
    try {
      kafkaTopics.lag(settings(), "nobody", List.of("lagging"));
      Set<ObjectName> first = openedSince(before);
      assertThat(first).hasSize(1);

      kafkaTopics.lag(otherSettings(), "nobody", List.of("lagging"));
      Set<ObjectName> second =
          await(
              "the idle client closed",
              () -> openedSince(before),
              opened -> opened.size() == 1,
              WAIT);
      assertThat(second).doesNotContainAnyElementsOf(first);
    } finally {
      kafkaTopics.destroy();
    }
    awaitAllClosedSince(before);
  }
}
