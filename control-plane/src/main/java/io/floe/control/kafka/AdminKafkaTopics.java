package io.floe.control.kafka;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * {@link KafkaTopics} through Kafka's Admin client, one client per connection settings, shared by
 * the calls that use them. The health monitor asks every pipeline's lag every few seconds: a client
 * per question started a network thread each time and logged its whole configuration (about 100
 * lines a pass). A client is closed once unused for {@link #IDLE}, when a call through it failed
 * (the next call starts afresh), and at shutdown.
 */
@Component
public class AdminKafkaTopics implements KafkaTopics, DisposableBean {
  /** How long a client may stay unused before the next call closes it. */
  public static final Duration IDLE = Duration.ofMinutes(5);

  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Duration UNKNOWN_TOPIC_WAIT = Duration.ofSeconds(2);
  private static final Duration UNKNOWN_TOPIC_PAUSE = Duration.ofMillis(100);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(AdminKafkaTopics.class);

  private final Duration idle;
  private final Object lock = new Object();
  private final Map<Map<String, String>, Shared> clients = new HashMap<>(); // guarded by lock
  private boolean closed; // guarded by lock

  public AdminKafkaTopics() {
    this(IDLE);
  }

  AdminKafkaTopics(Duration idle) {
    this.idle = requireNonNull(idle, "idle is null");
  }

  /**
   * {@inheritDoc}
   *
   * <p>A topic the broker does not know is asked for again for up to 2 s: brokers learn of a topic
   * created a moment ago with a delay (Kafka Streams' InternalTopicManager retries for the same
   * reason), and a client in use asks at once.
   */
  @Override
  public Map<String, Integer> partitions(Properties clientProperties, Collection<String> topics) {
    try (Lease lease = lease(clientProperties)) {
      Map<String, Integer> partitions = new TreeMap<>();
      List<String> unknown = new ArrayList<>(topics);
      long deadline = System.nanoTime() + UNKNOWN_TOPIC_WAIT.toNanos();
      while (true) {
        Map<String, KafkaFuture<TopicDescription>> futures =
            lease.admin().describeTopics(unknown).topicNameValues();
        unknown.clear();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> future : futures.entrySet()) {
          try {
            partitions.put(
                future.getKey(),
                future
                    .getValue()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .partitions()
                    .size());
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
              throw unavailable(clientProperties, e.getCause());
            }
            unknown.add(future.getKey());
          }
        }
        if (unknown.isEmpty() || System.nanoTime() - deadline >= 0) {
          return lease.answered(partitions);
        }
        Thread.sleep(UNKNOWN_TOPIC_PAUSE.toMillis());
      }
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
    try (Lease lease = lease(clientProperties)) {
      matching =
          lease.answered(
              lease
                  .admin()
                  .listTopics()
                  .names()
                  .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                  .stream()
                  .filter(name -> pattern.matcher(name).matches())
                  .collect(Collectors.toList()));
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
    try (Lease lease = lease(clientProperties)) {
      Admin admin = lease.admin();
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
      return lease.answered(lag);
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
  public Map<String, Long> lags(
      Properties clientProperties, Map<String, Collection<String>> topicsByGroup) {
    if (topicsByGroup.isEmpty()) {
      return Map.of();
    }
    return ask(
        clientProperties,
        admin -> {
          Set<String> topics = new TreeSet<>();
          topicsByGroup.values().forEach(topics::addAll);
          List<TopicPartition> partitions = partitionsOf(admin, topics);
          Map<TopicPartition, Long> earliest = list(admin, partitions, OffsetSpec.earliest());
          // The high watermark, as lag() reads it.
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
          Map<TopicPartition, Long> end = new HashMap<>();
          admin
              .listOffsets(latest)
              .all()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .forEach((partition, info) -> end.put(partition, info.offset()));
          Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
          topicsByGroup
              .keySet()
              .forEach(group -> groups.put(group, new ListConsumerGroupOffsetsSpec()));
          Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
              admin
                  .listConsumerGroupOffsets(groups)
                  .all()
                  .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          Map<String, Long> lags = new HashMap<>();
          topicsByGroup.forEach(
              (group, groupTopics) -> {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                    committed.getOrDefault(group, Map.of());
                long lag = 0;
                for (TopicPartition partition : partitions) {
                  if (groupTopics.contains(partition.topic())) {
                    OffsetAndMetadata offset = offsets.get(partition);
                    long position = offset != null ? offset.offset() : earliest.get(partition);
                    lag += Math.max(0, end.get(partition) - position);
                  }
                }
                lags.put(group, lag);
              });
          return lags;
        });
  }

  @Override
  public Map<String, OffsetRange> offsetRanges(
      Properties clientProperties, Collection<String> topics) {
    return ask(
        clientProperties,
        admin -> {
          List<TopicPartition> partitions = partitionsOf(admin, topics);
          Map<TopicPartition, Long> earliest = list(admin, partitions, OffsetSpec.earliest());
          Map<TopicPartition, Long> end = list(admin, partitions, OffsetSpec.latest());
          Map<String, OffsetRange> ranges = new TreeMap<>();
          for (TopicPartition partition : partitions) {
            ranges.put(
                key(partition), new OffsetRange(earliest.get(partition), end.get(partition)));
          }
          return ranges;
        });
  }

  @Override
  public Map<String, Long> offsetsAt(
      Properties clientProperties, Collection<String> topics, Instant instant) {
    return ask(
        clientProperties,
        admin -> {
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
        });
  }

  @Override
  public Optional<Duration> transactionMaxTimeout(Properties clientProperties) {
    try {
      return ask(
          clientProperties,
          admin -> {
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
          });
    } catch (KafkaUnavailableException | NumberFormatException e) {
      // Not allowed to describe the brokers' configuration (ACLs), or a managed service hides it.
      return Optional.empty();
    }
  }

  /** A question to the shared client: its failures become {@link KafkaUnavailableException}. */
  private <T> T ask(Properties clientProperties, Question<T> question) {
    try (Lease lease = lease(clientProperties)) {
      return lease.answered(question.ask(lease.admin()));
    } catch (ExecutionException e) {
      throw unavailable(clientProperties, e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(clientProperties, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(clientProperties, e);
    }
  }

  /** What {@link #ask} asks. */
  @FunctionalInterface
  private interface Question<T> {
    T ask(Admin admin) throws ExecutionException, InterruptedException, TimeoutException;
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

  /** Closes every client; calls still under way fail. */
  @Override
  public void destroy() {
    List<Admin> unused = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      for (Shared shared : clients.values()) {
        shared.discarded = true;
        if (shared.lent == 0) {
          unused.add(shared.admin);
        }
      }
      clients.clear();
    }
    unused.forEach(AdminKafkaTopics::close);
  }

  /** The shared client for these settings, started if there is none. */
  private Lease lease(Properties clientProperties) {
    Map<String, String> settings = new TreeMap<>();
    clientProperties.forEach((key, value) -> settings.put(key.toString(), value.toString()));
    List<Admin> idleClients = new ArrayList<>();
    Lease lease;
    synchronized (lock) {
      if (closed) {
        throw unavailable(clientProperties, new IllegalStateException("the control plane stops"));
      }
      long now = System.nanoTime();
      for (Iterator<Shared> it = clients.values().iterator(); it.hasNext(); ) {
        Shared shared = it.next();
        if (shared.lent == 0 && now - shared.returnedAt >= idle.toNanos()) {
          it.remove();
          idleClients.add(shared.admin);
        }
      }
      Shared shared = clients.get(settings);
      if (shared == null) {
        shared = new Shared(create(clientProperties));
        clients.put(settings, shared);
      }
      shared.lent++;
      lease = new Lease(settings, shared);
    }
    idleClients.forEach(AdminKafkaTopics::close);
    return lease;
  }

  private void giveBack(Lease lease) {
    Shared shared = lease.shared;
    boolean close;
    synchronized (lock) {
      shared.lent--;
      shared.returnedAt = System.nanoTime();
      if (!lease.answered && clients.get(lease.settings) == shared) {
        clients.remove(lease.settings);
        shared.discarded = true;
      }
      close = shared.discarded && shared.lent == 0;
    }
    if (close) {
      close(shared.admin);
    }
  }

  private static Admin create(Properties clientProperties) {
    Properties properties = new Properties();
    properties.putAll(clientProperties);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    return Admin.create(properties);
  }

  private static void close(Admin admin) {
    try {
      admin.close(CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.debug("Closing a Kafka admin client failed", e);
    }
  }

  private static KafkaUnavailableException unavailable(Properties properties, Throwable cause) {
    return new KafkaUnavailableException(
        "Kafka at "
            + properties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
            + " did not answer: "
            + cause.getMessage(),
        cause);
  }

  /** A client with the calls that use it. */
  private static final class Shared {
    private final Admin admin;
    private int lent; // guarded by the lock
    private long returnedAt = System.nanoTime(); // guarded by the lock
    private boolean discarded; // guarded by the lock

    private Shared(Admin admin) {
      this.admin = admin;
    }
  }

  /** A client lent to one call: given back unanswered (the call failed), it is closed. */
  private final class Lease implements AutoCloseable {
    private final Map<String, String> settings;
    private final Shared shared;
    private boolean answered;

    private Lease(Map<String, String> settings, Shared shared) {
      this.settings = settings;
      this.shared = shared;
    }

    Admin admin() {
      return shared.admin;
    }

    <T> T answered(T answer) {
      answered = true;
      return answer;
    }

    @Override
    public void close() {
      giveBack(this);
    }
  }
}
