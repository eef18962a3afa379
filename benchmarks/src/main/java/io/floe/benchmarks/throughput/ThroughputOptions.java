package io.floe.benchmarks.throughput;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.cli.Arguments;
import io.floe.loader.sample.SamplePayload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of the {@code throughput} benchmark, each declared once in {@link #USAGE} with its
 * default, read and validated together.
 *
 * @param records messages published, and rows expected, per run
 * @param payload the sample or the 50-column wide message
 * @param partitions partitions of each run's topic
 * @param parallelism the loader job's parallelism
 * @param flushInterval the loader's {@code job.flush-interval} (its checkpoint interval)
 * @param runs loads repeated, each on a fresh topic and table
 * @param taskManagerMemory the TaskManager's process size
 * @param tableProperties Iceberg table properties set at creation (none: Iceberg's defaults)
 * @param runTimeout how long one run may take from submission to the last row committed
 * @param workDir the broker's, cluster's and warehouse's folder, emptied first
 * @param report the Markdown report written at the end
 * @param loaderJar the JAR submitted; empty: the shaded loader JAR on this benchmark's classpath
 */
public record ThroughputOptions(
    long records,
    SamplePayload payload,
    int partitions,
    int parallelism,
    Duration flushInterval,
    int runs,
    String taskManagerMemory,
    Map<String, String> tableProperties,
    Duration runTimeout,
    Path workDir,
    Path report,
    Optional<Path> loaderJar) {

  /** The options, their defaults and meanings, as {@code --help} prints them. */
  public static final String USAGE =
      String.join(
          "\n",
          "throughput: the loader's end-to-end throughput on this machine. Starts a Kafka broker and",
          "a Flink session cluster (own JVMs), publishes N messages, creates an Iceberg table (Hadoop",
          "catalog on local disk), submits the shaded loader JAR through Flink's REST API and times",
          "the load from the job RUNNING to the commit that holds all N rows; then checks the table",
          "holds exactly ids 1..N.",
          "",
          "Options:",
          "  --records N                messages per run (default 1000000)",
          "  --payload sample|wide      the sample message (12 columns, day(timestamp) partitions)",
          "                             or the 50-column wide one, unpartitioned (default sample)",
          "  --partitions N             partitions of the topic (default 2)",
          "  --parallelism N            parallelism of the loader job (default 2)",
          "  --flush-interval D         the loader's job.flush-interval: 500ms, 10s, 1m (default 10s)",
          "  --runs N                   repeat the load on fresh topics and tables (default 1)",
          "  --taskmanager-memory SIZE  the TaskManager's process size (default 4096m)",
          "  --table-property K=V       an Iceberg table property at creation; repeatable",
          "                             (default: none, Iceberg's defaults)",
          "  --run-timeout D            longest a run may take once submitted (default 30m)",
          "  --work-dir PATH            broker, cluster and warehouse; emptied first",
          "                             (default benchmarks/target/work)",
          "  --report PATH              the Markdown report",
          "                             (default benchmarks/target/report/throughput.md)",
          "  --loader-jar PATH          the loader JAR to submit (default: the one this benchmark",
          "                             was built with, target/lib/loader-job-<version>.jar)",
          "  --help                     this text");

  /** Ids 1..N are checked in a BitSet, indexed by int. */
  static final long MAX_RECORDS = Integer.MAX_VALUE - 1;

  private static final Set<String> OPTIONS =
      Set.of(
          "records",
          "payload",
          "partitions",
          "parallelism",
          "flush-interval",
          "runs",
          "taskmanager-memory",
          "table-property",
          "run-timeout",
          "work-dir",
          "report",
          "loader-jar");

  public ThroughputOptions {
    requireNonNull(payload, "payload is null");
    requireNonNull(flushInterval, "flushInterval is null");
    requireNonNull(taskManagerMemory, "taskManagerMemory is null");
    tableProperties = Map.copyOf(tableProperties);
    requireNonNull(runTimeout, "runTimeout is null");
    requireNonNull(workDir, "workDir is null");
    requireNonNull(report, "report is null");
    requireNonNull(loaderJar, "loaderJar is null");
  }

  /** What {@link #parse} made of a command line: options, or every problem found. */
  public record Parsed(Optional<ThroughputOptions> options, List<String> problems, boolean help) {}

  /**
   * Reads the command line after the sub-command name.
   *
   * @param targetDir the folder the defaults of --work-dir and --report are in
   */
  public static Parsed parse(List<String> args, Path targetDir) {
    Arguments arguments = Arguments.parse(args, OPTIONS, Set.of("help"));
    if (arguments.flag("help")) {
      return new Parsed(Optional.empty(), List.of(), true);
    }
    long records = arguments.longValue("records", 1_000_000, 1);
    SamplePayload payload =
        SamplePayload.fromCliName(
            arguments.choice("payload", "sample", new LinkedHashSet<>(List.of("sample", "wide"))));
    int partitions = arguments.intValue("partitions", 2, 1);
    int parallelism = arguments.intValue("parallelism", 2, 1);
    Duration flushInterval = arguments.duration("flush-interval", Duration.ofSeconds(10));
    int runs = arguments.intValue("runs", 1, 1);
    String memory = arguments.text("taskmanager-memory", "4096m");
    Map<String, String> tableProperties = arguments.keyValues("table-property");
    Duration runTimeout = arguments.duration("run-timeout", Duration.ofMinutes(30));
    Path workDir = arguments.path("work-dir").orElse(targetDir.resolve("work"));
    Path report = arguments.path("report").orElse(targetDir.resolve("report/throughput.md"));
    Optional<Path> loaderJar = arguments.path("loader-jar");
    List<String> problems = new ArrayList<>(arguments.problems());
    if (records > MAX_RECORDS) {
      problems.add("--records is at most " + MAX_RECORDS + " (ids are checked in a bit set)");
    }
    if (flushInterval.compareTo(Duration.ofMillis(200)) < 0) {
      problems.add("--flush-interval must be at least 200ms (the loader's minimum)");
    }
    if (!memory.matches("\\d+[mg]")) {
      problems.add("--taskmanager-memory must be a size such as 4096m or 4g: " + memory);
    }
    if (!problems.isEmpty()) {
      return new Parsed(Optional.empty(), problems, false);
    }
    return new Parsed(
        Optional.of(
            new ThroughputOptions(
                records,
                payload,
                partitions,
                parallelism,
                flushInterval,
                runs,
                memory,
                tableProperties,
                runTimeout,
                workDir,
                report,
                loaderJar)),
        List.of(),
        false);
  }

  /** Slots of the one TaskManager: 4, or the parallelism if that is more. */
  public int taskSlots() {
    return Math.max(4, parallelism);
  }
}
