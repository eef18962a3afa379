package io.floe.benchmarks.all;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.flink.FlinkRest;
import io.floe.benchmarks.flink.FlinkRest.JobStatus;
import io.floe.benchmarks.flink.JobJar;
import io.floe.benchmarks.process.Jcmd;
import io.floe.benchmarks.process.ProcessCpu;
import io.floe.benchmarks.stack.BenchmarkStack;
import io.floe.benchmarks.table.BenchmarkCatalog;
import io.floe.loader.sample.SamplePayload;
import io.floe.loader.settings.JobSettings;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.settings.TableSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;

/** The started cluster with the uploaded JARs, and the job plumbing every measurement shares. */
final class ClusterJobs {
  static final String LOADER_ENTRY_CLASS = "io.floe.loader.LoaderJob";
  static final Duration POLL = Duration.ofMillis(100);
  static final Duration TABLE_POLL = Duration.ofMillis(250);
  static final String HEAP_USED = "Status.JVM.Memory.Heap.Used";

  private final AllOptions options;
  private final BenchmarkStack stack;
  private final BenchmarkCatalog catalog;
  private final FlinkRest flink;
  private final String loaderJarId;
  private final Optional<String> baselineLoaderJarId;
  private final String jobJarId;
  private final String taskManagerId;
  private final ProcessCpu taskManager;
  private int sequence;

  private ClusterJobs(
      AllOptions options,
      BenchmarkStack stack,
      BenchmarkCatalog catalog,
      FlinkRest flink,
      String loaderJarId,
      Optional<String> baselineLoaderJarId,
      String jobJarId,
      String taskManagerId,
      ProcessCpu taskManager) {
    this.options = requireNonNull(options, "options is null");
    this.stack = requireNonNull(stack, "stack is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.flink = requireNonNull(flink, "flink is null");
    this.loaderJarId = requireNonNull(loaderJarId, "loaderJarId is null");
    this.baselineLoaderJarId = requireNonNull(baselineLoaderJarId, "baselineLoaderJarId is null");
    this.jobJarId = requireNonNull(jobJarId, "jobJarId is null");
    this.taskManagerId = requireNonNull(taskManagerId, "taskManagerId is null");
    this.taskManager = requireNonNull(taskManager, "taskManager is null");
  }

  /**
   * Uploads the loader, the baseline loader (if any) and the benchmark's job JAR, and finds the one
   * TaskManager and its process.
   *
   * @param benchmarkCode this benchmark's JAR (or classes folder): the job classes come from it
   */
  static ClusterJobs upload(
      AllOptions options,
      BenchmarkStack stack,
      BenchmarkCatalog catalog,
      FlinkRest flink,
      Path loaderJar,
      Path benchmarkCode) {
    String loaderJarId = flink.uploadJar(loaderJar);
    Optional<String> baselineLoaderJarId = Optional.empty();
    if (options.baselineLoaderJar().isPresent()) {
      baselineLoaderJarId = Optional.of(flink.uploadJar(options.baselineLoaderJar().get()));
    }
    Path jobJar =
        JobJar.write(stack.workDir().resolve("benchmark-jobs.jar"), benchmarkCode, loaderJar);
    String jobJarId = flink.uploadJar(jobJar);
    String taskManagerId = single(flink.taskManagerIds());
    ProcessCpu taskManager = ProcessCpu.taskManager();
    return new ClusterJobs(
        options,
        stack,
        catalog,
        flink,
        loaderJarId,
        baselineLoaderJarId,
        jobJarId,
        taskManagerId,
        taskManager);
  }

  BenchmarkStack stack() {
    return stack;
  }

  BenchmarkCatalog catalog() {
    return catalog;
  }

  FlinkRest flink() {
    return flink;
  }

  String loaderJarId() {
    return loaderJarId;
  }

  /** The baseline loader's JAR on the cluster, when the run compares against one. */
  Optional<String> baselineLoaderJarId() {
    return baselineLoaderJarId;
  }

  /** The JAR of the benchmark's own jobs: the stage jobs and the Flink SQL job. */
  String jobJarId() {
    return jobJarId;
  }

  String taskManagerId() {
    return taskManagerId;
  }

  ProcessCpu taskManager() {
    return taskManager;
  }

  /**
   * A full garbage collection in the TaskManager before a measured job, so that no job pays for
   * collecting the previous one's garbage or unloading its classes.
   */
  void collectGarbage() {
    Jcmd.run(taskManager.pid(), "GC.run");
  }

  Table createTable(String name, SamplePayload payload) {
    Schema schema = payload.schema();
    return catalog.create(tableName(name), schema, payload.spec(schema), options.tableProperties());
  }

  /** The loader's settings as {@code --key value} arguments. */
  List<String> loaderArguments(
      String pipeline, String topic, String table, Duration flushInterval, int parallelism) {
    List<String> args = new ArrayList<>();
    add(args, LoaderSettings.PIPELINE_NAME.key(), pipeline);
    add(args, SourceSettings.BOOTSTRAP_SERVERS.key(), stack.kafka().bootstrapServers());
    add(args, SourceSettings.TOPICS.key(), topic);
    add(args, SourceSettings.STARTING_OFFSETS.key(), "earliest");
    catalog
        .loaderProperties()
        .forEach((key, value) -> add(args, TableSettings.CATALOG_PREFIX + key, value));
    add(args, TableSettings.NAMESPACE.key(), BenchmarkCatalog.NAMESPACE);
    add(args, TableSettings.NAME.key(), tableName(table));
    add(args, JobSettings.FLUSH_INTERVAL.key(), flushInterval.toMillis() + "ms");
    add(args, JobSettings.PARALLELISM.key(), Integer.toString(parallelism));
    return args;
  }

  /** A job's unique name: kind, payload, parallelism, round and a sequence number. */
  String name(Kind kind, SamplePayload payload, int parallelism, int round) {
    sequence++;
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-')
        + "-"
        + payload.cliName()
        + "-p"
        + parallelism
        + "-"
        + round
        + "-"
        + sequence;
  }

  static String tableName(String name) {
    return name.replace('-', '_');
  }

  static void add(List<String> args, String key, String value) {
    args.add("--" + key);
    args.add(value);
  }

  void requireAlive(String jobId) {
    JobStatus status = flink.job(jobId);
    if (status.terminal() || status.troubled()) {
      throw new IllegalStateException(
          "Job " + jobId + " is " + status.state() + ": " + flink.rootException(jobId));
    }
  }

  void awaitFullyRunning(String jobId, Instant deadline) {
    while (true) {
      JobStatus status = flink.job(jobId);
      if (status.fullyRunning()) {
        return;
      }
      if (status.terminal() || status.troubled()) {
        throw new IllegalStateException(
            "Job "
                + jobId
                + " is "
                + status.state()
                + " before running: "
                + flink.rootException(jobId));
      }
      if (Instant.now().isAfter(deadline)) {
        flink.cancel(jobId);
        throw new IllegalStateException("Job " + jobId + " did not run within --run-timeout");
      }
      sleep(POLL);
    }
  }

  void awaitTerminal(String jobId) {
    Instant deadline = Instant.now().plusSeconds(120);
    while (!flink.job(jobId).terminal()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Job " + jobId + " did not end within 2 minutes");
      }
      sleep(POLL);
    }
  }

  private static String single(List<String> ids) {
    if (ids.size() != 1) {
      throw new IllegalStateException("Expected one TaskManager, found " + ids);
    }
    return ids.get(0);
  }

  /** Waits between two polls; an interrupt (the benchmark stopped) ends the run. */
  static void sleep(Duration duration) {
    LockSupport.parkNanos(duration.toNanos());
    if (Thread.currentThread().isInterrupted()) {
      throw new IllegalStateException("Interrupted");
    }
  }
}
