package io.floe.benchmarks.throughput;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.flink.FlinkRest;
import io.floe.benchmarks.flink.FlinkRest.JobStatus;
import io.floe.benchmarks.kafka.BulkPublisher;
import io.floe.benchmarks.kafka.BulkPublisher.Published;
import io.floe.benchmarks.process.ProcessCpu;
import io.floe.benchmarks.stack.BenchmarkStack;
import io.floe.benchmarks.table.BenchmarkCatalog;
import io.floe.benchmarks.table.Commits;
import io.floe.benchmarks.table.Commits.Commit;
import io.floe.benchmarks.table.IdCheck;
import io.floe.loader.settings.JobSettings;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.settings.TableSettings;
import io.floe.loader.summary.CommitSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;

/**
 * The {@code throughput} benchmark: how fast the real loader JAR, on a real Flink cluster, drains a
 * backlog of N messages from Kafka into an Iceberg table, what that costs in TaskManager CPU and
 * heap, and whether the table then holds exactly ids 1..N.
 */
public final class ThroughputBenchmark {
  private static final String ENTRY_CLASS = "io.floe.loader.LoaderJob";
  private static final String HEAP_USED = "Status.JVM.Memory.Heap.Used";
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration TABLE_POLL = Duration.ofMillis(500);

  private final ThroughputOptions options;
  private final Path loaderJar;
  private final PrintStream out;

  public ThroughputBenchmark(ThroughputOptions options, Path loaderJar, PrintStream out) {
    this.options = requireNonNull(options, "options is null");
    this.loaderJar = requireNonNull(loaderJar, "loaderJar is null");
    this.out = requireNonNull(out, "out is null");
  }

  /** Starts the stack, runs every load, stops the stack. */
  public ThroughputResult run() {
    Machine machine = Machine.current();
    out.printf(
        "Starting a Kafka broker and a Flink cluster (1 TaskManager, %d slots, %s) in %s%n",
        options.taskSlots(), options.taskManagerMemory(), options.workDir());
    try (BenchmarkStack stack =
            BenchmarkStack.start(
                options.workDir(), options.taskSlots(), options.taskManagerMemory());
        BenchmarkCatalog catalog = new BenchmarkCatalog(stack.warehouse())) {
      FlinkRest flink = new FlinkRest(stack.flink().restUrl());
      String flinkVersion = flink.flinkVersion();
      out.printf("Uploading %s to %s%n", loaderJar, stack.flink().restUrl());
      String jarId = flink.uploadJar(loaderJar);
      List<ThroughputRun> runs = new ArrayList<>();
      for (int number = 1; number <= options.runs(); number++) {
        runs.add(runOnce(number, stack, catalog, flink, jarId));
      }
      return new ThroughputResult(options, machine, flinkVersion, loaderJar, runs);
    }
  }

  private ThroughputRun runOnce(
      int number, BenchmarkStack stack, BenchmarkCatalog catalog, FlinkRest flink, String jarId) {
    String prefix = "run " + number + "/" + options.runs() + ": ";
    double loadBefore = Machine.currentLoadAverage();
    String name = "throughput-" + number;
    Published published =
        BulkPublisher.publish(
            stack.kafka().bootstrapServers(),
            name,
            options.partitions(),
            options.records(),
            options.payload());
    out.printf(
        Locale.ROOT,
        "%spublished %,d %s messages (%.0f bytes each) in %.1f s (%,.0f/s)%n",
        prefix,
        published.records(),
        options.payload().cliName(),
        published.averageBytes(),
        published.took().toNanos() / 1e9,
        published.recordsPerSecond());

    Schema schema = options.payload().schema();
    String tableName = name.replace('-', '_');
    Table table =
        catalog.create(
            tableName, schema, options.payload().spec(schema), options.tableProperties());
    ProcessCpu taskManager = ProcessCpu.taskManager();
    String taskManagerId = single(flink.taskManagerIds());

    Instant submitted = Instant.now();
    String jobId =
        flink.runJar(
            jarId,
            ENTRY_CLASS,
            loaderArguments(name, tableName, catalog, stack),
            options.parallelism());
    Instant deadline = submitted.plus(options.runTimeout());
    awaitFullyRunning(flink, jobId, deadline);
    Instant running = Instant.now();
    Duration cpuAtStart = taskManager.used();
    out.printf(
        Locale.ROOT,
        "%sjob %s running %.1f s after submission%n",
        prefix,
        jobId,
        seconds(Duration.between(submitted, running)));

    Loaded loaded = awaitAllRows(flink, jobId, table, taskManagerId, deadline);
    Duration cpu = taskManager.used().minus(cpuAtStart);
    List<Commit> commits = loaded.commits();
    Instant committed = commits.get(commits.size() - 1).committedAt();
    long restarts = flink.jobMetric(jobId, "numRestarts").map(Long::parseLong).orElse(-1L);

    flink.cancel(jobId);
    awaitTerminal(flink, jobId);
    IdCheck ids = IdCheck.read(table, options.records());
    ThroughputRun run =
        new ThroughputRun(
            number,
            published,
            running,
            Duration.between(submitted, running),
            Duration.between(running, committed),
            commits,
            loaded.steadyRecordsPerSecond(),
            cpu,
            loaded.peakHeapBytes(),
            restarts,
            loadBefore,
            loaderVersion(table),
            ids);
    out.printf(
        Locale.ROOT,
        "%s%,.0f records/s (%d commits in %.1f s from running), %.1f µs TaskManager CPU per"
            + " record, %d restarts; %s%n",
        prefix,
        run.recordsPerSecond(),
        run.commits().size(),
        seconds(run.runningToCommitted()),
        run.cpuMicrosPerRecord(),
        restarts,
        ids.describe());
    return run;
  }

  /** The commits up to the one that holds every row, and the TaskManager's peak heap. */
  private record Loaded(
      List<Commit> commits, Optional<Double> steadyRecordsPerSecond, OptionalLong peakHeapBytes) {}

  /**
   * Polls the table until its commits hold every row, sampling the TaskManager's heap once a
   * second; fails if the job ends or the deadline passes first.
   */
  private Loaded awaitAllRows(
      FlinkRest flink, String jobId, Table table, String taskManagerId, Instant deadline) {
    long peakHeap = -1;
    Instant nextHeapSample = Instant.now();
    while (true) {
      JobStatus status = flink.job(jobId);
      if (status.terminal()) {
        throw new IllegalStateException(
            "The job ended ("
                + status.state()
                + ") before committing all rows: "
                + flink.rootException(jobId));
      }
      if (!Instant.now().isBefore(nextHeapSample)) {
        OptionalDouble heap = flink.taskManagerMetric(taskManagerId, HEAP_USED);
        if (heap.isPresent()) {
          peakHeap = Math.max(peakHeap, (long) heap.getAsDouble());
        }
        nextHeapSample = Instant.now().plusSeconds(1);
      }
      Commits commits = Commits.of(table);
      Optional<Integer> needed = commits.commitsToReach(options.records());
      if (needed.isPresent()) {
        return new Loaded(
            commits.all().subList(0, needed.get()),
            commits.steadyRecordsPerSecond(needed.get()),
            peakHeap < 0 ? OptionalLong.empty() : OptionalLong.of(peakHeap));
      }
      if (Instant.now().isAfter(deadline)) {
        flink.cancel(jobId);
        throw new IllegalStateException(
            "The job committed "
                + commits.totalRecords()
                + " of "
                + options.records()
                + " rows within --run-timeout "
                + options.runTimeout());
      }
      sleep(TABLE_POLL);
    }
  }

  /** The loader's settings, as {@code --key value} arguments. */
  private List<String> loaderArguments(
      String name, String tableName, BenchmarkCatalog catalog, BenchmarkStack stack) {
    List<String> args = new ArrayList<>();
    add(args, LoaderSettings.PIPELINE_NAME.key(), name);
    add(args, SourceSettings.BOOTSTRAP_SERVERS.key(), stack.kafka().bootstrapServers());
    add(args, SourceSettings.TOPICS.key(), name);
    add(args, SourceSettings.STARTING_OFFSETS.key(), "earliest");
    catalog
        .loaderProperties()
        .forEach((key, value) -> add(args, TableSettings.CATALOG_PREFIX + key, value));
    add(args, TableSettings.NAMESPACE.key(), BenchmarkCatalog.NAMESPACE);
    add(args, TableSettings.NAME.key(), tableName);
    add(args, JobSettings.FLUSH_INTERVAL.key(), options.flushInterval().toMillis() + "ms");
    add(args, JobSettings.PARALLELISM.key(), Integer.toString(options.parallelism()));
    return args;
  }

  private static void add(List<String> args, String key, String value) {
    args.add("--" + key);
    args.add(value);
  }

  private void awaitFullyRunning(FlinkRest flink, String jobId, Instant deadline) {
    while (true) {
      JobStatus status = flink.job(jobId);
      if (status.fullyRunning()) {
        return;
      }
      if (status.terminal() || status.troubled()) {
        throw new IllegalStateException(
            "The job is " + status.state() + " before running: " + flink.rootException(jobId));
      }
      if (Instant.now().isAfter(deadline)) {
        flink.cancel(jobId);
        throw new IllegalStateException("The job did not run within --run-timeout: " + status);
      }
      sleep(POLL);
    }
  }

  private static void awaitTerminal(FlinkRest flink, String jobId) {
    Instant deadline = Instant.now().plusSeconds(120);
    while (!flink.job(jobId).terminal()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Job " + jobId + " did not end within 2 minutes of cancel");
      }
      sleep(POLL);
    }
  }

  /** The loader version the job wrote into its last commit. */
  private static String loaderVersion(Table table) {
    table.refresh();
    return Optional.ofNullable(table.currentSnapshot())
        .map(snapshot -> snapshot.summary().get(CommitSummary.LOADER_VERSION))
        .orElse("unknown");
  }

  private static String single(List<String> taskManagerIds) {
    if (taskManagerIds.size() != 1) {
      throw new IllegalStateException("Expected one TaskManager, found " + taskManagerIds);
    }
    return taskManagerIds.get(0);
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
