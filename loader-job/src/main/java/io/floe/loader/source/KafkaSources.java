package io.floe.loader.source;

import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.summary.CommitSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the exactly-once Kafka source of a pipeline (offsets in checkpoints, committed back to the
 * consumer group on completion for lag monitoring, partition discovery) and decides where a run
 * without restored state starts.
 */
public final class KafkaSources {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSources.class);
  private static final long TIMEOUT_SECONDS = 30;

  private KafkaSources() {}

  /** The source, starting at {@code start} when the run has no restored state. */
  public static KafkaSource<KafkaMessage> create(
      LoaderSettings settings, Properties clientProperties, StartPositions start) {
    SourceSettings source = settings.source();
    Map<TopicPartition, Long> positions = new HashMap<>();
    start.positions().forEach((key, offset) -> positions.put(topicPartition(key), offset));
    KafkaSourceBuilder<KafkaMessage> builder =
        KafkaSource.<KafkaMessage>builder()
            .setBootstrapServers(source.bootstrapServers())
            .setGroupId(source.groupId())
            .setClientIdPrefix("floe-" + settings.pipelineName())
            .setDeserializer(new KafkaMessageDeserializer())
            .setStartingOffsets(new PipelineStartOffsets(positions));
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

  /**
   * Where a run without restored state starts: after the table's offsets (the pipeline's latest
   * commit); for a pipeline without any commit, by its starting rule, resolved now.
   *
   * @param tableOffsets the offsets of the pipeline's latest commit (topic:partition to offset)
   * @throws IllegalStateException when a topic does not exist, nothing matches the pattern, or
   *     Kafka does not answer
   */
  public static StartPositions startPositions(
      SourceSettings source, Properties clientProperties, Map<String, Long> tableOffsets) {
    try (Admin admin = admin(source, clientProperties)) {
      List<TopicPartition> partitions = partitions(admin, source);
      List<String> keys =
          partitions.stream()
              .map(p -> StartPositions.key(p.topic(), p.partition()))
              .collect(Collectors.toList());
      if (!tableOffsets.isEmpty()) {
        return StartPositions.fromTable(keys, tableOffsets);
      }
      Map<String, Long> resolved = new TreeMap<>();
      switch (source.startingOffsets()) {
        case LATEST:
          resolved = offsets(admin, partitions, OffsetSpec.latest());
          break;
        case TIMESTAMP:
          resolved =
              offsets(
                  admin,
                  partitions,
                  OffsetSpec.forTimestamp(source.startingTimestamp().orElseThrow().toEpochMilli()));
          break;
        default:
          // earliest, and committed (the same for a pipeline without commits): every partition
          // from its earliest offset, which needs nothing recorded.
          break;
      }
      LOG.info(
          "Pipeline without commits, starting offsets {}: {}",
          source.startingOffsets(),
          resolved.isEmpty() ? "earliest" : resolved);
      return new StartPositions(keys, resolved, resolved);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException(
            "A topic of source.topics does not exist: " + source.topics(), e.getCause());
      }
      throw new IllegalStateException("Cannot describe the source topics: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at "
              + source.bootstrapServers()
              + " did not answer within "
              + TIMEOUT_SECONDS
              + " s",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private static Admin admin(SourceSettings source, Properties clientProperties) {
    Properties properties = new Properties();
    properties.putAll(clientProperties);
    properties.setProperty("bootstrap.servers", source.bootstrapServers());
    properties.setProperty("default.api.timeout.ms", Long.toString(TIMEOUT_SECONDS * 1000));
    return Admin.create(properties);
  }

  /** The partitions the pipeline reads today (topics, or topics matching the pattern). */
  private static List<TopicPartition> partitions(Admin admin, SourceSettings source)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> topics = new TreeSet<>(source.topics());
    if (source.topicPattern().isPresent()) {
      topics =
          admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
              .filter(topic -> source.topicPattern().get().matcher(topic).matches())
              .collect(Collectors.toCollection(TreeSet::new));
      if (topics.isEmpty()) {
        throw new IllegalStateException(
            "No topic matches source.topic-pattern " + source.topicPattern().get());
      }
    }
    Map<String, TopicDescription> described =
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      for (TopicPartitionInfo info : described.get(topic).partitions()) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    return partitions;
  }

  private static Map<String, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> listed =
        admin.listOffsets(request, readCommitted()).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, Long> ends = null;
    Map<String, Long> offsets = new TreeMap<>();
    for (TopicPartition partition : partitions) {
      long offset = listed.get(partition).offset();
      if (offset < 0) {
        // No record at or after the timestamp: the partition's end.
        if (ends == null) {
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
          ends = new HashMap<>();
          for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> entry :
              admin
                  .listOffsets(latest, readCommitted())
                  .all()
                  .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                  .entrySet()) {
            ends.put(entry.getKey(), entry.getValue().offset());
          }
        }
        offset = ends.get(partition);
      }
      offsets.put(StartPositions.key(partition.topic(), partition.partition()), offset);
    }
    return offsets;
  }

  /** As the source reads: the end of a partition is its last stable offset. */
  private static ListOffsetsOptions readCommitted() {
    return new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
  }

  /** Parses a {@link CommitSummary#KAFKA_OFFSETS} key. */
  static TopicPartition topicPartition(String key) {
    int colon = key.lastIndexOf(':');
    return new TopicPartition(key.substring(0, colon), Integer.parseInt(key.substring(colon + 1)));
  }
}
