package io.floe.control.local;

import static java.util.Objects.requireNonNull;

import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalKafka;
import io.floe.local.LocalS3;
import io.floe.local.ProcessRestart;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The processes a local run needs, started with the control plane and stopped with it: a Flink
 * session cluster, a Kafka broker, a PostgreSQL for the Iceberg catalog and an S3-compatible server
 * for an {@code s3://} warehouse, as configured. The Flink processes, the broker and the S3 server
 * are supervised: one that exits unasked is started again, logged here and told to the {@linkplain
 * #addRestartListener listeners}.
 */
@Component
public class LocalStack implements DisposableBean {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  /** Which part of the local stack a restarted process belongs to. */
  public enum Service {
    /** The Flink session cluster behind the "local" runtime target. */
    FLINK,
    /** The S3-compatible server of an s3:// warehouse. */
    S3,
    /** The Kafka broker. */
    KAFKA
  }

  /** A process of the local stack exited unasked and was started again. */
  public record Restart(Service service, ProcessRestart process) {
    public Restart {
      requireNonNull(service, "service is null");
      requireNonNull(process, "process is null");
    }
  }

  private final List<Consumer<Restart>> restartListeners = new CopyOnWriteArrayList<>();
  private final Optional<LocalFlinkCluster> flink;
  private final Optional<LocalKafka> kafka;
  private final Optional<EmbeddedPostgres> catalog;
  private final Optional<LocalS3> s3;

  public LocalStack(LocalProperties properties) {
    requireNonNull(properties, "properties is null");
    try {
      Files.createDirectories(properties.dir());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create floe.local.dir " + properties.dir(), e);
    }
    this.catalog = properties.catalog() ? Optional.of(startCatalog(properties)) : Optional.empty();
    this.s3 = properties.s3() ? Optional.of(startS3(properties)) : Optional.empty();
    this.kafka =
        properties.kafka()
            ? Optional.of(
                LocalKafka.builder(properties.dir().resolve("kafka"))
                    .port(properties.kafkaPort())
                    .onRestart(restart -> restarted(new Restart(Service.KAFKA, restart)))
                    .start())
            : Optional.empty();
    kafka.ifPresent(k -> LOG.info("Local Kafka broker at {}", k.bootstrapServers()));
    this.flink =
        properties.flink()
            ? Optional.of(
                LocalFlinkCluster.builder(properties.dir().resolve("flink").toAbsolutePath())
                    .restPort(properties.flinkRestPort())
                    .taskSlots(properties.flinkSlots())
                    // The JDBC catalog's driver on Flink's own class path, as if in its lib/:
                    // DriverManager only hands a driver to the class loader that registered it,
                    // so with the job's copy every job after the first cannot open the catalog.
                    .addToClasspath(List.of(jarOf(org.postgresql.Driver.class)))
                    .config("classloader.parent-first-patterns.additional", "org.postgresql.")
                    .onRestart(restart -> restarted(new Restart(Service.FLINK, restart)))
                    .start())
            : Optional.empty();
    flink.ifPresent(f -> LOG.info("Local Flink cluster at {}", f.restUrl()));
  }

  /** Tells the listener of each restart from now on, in the thread that supervises the process. */
  public void addRestartListener(Consumer<Restart> listener) {
    restartListeners.add(requireNonNull(listener, "listener is null"));
  }

  public void removeRestartListener(Consumer<Restart> listener) {
    restartListeners.remove(listener);
  }

  private void restarted(Restart restart) {
    LOG.warn("Local {}", restart.process().describe());
    for (Consumer<Restart> listener : restartListeners) {
      try {
        listener.accept(restart);
      } catch (RuntimeException e) {
        LOG.warn("Could not tell {} of the restart of local {}", listener, restart.process(), e);
      }
    }
  }

  private static String jarOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the JAR of " + type.getName(), e);
    }
  }

  private LocalS3 startS3(LocalProperties properties) {
    LocalS3 server =
        LocalS3.builder(properties.dir().resolve("s3").toAbsolutePath())
            .port(properties.s3Port())
            .onRestart(restart -> restarted(new Restart(Service.S3, restart)))
            .start();
    server.createBucket(properties.s3Bucket());
    LOG.info("Local S3 server at {} with the bucket {}", server.endpoint(), properties.s3Bucket());
    return server;
  }

  /** The local S3 server, when one was started. */
  public Optional<LocalS3> s3() {
    return s3;
  }

  private static EmbeddedPostgres startCatalog(LocalProperties properties) {
    try {
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(properties.dir().resolve("catalog-db").toAbsolutePath())
              .setCleanDataDirectory(false)
              .setPort(properties.catalogPort())
              .start();
      LOG.info("Local PostgreSQL for the Iceberg catalog on port {}", properties.catalogPort());
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the local catalog database", e);
    }
  }

  /** The local Flink cluster's REST API, when one was started. */
  public Optional<URI> flinkRestUrl() {
    return flink.map(LocalFlinkCluster::restUrl);
  }

  public Optional<LocalFlinkCluster> flink() {
    return flink;
  }

  public Optional<String> kafkaBootstrapServers() {
    return kafka.map(LocalKafka::bootstrapServers);
  }

  /** The local broker, when one was started. */
  public Optional<LocalKafka> kafka() {
    return kafka;
  }

  /**
   * Whether a list of bootstrap servers ({@code host:port,...}) names the local broker, when one
   * was started.
   */
  public boolean isLocalKafka(String bootstrapServers) {
    return kafka.isPresent() && namesLocalPort(bootstrapServers, kafka.get().port());
  }

  /** Whether one of the entries of {@code host:port,...} is a loopback name with this port. */
  static boolean namesLocalPort(String bootstrapServers, int port) {
    if (bootstrapServers == null) {
      return false;
    }
    for (String server : bootstrapServers.split(",")) {
      String entry = server.trim();
      int colon = entry.lastIndexOf(':');
      if (colon > 0
          && entry.substring(colon + 1).equals(Integer.toString(port))
          && LOOPBACK.contains(entry.substring(0, colon).toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /** Stops the processes; each stops being supervised before it stops. */
  @Override
  public void destroy() throws IOException {
    flink.ifPresent(LocalFlinkCluster::close);
    kafka.ifPresent(LocalKafka::close);
    s3.ifPresent(LocalS3::close);
    if (catalog.isPresent()) {
      catalog.get().close();
    }
  }
}
