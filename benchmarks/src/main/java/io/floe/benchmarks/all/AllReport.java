package io.floe.benchmarks.all;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.environment.Versions;
import io.floe.benchmarks.profile.JfrProfile;
import io.floe.benchmarks.report.BarChart;
import io.floe.benchmarks.report.Markdown;
import io.floe.loader.sample.SamplePayload;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;

/** Renders the {@code all} result: Markdown with the headline, every table, and two SVG charts. */
public final class AllReport {
  public static final String REPORT = "report.md";
  public static final String THROUGHPUT_CHART = "throughput.svg";
  public static final String FRESHNESS_CHART = "freshness.svg";

  private final AllResult result;
  private final Versions versions;
  private final String runtimeIceberg;
  private final List<String> commandLine;
  private final ZonedDateTime generated;

  public AllReport(
      AllResult result,
      Versions versions,
      String runtimeIceberg,
      List<String> commandLine,
      ZonedDateTime generated) {
    this.result = requireNonNull(result, "result is null");
    this.versions = requireNonNull(versions, "versions is null");
    this.runtimeIceberg = requireNonNull(runtimeIceberg, "runtimeIceberg is null");
    this.commandLine = List.copyOf(commandLine);
    this.generated = requireNonNull(generated, "generated is null");
  }

  /** Writes report.md and the charts into the folder. */
  public Markdown writeTo(Path folder) {
    throughputChart().writeTo(folder.resolve(THROUGHPUT_CHART));
    if (!result.freshness().isEmpty()) {
      freshnessChart().writeTo(folder.resolve(FRESHNESS_CHART));
    }
    Markdown md = render();
    md.writeTo(folder.resolve(REPORT));
    return md;
  }

  /** A kind's median CPU s per M records, and without JIT in parentheses. */
  private String cpu(Kind kind, SamplePayload payload, int parallelism) {
    OptionalDouble all = result.median(kind, payload, parallelism, JobRun::cpuSecondsPerMillion);
    OptionalDouble work =
        result.median(kind, payload, parallelism, JobRun::workCpuSecondsPerMillion);
    return all.isEmpty() ? "n/a" : number(all, 1) + " (" + number(work, 1) + ")";
  }

  public Markdown render() {
    AllOptions options = result.options();
    int p = options.parallelism();
    Markdown md = new Markdown();
    md.heading(1, "Floe benchmark: throughput against the limit, Flink SQL, scaling, freshness");
    md.paragraph(
        "`java -jar benchmarks/target/benchmarks.jar all"
            + (commandLine.isEmpty() ? "" : " " + String.join(" ", commandLine))
            + "`, "
            + date()
            + ", on "
            + machineLine()
            + ".");

    md.heading(2, "Headline");
    List<List<String>> rows = new ArrayList<>();
    for (SamplePayload payload : payloads()) {
      OptionalDouble limit = result.limit(payload);
      OptionalDouble loader = result.median(Kind.LOADER, payload, p, JobRun::recordsPerSecond);
      OptionalDouble sql = result.median(Kind.SQL, payload, p, JobRun::recordsPerSecond);
      OptionalDouble loaderP1 = result.median(Kind.LOADER, payload, 1, JobRun::recordsPerSecond);
      rows.add(
          List.of(
              payload.cliName() + " (" + String.format(Locale.ROOT, "%,d", records(payload)) + ")",
              number(limit),
              number(loader),
              number(sql),
              ratio(AllResult.ratio(loader, limit), 0.9),
              number(
                  AllResult.ratio(
                      sum(
                          result.stageMicros(Kind.READ, payload),
                          result.stageMicros(Kind.PARSE, payload),
                          result.stageMicros(Kind.WRITE, payload)),
                      result.median(Kind.LOADER, payload, p, JobRun::workCpuMicrosPerRecord)),
                  2),
              ratio(AllResult.ratio(loader, sql), 1.4),
              ratio(AllResult.ratio(loader, loaderP1), 1.8),
              cpu(Kind.LOADER, payload, p),
              cpu(Kind.SQL, payload, p)));
    }
    md.table(
        List.of(
            "payload (N)",
            "L records/s",
            "(b) loader records/s",
            "(c) Flink SQL records/s",
            "b/L (goal ≥ 0.9)",
            "b/L by CPU: stage µs / loader µs",
            "b/c (goal ≥ 1.4)",
            "p=2 / p=1 (goal ≥ 1.8)",
            "(b) CPU s per M records (without JIT)",
            "(c) CPU s per M records (without JIT)"),
        rows);
    md.paragraph(
        "Medians of "
            + options.runs()
            + " alternating runs each (loader, Flink SQL, loader at p=1). Every table was checked"
            + " afterwards: "
            + (result.allCorrect() ? "**all exact**" : "**NOT ALL EXACT** (see the runs)")
            + ". Goals are the issue's; figures are never asserted. CPU is the TaskManager's;"
            + " \"without JIT\" leaves out its JIT compiler threads: Flink loads each job's code"
            + " in a class loader of its own, so every job compiles its Kafka client, JSON,"
            + " Parquet and Iceberg code anew, a start-up cost a loader running for days"
            + " amortizes. L and b/L by CPU use CPU without JIT.");
    md.paragraph("![throughput](" + THROUGHPUT_CHART + ")");

    md.heading(2, "Stage ceilings and the composed limit L");
    md.paragraph(
        "Each stage alone on the same cluster, parallelism "
            + p
            + ". CPU is the TaskManager's, without JIT compilation for the stage costs; the parse"
            + " cost is (e) minus (a), since (e) reads too;"
            + " the write stage includes making the rows in memory and the loader's committer."
            + " L = "
            + result.machine().cores()
            + " cores / (read + parse + write).");
    rows = new ArrayList<>();
    for (SamplePayload payload : payloads()) {
      for (Kind stage : List.of(Kind.READ, Kind.PARSE, Kind.WRITE)) {
        rows.add(
            List.of(
                payload.cliName(),
                stage.label(),
                number(result.median(stage, payload, p, JobRun::recordsPerSecond)),
                number(result.median(stage, payload, p, JobRun::cpuMicrosPerRecord), 2),
                number(result.median(stage, payload, p, JobRun::workCpuMicrosPerRecord), 2),
                (stage == Kind.PARSE ? "parse = " : stage == Kind.READ ? "read = " : "write = ")
                    + number(result.stageMicros(stage, payload), 2),
                heap(result.runs(stage, payload, p).stream().map(JobRun::peakHeapBytes).toList())));
      }
      rows.add(
          List.of(
              payload.cliName(),
              "**L** (composed limit)",
              "**" + number(result.limit(payload)) + "**",
              "",
              "",
              "sum = "
                  + number(
                      sum(
                          result.stageMicros(Kind.READ, payload),
                          result.stageMicros(Kind.PARSE, payload),
                          result.stageMicros(Kind.WRITE, payload)),
                      2),
              ""));
    }
    md.table(
        List.of(
            "payload",
            "job",
            "records/s",
            "CPU µs/record (job)",
            "without JIT",
            "CPU µs/record (stage, without JIT)",
            "peak heap"),
        rows);

    md.heading(2, "Loader against Flink SQL, and scaling");
    rows = new ArrayList<>();
    for (SamplePayload payload : payloads()) {
      for (Kind kind : List.of(Kind.LOADER, Kind.BASELINE_LOADER, Kind.SQL)) {
        for (int parallelism : kind == Kind.LOADER && p != 1 ? List.of(p, 1) : List.of(p)) {
          List<JobRun> runs = result.runs(kind, payload, parallelism);
          if (runs.isEmpty()) {
            continue;
          }
          rows.add(
              List.of(
                  payload.cliName(),
                  kind.label(),
                  Integer.toString(parallelism),
                  Integer.toString(runs.size()),
                  number(result.median(kind, payload, parallelism, JobRun::recordsPerSecond)),
                  spread(runs, JobRun::recordsPerSecond),
                  number(
                      result.median(kind, payload, parallelism, JobRun::cpuSecondsPerMillion), 1),
                  spread(runs, JobRun::cpuSecondsPerMillion),
                  number(
                      result.median(kind, payload, parallelism, JobRun::workCpuSecondsPerMillion),
                      1),
                  number(result.median(kind, payload, parallelism, JobRun::dataBytesPerRecord), 1),
                  heap(runs.stream().map(JobRun::peakHeapBytes).toList()),
                  runs.stream().allMatch(JobRun::correct) ? "exact" : "NOT EXACT"));
        }
      }
    }
    md.table(
        List.of(
            "payload",
            "job",
            "p",
            "runs",
            "records/s (median)",
            "spread",
            "CPU s per M records (median)",
            "spread",
            "without JIT (median)",
            "data bytes/record",
            "peak heap",
            "tables"),
        rows);
    for (SamplePayload payload : payloads()) {
      OptionalDouble after = result.median(Kind.LOADER, payload, p, JobRun::recordsPerSecond);
      OptionalDouble before =
          result.median(Kind.BASELINE_LOADER, payload, p, JobRun::recordsPerSecond);
      OptionalDouble cpuAfter =
          result.median(Kind.LOADER, payload, p, JobRun::workCpuSecondsPerMillion);
      OptionalDouble cpuBefore =
          result.median(Kind.BASELINE_LOADER, payload, p, JobRun::workCpuSecondsPerMillion);
      if (before.isPresent()) {
        md.paragraph(
            String.format(
                Locale.ROOT,
                "**Before/after (%s)**: the loader makes %s × the records/s of the baseline JAR,"
                    + " at %s × its CPU per record (without JIT).",
                payload.cliName(),
                number(AllResult.ratio(after, before), 2),
                number(AllResult.ratio(cpuAfter, cpuBefore), 2)));
      }
    }
    md.paragraph(
        "Spread: lowest to highest run, as ± % of the median. Flink SQL reads the offset"
            + " timestamps as STRING and converts them with built-in functions only (fixed layout"
            + " `yyyy-MM-ddTHH:mm:ss.SSSSSS±hh:mm`: the local part cast to TIMESTAMP(6), shifted by"
            + " the offset with TIMESTAMPADD, cast to TIMESTAMP_LTZ(6) in a UTC session); its rows"
            + " are compared, all columns, with the loader's from the same topic.");

    if (!result.freshness().isEmpty()) {
      md.heading(2, "Freshness");
      rows = new ArrayList<>();
      for (FreshnessRun run : result.freshness()) {
        double goal = run.interval().toMillis() + 2000;
        rows.add(
            List.of(
                duration(run.interval()),
                String.format(
                    Locale.ROOT, "%,d/s for %d s", run.rate(), run.publishing().toSeconds()),
                String.format(Locale.ROOT, "%,d", run.measured()),
                seconds(run.p50Millis()),
                seconds(run.p95Millis()),
                seconds(run.p99Millis()),
                seconds(run.maxMillis()),
                run.interval().toSeconds() <= 5
                    ? (run.p99Millis() <= goal ? "met" : "not met") + " (≤ " + seconds(goal) + ")"
                    : "",
                Integer.toString(run.commits()),
                String.format(Locale.ROOT, "%.1f", run.filesPerMinute()),
                heap(List.of(run.peakHeapBytes())),
                run.correct() ? "exact" : "NOT EXACT"));
      }
      md.table(
          List.of(
              "flush interval",
              "publishing",
              "rows measured",
              "p50",
              "p95",
              "p99",
              "max",
              "goal p99 ≤ interval + 2 s",
              "commits",
              "data files / min",
              "peak heap",
              "table"),
          rows);
      md.paragraph(
          "Latency: commit time of the snapshot that added the row minus the row's produce"
              + " timestamp (its `timestamp` field, the instant it was sent; its Kafka CreateTime"
              + " is the same instant in ms). Rows produced in the first "
              + options.freshnessWarmup().toSeconds()
              + " s are left out (warm-up). Data files per minute: files added from the first"
              + " message to the last commit.");
      md.paragraph("![freshness](" + FRESHNESS_CHART + ")");
    }

    result.profile().ifPresent(profile -> profileSection(md, profile, "the loader"));
    result
        .baselineProfile()
        .ifPresent(
            profile -> profileSection(md, profile, "the baseline loader (before the change)"));

    md.heading(2, "Every run");
    rows = new ArrayList<>();
    for (JobRun run : result.runs()) {
      rows.add(
          List.of(
              run.payload().cliName(),
              run.kind().name().toLowerCase(Locale.ROOT),
              Integer.toString(run.parallelism()),
              Integer.toString(run.round()),
              String.format(Locale.ROOT, "%,.0f", run.recordsPerSecond()),
              String.format(Locale.ROOT, "%.1f s", run.runningToProcessed().toMillis() / 1e3),
              String.format(Locale.ROOT, "%.1f s", run.runningToDone().toMillis() / 1e3),
              String.format(Locale.ROOT, "%.1f s", run.submitToRunning().toMillis() / 1e3),
              String.format(Locale.ROOT, "%.1f s", run.cpu().toMillis() / 1e3),
              String.format(Locale.ROOT, "%.1f s", run.jitCpu().toMillis() / 1e3),
              String.format(Locale.ROOT, "%.2f", run.cpuMicrosPerRecord()),
              String.format(Locale.ROOT, "%.2f", run.workCpuMicrosPerRecord()),
              heap(List.of(run.peakHeapBytes())),
              run.commits() == 0 ? "" : run.commits() + " / " + run.dataFiles(),
              run.commits() == 0
                  ? ""
                  : String.format(Locale.ROOT, "%.1f", run.dataBytesPerRecord()),
              String.format(Locale.ROOT, "%.2f", run.loadBefore()),
              run.check()));
    }
    md.table(
        List.of(
            "payload",
            "job",
            "p",
            "#",
            "records/s",
            "start → processed",
            "start → committed",
            "submit → running",
            "TM CPU",
            "of which JIT",
            "CPU µs/record",
            "without JIT",
            "peak heap",
            "commits / files",
            "data bytes/record",
            "load before",
            "check"),
        rows);

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
            "One Kafka broker, one JobManager and one TaskManager (4 slots) in their own JVMs on"
                + " this machine (local-stack); each payload's N messages are published once"
                + " (ids 1..N, message i to partition i mod partitions) and every job reads that"
                + " topic from the start with its own consumer group, so all drain the same"
                + " backlog.",
            "records/s = N / (start → processed). Start: every task RUNNING for (b) and (c); for"
                + " the stage jobs (a), (e) and (d), the opening of a gate that holds their first"
                + " record until the deployed job is idle (TaskManager CPU under 50 ms in 500 ms),"
                + " so neither deployment nor records processed before the measurement count."
                + " Processed: for jobs that write a table, the first poll (every 250 ms) at which"
                + " the sources' `numRecordsOut` (REST metrics, at most 500 ms old) reached N; the"
                + " parser and writer are chained to the source and handle each record in the"
                + " same call. For (a) and (e), whose source is bounded at the end offsets, when"
                + " the last subtask's sink reached its end of input (an accumulator).",
            "Committed: the commit time of the snapshot that brings the table to N rows. Start →"
                + " committed adds the wait for the next checkpoint, up to one flush interval,"
                + " which is latency (see Freshness) rather than throughput: records/s leave it"
                + " out.",
            "CPU: user + system time of the TaskManager process (`/proc/<pid>/stat`) from start to"
                + " committed (so it includes closing and committing the last files); the broker"
                + " and the JobManager are not counted. One unmeasured run of each stage goes"
                + " first (JIT, heap sizing).",
            "(a) and (e) use the loader's deserializer and source settings, bounded; (e) runs the"
                + " loader's RowParser against the payload's table schema; their sink discards,"
                + " counting records into an accumulator (checked = N). (d) emits the rows the parser"
                + " would make (a unit test compares them) into the loader's writer (same writer"
                + " factory and properties) and the loader's committer.",
            "(c) is a Flink SQL job submitted as a JAR: the Iceberg catalog (Hadoop; registered"
                + " from the job with the properties of CREATE CATALOG and an explicit Hadoop"
                + " configuration), a Kafka table in the `json` format, INSERT INTO the table (same"
                + " schema, partitioning and properties) SELECT FROM it; Flink's and Iceberg's"
                + " defaults otherwise, the checkpoint interval set to the flush interval.",
            "Peak heap: the highest `Status.JVM.Memory.Heap.Used` of the TaskManager, sampled once"
                + " a second over the REST API (garbage included: an upper bound of the live set).",
            "Checks: every table is read back (ids 1..N exactly once); the first loader run and"
                + " each Flink SQL run are read in full and compared row by row (a digest of all"
                + " columns per id)."));
    return md;
  }

  private void profileSection(Markdown md, JfrProfile.Summary profile, String what) {
    md.heading(2, "Profile of " + what + " (JFR)");
    md.paragraph(
        String.format(
            Locale.ROOT,
            "One extra run of "
                + what
                + " (sample payload, p=%d) recorded with JFR's `profile` settings"
                + " via `jcmd`: %,d execution samples (plus native samples inside compression"
                + " libraries). Share of samples by area (the first frame from the top of the stack"
                + " that belongs to an area decides):",
            result.options().parallelism(),
            profile.samples()));
    List<List<String>> rows = new ArrayList<>();
    for (JfrProfile.Entry area : profile.areas()) {
      rows.add(
          List.of(
              area.name(), String.format(Locale.ROOT, "%.1f %%", profile.share(area.samples()))));
    }
    md.table(List.of("area", "share of samples"), rows);
    rows = new ArrayList<>();
    for (JfrProfile.Entry method : profile.topMethods()) {
      rows.add(
          List.of(
              "`" + method.name() + "`",
              String.format(Locale.ROOT, "%.1f %%", profile.share(method.samples()))));
    }
    md.paragraph("Top methods by self samples:");
    md.table(List.of("method", "self share"), rows);
  }

  private BarChart throughputChart() {
    int p = result.options().parallelism();
    BarChart chart =
        new BarChart(
            "Throughput against the composed limit L (medians, parallelism " + p + ")",
            "records/s");
    for (SamplePayload payload : payloads()) {
      chart.heading(payload.cliName() + " payload");
      result
          .limit(payload)
          .ifPresent(v -> chart.bar("L = cores / (read + parse + write)", v, "#999999"));
      result
          .median(Kind.READ, payload, p, JobRun::recordsPerSecond)
          .ifPresent(v -> chart.bar("(a) read alone", v, "#c7d8ea"));
      result
          .median(Kind.PARSE, payload, p, JobRun::recordsPerSecond)
          .ifPresent(v -> chart.bar("(e) read + parse alone", v, "#a9c4e0"));
      result
          .median(Kind.WRITE, payload, p, JobRun::recordsPerSecond)
          .ifPresent(v -> chart.bar("(d) write alone", v, "#8aafd6"));
      result
          .median(Kind.LOADER, payload, p, JobRun::recordsPerSecond)
          .ifPresent(v -> chart.bar("(b) Floe loader", v, "#2a7ab9"));
      result
          .median(Kind.SQL, payload, p, JobRun::recordsPerSecond)
          .ifPresent(v -> chart.bar("(c) Flink SQL", v, "#e08a2a"));
      if (p != 1) {
        result
            .median(Kind.LOADER, payload, 1, JobRun::recordsPerSecond)
            .ifPresent(v -> chart.bar("(b) Floe loader, p=1", v, "#7fb3dd"));
      }
    }
    return chart;
  }

  private BarChart freshnessChart() {
    BarChart chart = new BarChart("Freshness: produce → commit latency", "s");
    for (FreshnessRun run : result.freshness()) {
      chart.heading("flush interval " + duration(run.interval()));
      chart.bar("p50", run.p50Millis() / 1000, "#8aafd6");
      chart.bar("p95", run.p95Millis() / 1000, "#2a7ab9");
      chart.bar("p99", run.p99Millis() / 1000, "#1b4f7a");
    }
    return chart;
  }

  private List<SamplePayload> payloads() {
    return result.options().wideRecords() > 0
        ? List.of(SamplePayload.SAMPLE, SamplePayload.WIDE)
        : List.of(SamplePayload.SAMPLE);
  }

  private long records(SamplePayload payload) {
    return payload == SamplePayload.SAMPLE
        ? result.options().records()
        : result.options().wideRecords();
  }

  private List<String> caveats() {
    List<String> caveats = new ArrayList<>(result.notes());
    Machine machine = result.machine();
    double maxLoad = result.runs().stream().mapToDouble(JobRun::loadBefore).max().orElse(0);
    if (maxLoad > machine.cores() * 0.5) {
      caveats.add(
          String.format(
              Locale.ROOT,
              "The machine was busy before a run (1-minute load average up to %.2f on %d cores,"
                  + " the benchmark's own previous job included).",
              maxLoad,
              machine.cores()));
    }
    return caveats;
  }

  private Map<String, String> setup() {
    AllOptions options = result.options();
    Map<String, String> setup = new LinkedHashMap<>();
    setup.put("machine", machineLine());
    setup.put("Java", result.machine().java());
    setup.put(
        "Flink",
        result.flinkVersion()
            + ": 1 JobManager, 1 TaskManager ("
            + options.taskSlots()
            + " slots, process size "
            + options.taskManagerMemory()
            + ")");
    setup.put("Iceberg", runtimeIceberg + ", Hadoop catalog on local disk");
    setup.put("Kafka", "broker " + versions.kafkaBroker() + " (local, KRaft), 1 broker");
    setup.put("loader", result.loaderJar().getFileName().toString());
    result
        .published()
        .forEach(
            (payload, sent) ->
                setup.put(
                    payload.cliName() + " payload",
                    String.format(
                        Locale.ROOT,
                        "%,d messages, %.0f bytes each on average, %d columns, %s",
                        sent.records(),
                        sent.averageBytes(),
                        payload.schema().columns().size(),
                        payload == SamplePayload.SAMPLE
                            ? "partitioned by day(timestamp)"
                            : "unpartitioned")));
    setup.put("topic partitions", Integer.toString(options.partitions()));
    setup.put("parallelism", Integer.toString(options.parallelism()));
    setup.put("flush interval (throughput runs)", duration(options.flushInterval()));
    setup.put(
        "table properties",
        options.tableProperties().isEmpty()
            ? "Iceberg's defaults"
            : String.join(
                ", ",
                options.tableProperties().entrySet().stream()
                    .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`")
                    .toList()));
    return setup;
  }

  private String machineLine() {
    Machine machine = result.machine();
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %.1f GiB, Linux %s",
        machine.cores(),
        machine.cpuModel(),
        machine.memoryBytes() / (1024.0 * 1024 * 1024),
        machine.kernel());
  }

  private String date() {
    return generated
        .withZoneSameInstant(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT));
  }

  static String spread(List<JobRun> runs, ToDoubleFunction<JobRun> figure) {
    double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
    OptionalDouble median = AllResult.median(values);
    if (values.length < 2 || median.isEmpty() || median.getAsDouble() == 0) {
      return "";
    }
    double low = values[0];
    double high = values[values.length - 1];
    return String.format(
        Locale.ROOT,
        "%s–%s (±%.1f %%)",
        compact(low),
        compact(high),
        (high - low) / 2 / median.getAsDouble() * 100);
  }

  private static String compact(double value) {
    return value >= 100
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  private static OptionalDouble sum(OptionalDouble... values) {
    double total = 0;
    for (OptionalDouble value : values) {
      if (value.isEmpty()) {
        return OptionalDouble.empty();
      }
      total += value.getAsDouble();
    }
    return OptionalDouble.of(total);
  }

  private static String ratio(OptionalDouble value, double goal) {
    if (value.isEmpty()) {
      return "n/a";
    }
    return String.format(
        Locale.ROOT,
        "%.2f (%s)",
        value.getAsDouble(),
        value.getAsDouble() >= goal ? "met" : "not met");
  }

  private static String number(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%,.0f", value.getAsDouble()) : "n/a";
  }

  private static String number(OptionalDouble value, int decimals) {
    return value.isPresent()
        ? String.format(Locale.ROOT, "%." + decimals + "f", value.getAsDouble())
        : "n/a";
  }

  private static String seconds(double millis) {
    return String.format(Locale.ROOT, "%.2f s", millis / 1000);
  }

  private static String heap(List<OptionalLong> samples) {
    OptionalLong max =
        samples.stream().filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong).max();
    return max.isPresent()
        ? String.format(Locale.ROOT, "%,d MiB", max.getAsLong() / (1024 * 1024))
        : "n/a";
  }

  private static String duration(java.time.Duration duration) {
    long millis = duration.toMillis();
    if (millis % 60_000 == 0) {
      return millis / 60_000 + " min";
    }
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
