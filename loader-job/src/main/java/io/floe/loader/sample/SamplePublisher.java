package io.floe.loader.sample;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes sample messages to Kafka, by count or at a steady rate, so the local demo, tests and
 * benchmarks have data to load; also the command line {@code SamplePublisher --help}.
 *
 * <p>Ids count up from the options' start id across calls. Each record's key is its id in decimal,
 * and its Kafka timestamp (CreateTime) is the instant in the message's {@code timestamp} field.
 */
public final class SamplePublisher implements AutoCloseable {
  private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final SamplePublisherOptions options;
  private final PrintStream progress;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Callback onAcknowledged;
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
  private volatile boolean stopped;
  private long nextId;

  /**
   * @param options what to publish and where
   * @param progress where a progress line goes every 5 s while publishing
   */
  public SamplePublisher(SamplePublisherOptions options, PrintStream progress) {
    this.options = requireNonNull(options, "options is null");
    this.progress = requireNonNull(progress, "progress is null");
    this.nextId = options.startId();
    this.producer =
        new KafkaProducer<>(
            producerConfig(options), new ByteArraySerializer(), new ByteArraySerializer());
    this.onAcknowledged =
        (metadata, exception) -> {
          if (exception != null) {
            firstFailure.compareAndSet(null, exception);
          }
        };
  }

  public static void main(String[] args) {
    int exitCode = run(args, System.out, System.err);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /**
   * Runs the command line and returns its exit code: 0 when done, 1 when publishing failed, 2 for
   * invalid arguments (after printing every problem and the usage).
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    PublisherCommandLine commandLine = PublisherCommandLine.parse(List.of(args));
    if (commandLine.helpRequested()) {
      out.println(PublisherCommandLine.usage());
      return 0;
    }
    if (!commandLine.problems().isEmpty()) {
      for (String problem : commandLine.problems()) {
        err.println("error: " + problem);
      }
      err.println();
      err.println(PublisherCommandLine.usage());
      return 2;
    }
    try (SamplePublisher publisher = new SamplePublisher(commandLine.options(), out)) {
      runUntilDone(publisher, commandLine);
      return 0;
    } catch (KafkaException e) {
      err.println("error: " + e.getMessage());
      e.printStackTrace(err);
      return 1;
    }
  }

  /**
   * Publishes as the command line says and prints the final counts; a JVM shutdown (Ctrl-C) stops
   * it gracefully, after those counts are printed.
   */
  private static void runUntilDone(SamplePublisher publisher, PublisherCommandLine commandLine) {
    CountDownLatch finished = new CountDownLatch(1);
    Thread stopOnShutdown =
        new Thread(
            () -> {
              publisher.stop();
              awaitQuietly(finished, Duration.ofSeconds(30));
            },
            "sample-publisher-shutdown");
    Runtime.getRuntime().addShutdownHook(stopOnShutdown);
    try {
      if (commandLine.createTopic()) {
        boolean created = publisher.createTopicIfAbsent(commandLine.partitions());
        publisher.progress.println(
            (created ? "created topic " : "topic exists: ") + commandLine.options().topic());
      }
      PublishedCounts counts =
          commandLine.count().isPresent()
              ? publisher.publishCount(commandLine.count().getAsLong())
              : publisher.publishAtRate(commandLine.rate().getAsDouble(), commandLine.duration());
      publisher.progress.println(counts);
    } finally {
      finished.countDown();
      removeShutdownHook(stopOnShutdown);
    }
  }

  /**
   * Creates the topic with this many partitions (or the broker's default when empty) and the
   * broker's default replication factor; false when it already exists, whatever its partitions.
   */
  public boolean createTopicIfAbsent(Optional<Integer> partitions) {
    requireNonNull(partitions, "partitions is null");
    Map<String, Object> config = new HashMap<>(options.clientProperties());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    try (Admin admin = Admin.create(config)) {
      admin
          .createTopics(List.of(new NewTopic(options.topic(), partitions, Optional.empty())))
          .all()
          .get(60, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw new KafkaException("Cannot create topic " + options.topic(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("Timed out creating topic " + options.topic(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("Interrupted while creating topic " + options.topic(), e);
    }
  }

  /**
   * Publishes {@code count} messages as fast as the producer takes them and waits until all are
   * acknowledged; ends early after {@link #stop()} or an interrupt.
   *
   * @throws KafkaException when a message could not be published
   */
  public PublishedCounts publishCount(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    return publish(count, 0.0);
  }

  /**
   * Publishes {@code messagesPerSecond} messages per second, paced against the clock without drift
   * (message n is due n / rate seconds after the start; a late publisher catches up), for the
   * duration ({@code ceil(duration * rate)} messages) or until {@link #stop()} or an interrupt, and
   * waits until all are acknowledged.
   *
   * @throws KafkaException when a message could not be published
   */
  public PublishedCounts publishAtRate(double messagesPerSecond, Optional<Duration> duration) {
    if (!(messagesPerSecond > 0) || Double.isInfinite(messagesPerSecond)) {
      throw new IllegalArgumentException("rate must be > 0, got " + messagesPerSecond);
    }
    requireNonNull(duration, "duration is null");
    long limit = Long.MAX_VALUE;
    if (duration.isPresent()) {
      if (duration.get().isNegative()) {
        throw new IllegalArgumentException("duration must be >= 0, got " + duration.get());
      }
      limit = (long) Math.ceil(duration.get().toNanos() / 1e9 * messagesPerSecond);
    }
    return publish(limit, messagesPerSecond);
  }

  /** Ends the current publishing run, and any later one, after flushing what was sent. */
  public void stop() {
    stopped = true;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }

  /** Publishes up to {@code limit} messages, paced at {@code rate} per second unless 0. */
  private PublishedCounts publish(long limit, double rate) {
    long start = System.nanoTime();
    long nextProgress = start + PROGRESS_INTERVAL_NANOS;
    long sent = 0;
    long malformed = 0;
    boolean interrupted = false;
    while (sent < limit && !stopped) {
      if (Thread.interrupted()) {
        interrupted = true;
        break;
      }
      long now = System.nanoTime();
      if (now >= nextProgress) {
        progress.println(
            "progress: "
                + new PublishedCounts(sent, malformed, Duration.ofNanos(now - start))
                + ", next id "
                + nextId);
        nextProgress += PROGRESS_INTERVAL_NANOS;
      }
      if (rate > 0) {
        long due = start + (long) (sent * 1e9 / rate);
        if (now < due) {
          LockSupport.parkNanos(Math.min(due, nextProgress) - now);
          continue;
        }
      }
      failIfAnySendFailed(sent);
      long id = nextId++;
      Instant timestamp = Instant.now();
      byte[] value;
      if (options.malformedShare().isMalformed(id)) {
        value = SampleMessages.malformed(id, options.malformedShare().kindOf(id));
        malformed++;
      } else {
        value = options.payload().message(id, timestamp);
      }
      byte[] key = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
      producer.send(
          new ProducerRecord<>(options.topic(), null, timestamp.toEpochMilli(), key, value),
          onAcknowledged);
      sent++;
    }
    producer.flush();
    failIfAnySendFailed(sent);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return new PublishedCounts(sent, malformed, Duration.ofNanos(System.nanoTime() - start));
  }

  private void failIfAnySendFailed(long sent) {
    Exception failure = firstFailure.get();
    if (failure != null) {
      throw new KafkaException(
          "Publishing to topic "
              + options.topic()
              + " failed after "
              + sent
              + " messages were sent: "
              + failure.getMessage(),
          failure);
    }
  }

  private static Map<String, Object> producerConfig(SamplePublisherOptions options) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.putAll(options.clientProperties());
    return config;
  }

  private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
    try {
      latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeShutdownHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down already: the hook is running and waits for this run to finish.
    }
  }
}
