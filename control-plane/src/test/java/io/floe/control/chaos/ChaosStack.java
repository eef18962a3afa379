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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
    closeCatalog();
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

  /** The newest commit of the pipeline in its table, if any (none while the catalog is down). */
  public Optional<Instant> lastCommit(String namespace, String name, String pipeline) {
    Table table;
    try {
      table = table(namespace, name);
    } catch (RuntimeException e) {
      // PostgreSQL restarts with the control plane: reconnect at the next call.
      closeCatalog();
      return Optional.empty();
    }
    Instant last = null;
    for (Snapshot snapshot : table.snapshots()) {
      if (pipeline.equals(snapshot.summary().get(CommitSummary.PIPELINE))) {
        Instant at = Instant.ofEpochMilli(snapshot.timestampMillis());
        last = last == null || at.isAfter(last) ? at : last;
      }
    }
    return Optional.ofNullable(last);
  }

  private synchronized void closeCatalog() {
    if (catalog != null) {
      try {
        catalog.close();
      } catch (RuntimeException e) {
        // its connections are gone already
      }
      catalog = null;
    }
  }

  /**
   * Creates a pipeline from {@code topic} into the table {@code namespace.name} of the local
   * catalog (id, name, at), dead letters to {@code name-dlq}, a commit every 2 s.
   */
  public void createPipeline(
      String namespace, String name, String topic, String startingOffsets, int parallelism) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "source",
        Map.of(
            "bootstrapServers",
            kafkaBootstrapServers(),
            "topics",
            List.of(topic),
            "startingOffsets",
            startingOffsets));
    body.put(
        "table",
        Map.of(
            "catalog",
            "local",
            "namespace",
            namespace,
            "name",
            name,
            "createIfMissing",
            Map.of(
                "columns",
                List.of(
                    Map.of("name", "id", "type", "long", "required", true),
                    Map.of("name", "name", "type", "string"),
                    Map.of("name", "at", "type", "timestamptz")))));
    body.put("badMessages", Map.of("deadLetterTopic", name + "-dlq"));
    body.put("runtime", Map.of("parallelism", parallelism, "flushInterval", "2s"));
    body.put("health", Map.of("deadLetterRatio", 0.05));
    ApiClient.Response created = admin().put("/pipelines/" + name, body);
    if (created.status() != 201) {
      throw new IllegalStateException("Cannot create pipeline " + name + ": " + created);
    }
  }

  /** Until every pipeline (its table named as the pipeline) committed after {@code instant}. */
  public Map<String, Duration> awaitCommitsAfter(
      String namespace, List<String> pipelines, Instant instant, Duration timeout) {
    Map<String, Duration> took = new TreeMap<>();
    for (String pipeline : pipelines) {
      Instant at =
          ApiClient.await(
                  pipeline + " commits after " + instant,
                  () -> lastCommit(namespace, pipeline, pipeline),
                  last -> last.filter(commit -> commit.isAfter(instant)).isPresent(),
                  timeout)
              .orElseThrow();
      took.put(pipeline, Duration.between(instant, at));
    }
    return took;
  }

  /**
   * Where the pipeline started reading: its first commit, which records its start positions (a
   * pipeline with starting offsets latest or timestamp).
   */
  public Map<String, Long> startPositions(String namespace, String pipeline) {
    for (Snapshot snapshot : table(namespace, pipeline).snapshots()) {
      Map<String, String> summary = snapshot.summary();
      if (pipeline.equals(summary.get(CommitSummary.PIPELINE))) {
        if (!CommitSummary.KIND_START_POSITIONS.equals(summary.get(CommitSummary.COMMIT_KIND))) {
          throw new IllegalStateException(
              "The first commit of " + pipeline + " does not record start positions: " + summary);
        }
        return new TreeMap<>(CommitSummary.parseOffsets(summary.get(CommitSummary.KAFKA_OFFSETS)));
      }
    }
    throw new IllegalStateException("No commit of " + pipeline);
  }

  /** Waits until the pipeline holds everything it should (or the wait ends), then judges it. */
  public Ledger.Verdict awaitExactlyOnce(
      String namespace, String pipeline, List<Ledger.Message> expected, Duration timeout) {
    return ApiClient.await(
        pipeline + " holds every message",
        () ->
            Ledger.verdict(
                pipeline,
                expected,
                Ledger.rows(table(namespace, pipeline)),
                Ledger.deadLetters(kafkaBootstrapServers(), pipeline + "-dlq")),
        verdict -> verdict.rowsLost().isEmpty() && verdict.deadLettersLost().isEmpty(),
        timeout);
  }

  /** A line in the test's output, to follow a long scenario. */
  public static void log(String message) {
    System.out.println(Instant.now() + " chaos: " + message);
  }

  @Override
  public synchronized void close() {
    closeCatalog();
    if (controlPlane != null) {
      controlPlane.close();
    }
    stopLeftoverPostgres();
  }
}
