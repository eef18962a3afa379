package io.floe.control.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.stereotype.Component;

/** {@link KafkaTopics} through Kafka's Admin client, one short-lived client per question. */
@Component
public class AdminKafkaTopics implements KafkaTopics {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @Override
  public Map<String, Integer> partitions(Properties clientProperties, Collection<String> topics) {
    try (Admin admin = admin(clientProperties)) {
      Map<String, KafkaFuture<TopicDescription>> futures =
          admin.describeTopics(topics).topicNameValues();
      Map<String, Integer> partitions = new TreeMap<>();
      for (Map.Entry<String, KafkaFuture<TopicDescription>> future : futures.entrySet()) {
        try {
          partitions.put(
              future.getKey(),
              future.getValue().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).partitions().size());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw unavailable(clientProperties, e.getCause());
          }
        }
      }
      return partitions;
    } catch (TimeoutException e) {
      throw unavailable(clientProperties, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(clientProperties, e);
    }
  }

  @Override
  public Map<String, Integer> partitionsMatching(Properties clientProperties, Pattern pattern) {
    List<String> matching;
    try (Admin admin = admin(clientProperties)) {
      matching =
          admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
              .filter(name -> pattern.matcher(name).matches())
              .collect(Collectors.toList());
    } catch (ExecutionException e) {
      throw unavailable(clientProperties, e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(clientProperties, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(clientProperties, e);
    }
    return matching.isEmpty() ? Map.of() : partitions(clientProperties, matching);
  }

  @Override
  public long lag(Properties clientProperties, String groupId, Collection<String> topics) {
    try (Admin admin = admin(clientProperties)) {
      Map<String, TopicDescription> described =
          admin
              .describeTopics(topics)
              .allTopicNames()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      described.forEach(
          (topic, description) ->
              description
                  .partitions()
                  .forEach(
                      partition -> {
                        TopicPartition key = new TopicPartition(topic, partition.partition());
                        latest.put(key, OffsetSpec.latest());
                        earliest.put(key, OffsetSpec.earliest());
                      }));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
          admin.listOffsets(earliest).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(groupId)
              .partitionsToOffsetAndMetadata()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      long lag = 0;
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end :
          ends.entrySet()) {
        OffsetAndMetadata offset = committed.get(end.getKey());
        long position = offset != null ? offset.offset() : starts.get(end.getKey()).offset();
        lag += Math.max(0, end.getValue().offset() - position);
      }
      return lag;
    } catch (ExecutionException e) {
      throw unavailable(clientProperties, e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(clientProperties, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(clientProperties, e);
    }
  }

  @Override
  public Map<String, OffsetRange> offsetRanges(
      Properties clientProperties, Collection<String> topics) {
    try (Admin admin = admin(clientProperties)) {
      List<TopicPartition> partitions = partitionsOf(admin, topics);
      Map<TopicPartition, Long> earliest = list(admin, partitions, OffsetSpec.earliest());
      Map<TopicPartition, Long> end = list(admin, partitions, OffsetSpec.latest());
      Map<String, OffsetRange> ranges = new TreeMap<>();
      for (TopicPartition partition : partitions) {
        ranges.put(key(partition), new OffsetRange(earliest.get(partition), end.get(partition)));
      }
      return ranges;
    } catch (ExecutionException e) {
      throw unavailable(clientProperties, e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(clientProperties, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(clientProperties, e);
    }
  }

  @Override
  public Map<String, Long> offsetsAt(
      Properties clientProperties, Collection<String> topics, Instant instant) {
    try (Admin admin = admin(clientProperties)) {
      List<TopicPartition> partitions = partitionsOf(admin, topics);
      Map<TopicPartition, Long> at =
          list(admin, partitions, OffsetSpec.forTimestamp(instant.toEpochMilli()));
      Map<TopicPartition, Long> end = list(admin, partitions, OffsetSpec.latest());
      Map<String, Long> offsets = new TreeMap<>();
      for (TopicPartition partition : partitions) {
        long offset = at.get(partition);
        offsets.put(key(partition), offset < 0 ? end.get(partition) : offset);
      }
      return offsets;
    } catch (ExecutionException e) {
      throw unavailable(clientProperties, e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(clientProperties, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(clientProperties, e);
    }
  }

  @Override
  public Optional<Duration> transactionMaxTimeout(Properties clientProperties) {
    try (Admin admin = admin(clientProperties)) {
      Collection<Node> nodes =
          admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (nodes.isEmpty()) {
        return Optional.empty();
      }
      ConfigResource broker =
          new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
      Config config =
          admin
              .describeConfigs(List.of(broker))
              .all()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(broker);
      ConfigEntry entry = config == null ? null : config.get("transaction.max.timeout.ms");
      return entry == null || entry.value() == null
          ? Optional.empty()
          : Optional.of(Duration.ofMillis(Long.parseLong(entry.value())));
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // Not allowed to describe the brokers' configuration (ACLs), or a managed service hides it.
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static List<TopicPartition> partitionsOf(Admin admin, Collection<String> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<String, TopicDescription> described =
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    List<TopicPartition> partitions = new ArrayList<>();
    described.forEach(
        (topic, description) ->
            description
                .partitions()
                .forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
    return partitions;
  }

  private static Map<TopicPartition, Long> list(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(partition -> request.put(partition, spec));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin
        .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all()
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .forEach((partition, info) -> offsets.put(partition, info.offset()));
    return offsets;
  }

  private static String key(TopicPartition partition) {
    return partition.topic() + ":" + partition.partition();
  }

  private static Admin admin(Properties clientProperties) {
    Properties properties = new Properties();
    properties.putAll(clientProperties);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    return Admin.create(properties);
  }

  private static KafkaUnavailableException unavailable(Properties properties, Throwable cause) {
    return new KafkaUnavailableException(
        "Kafka at "
            + properties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
            + " did not answer: "
            + cause.getMessage(),
        cause);
  }
}
