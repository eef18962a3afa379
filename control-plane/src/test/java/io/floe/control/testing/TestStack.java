package io.floe.control.testing;

import static java.util.Objects.requireNonNull;

import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalKafka;
import io.floe.local.LocalProcess;
import io.floe.testing.flink.FlinkTestClient;
import io.floe.testing.kafka.KafkaTestClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The stack a control-plane integration test class runs against, started once in its
 * {@code @BeforeAll} and closed in its {@code @AfterAll}: a Kafka broker with a test client, a
 * Flink cluster (a session cluster of the test's, or the one the control plane starts on the local
 * target, or none), a control plane and the warehouse it writes into.
 */
public final class TestStack implements AutoCloseable {
  private final LocalKafka kafka;
  private final KafkaTestClient topics;
  private final LocalFlinkCluster flinkCluster;
  private final FlinkTestClient flinkRest;
  private final ControlPlane controlPlane;
  private final Path controlPlaneDir;

  private TestStack(
      LocalKafka kafka,
      KafkaTestClient topics,
      LocalFlinkCluster flinkCluster,
      URI flinkRestUrl,
      ControlPlane controlPlane,
      Path controlPlaneDir) {
    this.kafka = kafka;
    this.topics = topics;
    this.flinkCluster = flinkCluster;
    this.flinkRest = flinkRestUrl == null ? null : new FlinkTestClient(flinkRestUrl);
    this.controlPlane = controlPlane;
    this.controlPlaneDir = controlPlaneDir;
  }

  /** A stack whose broker, cluster and control plane keep their files under {@code dir}. */
  public static Builder in(Path dir) {
    return new Builder(dir);
  }

  public LocalKafka kafka() {
    return kafka;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The test's Kafka client: topics, events, reads. */
  public KafkaTestClient topics() {
    return topics;
  }

  /** The session cluster the test started; absent on the local target or without Flink. */
  public Optional<LocalFlinkCluster> flinkCluster() {
    return Optional.ofNullable(flinkCluster);
  }

  /** The Flink cluster's REST API, whichever started it, for calls behind the control plane. */
  public FlinkTestClient flinkRest() {
    if (flinkRest == null) {
      throw new IllegalStateException("This stack runs no Flink cluster");
    }
    return flinkRest;
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  /** The control plane's admin. */
  public ApiClient api() {
    return controlPlane.admin();
  }

  /** The warehouse the control plane's default catalog writes into. */
  public Warehouse warehouse() {
    return new Warehouse(controlPlaneDir);
  }

  /** A pipeline of test events from {@code topic} of this broker into {@code db.table}. */
  public PipelineRequest pipeline(String topic, String table) {
    return PipelineRequest.events(kafka.bootstrapServers(), topic, table);
  }

  /** Closes the control plane, then the clients and the cluster, then the broker. */
  @Override
  public void close() {
    if (controlPlane != null) {
      controlPlane.close();
    }
    topics.close();
    if (flinkCluster != null) {
      flinkCluster.close();
    }
    kafka.close();
  }

  /** What the test class needs of the stack. */
  public static final class Builder {
    private final Path dir;
    private Path controlPlaneDir;
    private UnaryOperator<LocalFlinkCluster.Builder> flinkCluster;
    private boolean localFlink;
    private boolean controlPlane = true;
    private final Map<String, Integer> topics = new LinkedHashMap<>();
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<ApplicationContextInitializer<ConfigurableApplicationContext>> initializers =
        new ArrayList<>();

    private Builder(Path dir) {
      this.dir = requireNonNull(dir, "dir is null");
      this.controlPlaneDir = dir;
    }

    /** The control plane's database, local files and warehouse go here, not into the stack's. */
    public Builder controlPlaneIn(Path directory) {
      this.controlPlaneDir = requireNonNull(directory, "directory is null");
      return this;
    }

    /**
     * A session cluster of the test's, configured by {@code configure}, as the control plane's
     * default target {@code flink-cluster}.
     */
    public Builder flinkCluster(UnaryOperator<LocalFlinkCluster.Builder> configure) {
      this.flinkCluster = requireNonNull(configure, "configure is null");
      return this;
    }

    /** The control plane starts its own Flink cluster, on a free port, as the target local. */
    public Builder localFlink() {
      this.localFlink = true;
      return this;
    }

    /** Only the broker and the cluster: the test drives a runtime itself. */
    public Builder withoutControlPlane() {
      this.controlPlane = false;
      return this;
    }

    /** A topic created (and described by the broker) before {@link #start} returns. */
    public Builder topic(String name, int partitions) {
      topics.put(name, partitions);
      return this;
    }

    /** A control-plane property, over the defaults of {@link ControlPlane#properties}. */
    public Builder property(String key, Object value) {
      properties.put(key, value);
      return this;
    }

    public Builder initializer(
        ApplicationContextInitializer<ConfigurableApplicationContext> initializer) {
      initializers.add(requireNonNull(initializer, "initializer is null"));
      return this;
    }

    /**
     * Starts the broker, the cluster and the control plane side by side (the control plane needs
     * only the cluster's address, chosen first; nothing in it reads Kafka or Flink before a
     * pipeline exists), then creates the topics; prints how long each took.
     */
    @SuppressWarnings("unchecked")
    public TestStack start() {
      if (localFlink && flinkCluster != null) {
        throw new IllegalStateException("Either a session cluster or local Flink, not both");
      }
      long begin = System.nanoTime();
      CompletableFuture<Timed<LocalKafka>> broker =
          inThread("kafka", () -> LocalKafka.start(dir.resolve("kafka")));
      CompletableFuture<Timed<LocalFlinkCluster>> cluster = null;
      URI flinkRestUrl = null;
      if (flinkCluster != null) {
        int restPort = LocalProcess.freePort();
        flinkRestUrl = URI.create("http://localhost:" + restPort);
        cluster =
            inThread(
                "flink",
                () ->
                    flinkCluster
                        .apply(LocalFlinkCluster.builder(dir.resolve("flink")))
                        .restPort(restPort)
                        .start());
      }
      ControlPlane started = null;
      KafkaTestClient client = null;
      try {
        long controlPlaneNanos = 0;
        if (controlPlane) {
          Map<String, Object> settings = ControlPlane.properties(controlPlaneDir);
          if (flinkCluster != null) {
            settings.put("floe.runtime.default-target", "flink-cluster");
            settings.put("floe.runtime.flink-cluster.rest-url", flinkRestUrl.toString());
          }
          if (localFlink) {
            int port = LocalProcess.freePort();
            settings.put("floe.local.flink", "true");
            settings.put("floe.local.flink-rest-port", Integer.toString(port));
            settings.put("floe.runtime.default-target", "local");
            flinkRestUrl = URI.create("http://localhost:" + port);
          }
          settings.putAll(properties);
          long controlPlaneBegin = System.nanoTime();
          started =
              ControlPlane.start(
                  settings, initializers.toArray(ApplicationContextInitializer[]::new));
          controlPlaneNanos = System.nanoTime() - controlPlaneBegin;
        }
        Timed<LocalKafka> kafka = join(broker);
        client = new KafkaTestClient(kafka.value().bootstrapServers());
        for (Map.Entry<String, Integer> topic : topics.entrySet()) {
          client.createTopic(topic.getKey(), topic.getValue());
        }
        Timed<LocalFlinkCluster> flink = cluster == null ? null : join(cluster);
        System.out.printf(
            "TestStack started in %d ms side by side: Kafka %d ms, Flink cluster %s,"
                + " control plane %s%n",
            millis(System.nanoTime() - begin),
            millis(kafka.nanos()),
            flink == null ? "none" : millis(flink.nanos()) + " ms",
            controlPlane ? millis(controlPlaneNanos) + " ms" : "none");
        return new TestStack(
            kafka.value(),
            client,
            flink == null ? null : flink.value(),
            flinkRestUrl,
            started,
            controlPlaneDir);
      } catch (RuntimeException | Error e) {
        if (started != null) {
          started.close();
        }
        if (client != null) {
          client.close();
        }
        if (cluster != null) {
          cluster.thenAccept(timed -> timed.value().close());
        }
        broker.thenAccept(timed -> timed.value().close());
        throw e;
      }
    }

    /** A started process and how long its start took. */
    private record Timed<T>(T value, long nanos) {}

    /** Runs {@code start} in a thread of its own (not a pool a 2-core machine makes sequential). */
    private static <T> CompletableFuture<Timed<T>> inThread(String name, Supplier<T> start) {
      return CompletableFuture.supplyAsync(
          () -> {
            long begin = System.nanoTime();
            T value = start.get();
            return new Timed<>(value, System.nanoTime() - begin);
          },
          task -> {
            Thread thread = new Thread(task, "test-stack-" + name);
            thread.setDaemon(true);
            thread.start();
          });
    }

    /** The future's value, or what its start threw, as it threw it. */
    private static <T> T join(CompletableFuture<T> future) {
      try {
        return future.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        if (e.getCause() instanceof Error cause) {
          throw cause;
        }
        throw e;
      }
    }

    private static long millis(long nanos) {
      return nanos / 1_000_000;
    }
  }
}
