package io.floe.control.chaos;

import static java.util.Objects.requireNonNull;

import io.floe.control.FloeApplication;
import io.floe.control.testing.ApiClient;
import io.floe.loader.summary.CommitSummary;
import io.floe.local.LocalProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * What {@code ./floe-local} runs, as processes a test can kill with {@code kill -9}: the control
 * plane in a JVM of its own with the local profile (which starts PostgreSQL for the catalog, a
 * Kafka broker and a Flink cluster as its children), on fixed ports and one state directory, so
 * that a control plane started again finds its database, topics, warehouse and checkpoints.
 */
public final class ChaosStack implements AutoCloseable {
  private static final Duration START = Duration.ofMinutes(3);
  private static final Pattern STARTED = Pattern.compile("Started FloeApplication");

  private final Path dir;
  private final int apiPort = LocalProcess.freePort();
  private final int flinkPort = LocalProcess.freePort();
  private final int kafkaPort = LocalProcess.freePort();
  private final int catalogPort = LocalProcess.freePort();
  private final List<String> extraArguments;
  private LocalProcess controlPlane;
  private int controlPlaneStarts;
  private JdbcCatalog catalog;

  private ChaosStack(Path dir, List<String> extraArguments) {
    this.dir = requireNonNull(dir, "dir is null").toAbsolutePath();
    this.extraArguments = List.copyOf(extraArguments);
  }

  /** Starts the control plane with the local profile (no demo) in {@code dir}. */
  public static ChaosStack start(Path dir, List<String> extraArguments) {
    ChaosStack stack = new ChaosStack(dir, extraArguments);
    stack.startControlPlane();
    return stack;
  }

  /** Starts the control plane (again) and waits until its API serves. */
  public synchronized void startControlPlane() {
    if (controlPlane != null && controlPlane.isAlive()) {
      throw new IllegalStateException("The control plane runs");
    }
    controlPlaneStarts++;
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--spring.profiles.active=local",
                "--floe.local.dir=" + dir,
                "--floe.local.demo=false",
                "--server.port=" + apiPort,
                "--floe.local.flink-rest-port=" + flinkPort,
                "--floe.local.kafka-port=" + kafkaPort,
                "--floe.local.catalog-port=" + catalogPort,
                "--floe.runtime.loader-jar="
                    + Path.of("target/loader/loader-job.jar").toAbsolutePath()));
    arguments.addAll(extraArguments);
    Path log = dir.resolve("logs").resolve("control-plane-" + controlPlaneStarts + ".log");
    controlPlane =
        LocalProcess.start(
            "control-plane",
            classpath(),
            List.of("-Xmx768m", "-XX:+UseSerialGC"),
            FloeApplication.class.getName(),
            arguments,
            log);
    controlPlane.awaitLog(STARTED, START);
  }

  /** The control plane's own class path: this test JVM's, which holds it and its dependencies. */
  private static List<String> classpath() {
    return List.of(System.getProperty("java.class.path").split(File.pathSeparator));
  }

  /** {@code kill -9} of the control plane; its children notice and exit on their own. */
  public synchronized void killControlPlane() {
    controlPlane.kill();
    awaitGone("the local stack's processes", () -> !stackProcesses().isEmpty());
    stopLeftoverPostgres();
  }

  /**
   * PostgreSQL runs detached from the control plane (as a server does): after a kill it serves on.
   * {@code ./floe-local} stops such a leftover before it starts; so does the test.
   */
  private void stopLeftoverPostgres() {
    Path pidFile = dir.resolve("catalog-db").resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      Optional<ProcessHandle> postgres = ProcessHandle.of(pid);
      if (postgres.isPresent()) {
        new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
        awaitGone("PostgreSQL " + pid, postgres.get()::isAlive);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code kill -9} of the local Flink cluster's TaskManager. */
  public void killTaskManager() {
    kill(process("org.apache.flink.runtime.taskexecutor.TaskManagerRunner"));
  }

  /** {@code kill -9} of the local Flink cluster's JobManager. */
  public void killJobManager() {
    kill(process("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"));
  }

  /** {@code kill -9} of the local Kafka broker. */
  public void killBroker() {
    kill(process("kafka.Kafka"));
  }

  private static void kill(ProcessHandle process) {
    try {
      new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    awaitGone("process " + process.pid(), process::isAlive);
  }

  /** The live process of this stack whose command line names {@code mainClass}. */
  public ProcessHandle process(String mainClass) {
    return stackProcesses().stream()
        .filter(p -> commandLine(p).contains(" " + mainClass + " "))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("No live process runs " + mainClass));
  }

  /** The processes the control plane started for this stack (by their working directory). */
  public List<ProcessHandle> stackProcesses() {
    String marker = dir.toString();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> controlPlane == null || p.pid() != controlPlane.pid())
        .filter(p -> commandLine(p).contains(marker))
        .filter(p -> commandLine(p).contains("io.floe.local.ChildMain"))
        .toList();
  }

  private static String commandLine(ProcessHandle process) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ') + " ";
    } catch (IOException e) {
      return "";
    }
  }

  private static void awaitGone(String what, BooleanSupplier alive) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (alive.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(what + " still alive after 60 s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  public URI apiUrl() {
    return URI.create("http://localhost:" + apiPort);
  }

  public ApiClient admin() {
    try {
      String token = Files.readString(dir.resolve("admin-token"), StandardCharsets.UTF_8).trim();
      return new ApiClient(apiUrl(), token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String kafkaBootstrapServers() {
    return "localhost:" + kafkaPort;
  }

  public Path dir() {
    return dir;
  }

  /** The local catalog (PostgreSQL's JDBC catalog), as Trino would read it. */
  public synchronized JdbcCatalog catalog() {
    if (catalog == null) {
      catalog = new JdbcCatalog();
      catalog.setConf(new Configuration());
      catalog.initialize(
          "local",
          Map.of(
              "uri", "jdbc:postgresql://localhost:" + catalogPort + "/postgres",
              "jdbc.user", "postgres",
              "jdbc.password", "postgres",
              "jdbc.init-catalog-tables", "false",
              "warehouse", dir.resolve("warehouse").toUri().toString()));
    }
    return catalog;
  }

  public Table table(String namespace, String name) {
    return catalog().loadTable(TableIdentifier.of(namespace, name));
  }

  /** The newest commit of the pipeline in its table, if any. */
  public Optional<Instant> lastCommit(String namespace, String name, String pipeline) {
    Table table = table(namespace, name);
    Instant last = null;
    for (Snapshot snapshot : table.snapshots()) {
      if (pipeline.equals(snapshot.summary().get(CommitSummary.PIPELINE))) {
        Instant at = Instant.ofEpochMilli(snapshot.timestampMillis());
        last = last == null || at.isAfter(last) ? at : last;
      }
    }
    return Optional.ofNullable(last);
  }

  @Override
  public synchronized void close() {
    if (catalog != null) {
      catalog.close();
      catalog = null;
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    stopLeftoverPostgres();
  }
}
