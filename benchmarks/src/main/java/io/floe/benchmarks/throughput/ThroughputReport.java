package io.floe.benchmarks.throughput;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.environment.Versions;
import io.floe.benchmarks.report.Markdown;
import io.floe.loader.sample.SamplePayload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/** Renders a throughput result as Markdown: headline, one row per run plus the median, setup. */
public final class ThroughputReport {
  private final ThroughputResult result;
  private final Versions versions;
  private final String runtimeIceberg;
  private final String runtimeKafkaClients;
  private final List<String> commandLine;
  private final ZonedDateTime generated;

  /**
   * @param runtimeIceberg the Iceberg version on the benchmark's classpath (the loader JAR's)
   * @param runtimeKafkaClients the kafka-clients version on the benchmark's classpath
   * @param commandLine the sub-command's arguments, for the record
   */
  public ThroughputReport(
      ThroughputResult result,
      Versions versions,
      String runtimeIceberg,
      String runtimeKafkaClients,
      List<String> commandLine,
      ZonedDateTime generated) {
    this.result = requireNonNull(result, "result is null");
    this.versions = requireNonNull(versions, "versions is null");
    this.runtimeIceberg = requireNonNull(runtimeIceberg, "runtimeIceberg is null");
    this.runtimeKafkaClients = requireNonNull(runtimeKafkaClients, "runtimeKafkaClients is null");
    this.commandLine = List.copyOf(commandLine);
    this.generated = requireNonNull(generated, "generated is null");
  }

  public Markdown render() {
    ThroughputOptions options = result.options();
    List<ThroughputRun> runs = result.runs();
    Markdown md = new Markdown();
    md.heading(1, "Floe benchmark: loader throughput");
    md.paragraph(
        "`java -jar benchmarks/target/benchmarks.jar throughput"
            + (commandLine.isEmpty() ? "" : " " + String.join(" ", commandLine))
            + "`, "
            + generated
                .withZoneSameInstant(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT))
            + ".");
    md.paragraph(
        String.format(
            Locale.ROOT,
            "**%s records/s** (median of %d run%s of %,d %s messages, from the job running to the"
                + " commit holding every row), **%s µs TaskManager CPU per record**. Exactly ids"
                + " 1..N in every table: **%s**.",
            number(median(runs, ThroughputRun::recordsPerSecond)),
            runs.size(),
            runs.size() == 1 ? "" : "s",
            options.records(),
            options.payload().cliName(),
            oneDecimal(median(runs, ThroughputRun::cpuMicrosPerRecord)),
            result.allExact() ? "yes" : "NO"));

    md.heading(2, "Runs");
    List<List<String>> rows = new ArrayList<>();
    for (ThroughputRun run : runs) {
      rows.add(
          List.of(
              Integer.toString(run.number()),
              number(run.recordsPerSecond()),
              run.steadyRecordsPerSecond().map(ThroughputReport::number).orElse("n/a"),
              seconds(run.runningToCommitted()),
              seconds(run.submitToRunning()),
              Integer.toString(run.commits().size()),
              seconds(run.taskManagerCpu()),
              oneDecimal(run.cpuMicrosPerRecord()),
              mebibytes(run.peakHeapBytes()),
              run.restarts() < 0 ? "unknown" : Long.toString(run.restarts()),
              twoDecimals(run.loadAverageBefore()),
              run.ids().exact() ? "exact" : "NOT EXACT"));
    }
    if (runs.size() > 1) {
      rows.add(
          List.of(
              "median",
              number(median(runs, ThroughputRun::recordsPerSecond)),
              steadyMedian(runs),
              secondsValue(median(runs, run -> run.runningToCommitted().toNanos() / 1e9)),
              secondsValue(median(runs, run -> run.submitToRunning().toNanos() / 1e9)),
              "",
              secondsValue(median(runs, run -> run.taskManagerCpu().toNanos() / 1e9)),
              oneDecimal(median(runs, ThroughputRun::cpuMicrosPerRecord)),
              "",
              "",
              "",
              ""));
    }
    md.table(
        List.of(
            "run",
            "records/s",
            "steady records/s",
            "running → all committed",
            "submit → running",
            "commits",
            "TaskManager CPU",
            "CPU µs/record",
            "TaskManager peak heap",
            "restarts",
            "load before",
            "ids 1..N"),
        rows);
    md.bullets(runs.stream().map(ThroughputReport::runDetails).toList());
    List<String> caveats = caveats();
    if (!caveats.isEmpty()) {
      md.heading(2, "Caveats");
      md.bullets(caveats);
    }

    md.heading(2, "Setup");
    md.properties(setup());

    md.heading(2, "How it is measured");
    md.bullets(
        List.of(
            "The broker, the JobManager and the TaskManager each run in their own JVM on this"
                + " machine (local-stack); the benchmark JVM publishes, polls and checks.",
            "Before each run, N messages (ids 1..N, message i to partition i mod partitions) are"
                + " published to a new topic, and a new table is created: the job drains a"
                + " backlog, so the figure is the loader's, not the publisher's.",
            "*records/s* = N / (*running → all committed*): from every task of the job RUNNING"
                + " (`GET /jobs/:id`, polled every 100 ms) to the commit time of the snapshot that"
                + " brings the table's rows (`floe.records-written` in the snapshot summaries) to N."
                + " It includes the wait for the last checkpoint: up to one flush interval.",
            "*steady records/s*: rows of the commits between the first and the last, over the"
                + " time between them: the rate without start-up and without the last partial"
                + " interval (n/a with fewer than 3 commits).",
            "*TaskManager CPU*: user + system time of the TaskManager process (`/proc/<pid>/stat`)"
                + " over the same interval; per record = that / N.",
            "*TaskManager peak heap*: the highest `Status.JVM.Memory.Heap.Used` sampled once a"
                + " second over the REST API (garbage included: an upper bound of the live set).",
            "*ids 1..N*: after the job is cancelled, every `id` of the table is read back from"
                + " the data files; exact means N rows, each id 1..N once."));
    return md;
  }

  private Map<String, String> setup() {
    ThroughputOptions options = result.options();
    Machine machine = result.machine();
    SamplePayload payload = options.payload();
    Schema schema = payload.schema();
    PartitionSpec spec = payload.spec(schema);
    double averageBytes =
        result.runs().stream()
            .mapToDouble(run -> run.published().averageBytes())
            .average()
            .orElse(0);
    double publishRate =
        result.runs().stream()
            .mapToDouble(run -> run.published().recordsPerSecond())
            .average()
            .orElse(0);
    Map<String, String> setup = new LinkedHashMap<>();
    setup.put(
        "machine",
        String.format(
            Locale.ROOT,
            "%d cores (%s), %s memory, Linux %s",
            machine.cores(),
            machine.cpuModel(),
            machine.memoryBytes() < 0 ? "unknown" : gibibytes(machine.memoryBytes()),
            machine.kernel()));
    setup.put("Java", machine.java());
    setup.put(
        "Flink",
        result.flinkVersion()
            + ": local session cluster, 1 JobManager, 1 TaskManager ("
            + options.taskSlots()
            + " slots, process size "
            + options.taskManagerMemory()
            + ")");
    setup.put("Iceberg", runtimeIceberg + ", Hadoop catalog on local disk");
    setup.put(
        "Kafka",
        "broker " + versions.kafkaBroker() + " (local, KRaft), clients " + runtimeKafkaClients);
    setup.put(
        "loader",
        result.runs().stream()
                .map(ThroughputRun::loaderVersion)
                .distinct()
                .collect(Collectors.joining(", "))
            + ", "
            + result.loaderJar()
            + " ("
            + fileSize(result.loaderJar())
            + ")");
    setup.put(
        "payload",
        String.format(
            Locale.ROOT,
            "%s: %d columns, %s; %.0f bytes per message on average",
            payload.cliName(),
            schema.columns().size(),
            spec.isPartitioned() ? "partitioned by " + partitioning(schema, spec) : "unpartitioned",
            averageBytes));
    setup.put("records per run", String.format(Locale.ROOT, "%,d", options.records()));
    setup.put("topic partitions", Integer.toString(options.partitions()));
    setup.put("parallelism", Integer.toString(options.parallelism()));
    setup.put("flush interval", duration(options.flushInterval()));
    setup.put(
        "table properties",
        options.tableProperties().isEmpty()
            ? "Iceberg's defaults"
            : options.tableProperties().entrySet().stream()
                .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`")
                .collect(Collectors.joining(", ")));
    setup.put("bad messages", "none published; the loader's default policy (fail)");
    setup.put(
        "publishing",
        String.format(
            Locale.ROOT,
            "before each run's job starts; lz4, acks=1: %s messages/s on average",
            number(publishRate)));
    return setup;
  }

  private List<String> caveats() {
    ThroughputOptions options = result.options();
    Machine machine = result.machine();
    List<String> caveats = new ArrayList<>();
    double maxLoad =
        result.runs().stream().mapToDouble(ThroughputRun::loadAverageBefore).max().orElse(0);
    if (maxLoad > machine.cores() * 0.25) {
      caveats.add(
          String.format(
              Locale.ROOT,
              "The machine was busy before a run (1-minute load average up to %.2f on %d cores):"
                  + " other work shared the CPUs, so these figures are not comparable.",
              maxLoad,
              machine.cores()));
    }
    Duration threeFlushes = options.flushInterval().multipliedBy(3);
    if (result.runs().stream()
        .anyMatch(run -> run.runningToCommitted().compareTo(threeFlushes) < 0)) {
      caveats.add(
          "A load took less than 3 flush intervals: the commit cadence, not the loader, bounds"
              + " records/s. Publish more records (or shorten --flush-interval) for a throughput"
              + " figure.");
    }
    if (result.runs().stream().anyMatch(run -> run.restarts() > 0)) {
      caveats.add("A job restarted during a run: that run measures a failover too.");
    }
    return caveats;
  }

  /** The exactness check and each commit: seconds after running, rows, data files. */
  private static String runDetails(ThroughputRun run) {
    String commits =
        run.commits().stream()
            .map(
                commit ->
                    String.format(
                        Locale.ROOT,
                        "%s %,d rows in %d file%s",
                        secondsValue(
                            Duration.between(run.runningAt(), commit.committedAt()).toMillis()
                                / 1e3),
                        commit.records(),
                        commit.dataFiles(),
                        commit.dataFiles() == 1 ? "" : "s"))
            .collect(Collectors.joining("; "));
    return "run " + run.number() + ": " + run.ids().describe() + ". Commits: " + commits + ".";
  }

  /** 10s, 500ms, 1m: as the option is written. */
  private static String duration(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  private static String partitioning(Schema schema, PartitionSpec spec) {
    return spec.fields().stream()
        .map(field -> field.transform() + "(" + schema.findColumnName(field.sourceId()) + ")")
        .collect(Collectors.joining(", "));
  }

  private static double median(List<ThroughputRun> runs, ToDoubleFunction<ThroughputRun> value) {
    double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static String steadyMedian(List<ThroughputRun> runs) {
    List<ThroughputRun> withSteady =
        runs.stream().filter(run -> run.steadyRecordsPerSecond().isPresent()).toList();
    if (withSteady.isEmpty()) {
      return "n/a";
    }
    return number(median(withSteady, run -> run.steadyRecordsPerSecond().orElseThrow()));
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String oneDecimal(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String twoDecimals(double value) {
    return value < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String seconds(Duration duration) {
    return secondsValue(duration.toNanos() / 1e9);
  }

  private static String secondsValue(double seconds) {
    return String.format(Locale.ROOT, "%.1f s", seconds);
  }

  private static String mebibytes(OptionalLong bytes) {
    return bytes.isPresent()
        ? String.format(Locale.ROOT, "%,d MiB", bytes.getAsLong() / (1024 * 1024))
        : "n/a";
  }

  private static String gibibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  private static String fileSize(Path file) {
    try {
      return String.format(Locale.ROOT, "%.1f MB", Files.size(file) / 1e6);
    } catch (IOException e) {
      return "size unknown";
    }
  }
}
