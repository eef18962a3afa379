package io.floe.loader.source;

import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.summary.CommitSummary;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Builds the exactly-once Kafka source of a pipeline (offsets in checkpoints, committed back to the
 * consumer group on completion, partition discovery) and sizes the job to the topics.
 */
public final class KafkaSources {
  private KafkaSources() {}

  /**
   * The source. Without restored state it starts as configured; "committed" prefers the offsets the
   * pipeline last committed to its table, then the consumer group's, then the earliest.
   */
  public static KafkaSource<KafkaMessage> create(
      LoaderSettings settings, Properties clientProperties, Map<String, Long> tableOffsets) {
    SourceSettings source = settings.source();
    KafkaSourceBuilder<KafkaMessage> builder =
        KafkaSource.<KafkaMessage>builder()
            .setBootstrapServers(source.bootstrapServers())
            .setGroupId(source.groupId())
            .setClientIdPrefix("floe-" + settings.pipelineName())
            .setDeserializer(new KafkaMessageDeserializer())
            .setStartingOffsets(startingOffsets(source, tableOffsets));
    if (source.topicPattern().isPresent()) {
      builder.setTopicPattern(source.topicPattern().get());
    } else {
      builder.setTopics(source.topics());
    }
    Properties properties = new Properties();
    properties.setProperty("isolation.level", "read_committed");
    properties.putAll(clientProperties);
    long discovery = source.partitionDiscoveryInterval().toMillis();
    properties.setProperty(
        "partition.discovery.interval.ms", Long.toString(discovery > 0 ? discovery : -1));
    properties.setProperty("commit.offsets.on.checkpoint", "true");
    builder.setProperties(properties);
    return builder.build();
  }

  static OffsetsInitializer startingOffsets(SourceSettings source, Map<String, Long> tableOffsets) {
    switch (source.startingOffsets()) {
      case EARLIEST:
        return OffsetsInitializer.earliest();
      case LATEST:
        return OffsetsInitializer.latest();
      case TIMESTAMP:
        return OffsetsInitializer.timestamp(
            source.startingTimestamp().orElseThrow().toEpochMilli());
      default:
        if (tableOffsets.isEmpty()) {
          return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        tableOffsets.forEach((key, offset) -> offsets.put(topicPartition(key), offset));
        return OffsetsInitializer.offsets(offsets, OffsetResetStrategy.EARLIEST);
    }
  }

  /**
   * The number of partitions the pipeline reads today (topics, or topics matching the pattern).
   *
   * @throws IllegalStateException when a topic does not exist or nothing matches the pattern
   */
  public static int partitionCount(SourceSettings source, Properties clientProperties) {
    Properties properties = new Properties();
    properties.putAll(clientProperties);
    properties.setProperty("bootstrap.servers", source.bootstrapServers());
    properties.setProperty("default.api.timeout.ms", "30000");
    try (Admin admin = Admin.create(properties)) {
      Set<String> topics = new TreeSet<>(source.topics());
      if (source.topicPattern().isPresent()) {
        topics =
            admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(topic -> source.topicPattern().get().matcher(topic).matches())
                .collect(Collectors.toCollection(TreeSet::new));
        if (topics.isEmpty()) {
          throw new IllegalStateException(
              "No topic matches source.topic-pattern " + source.topicPattern().get());
        }
      }
      Map<String, TopicDescription> described =
          admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
      return described.values().stream().mapToInt(d -> d.partitions().size()).sum();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException(
            "A topic of source.topics does not exist: " + source.topics(), e.getCause());
      }
      throw new IllegalStateException("Cannot describe the source topics: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at " + source.bootstrapServers() + " did not answer within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** Parses a {@link CommitSummary#KAFKA_OFFSETS} key. */
  static TopicPartition topicPartition(String key) {
    int colon = key.lastIndexOf(':');
    return new TopicPartition(key.substring(0, colon), Integer.parseInt(key.substring(colon + 1)));
  }
}
