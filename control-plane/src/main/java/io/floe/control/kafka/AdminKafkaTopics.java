package io.floe.control.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
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
