package io.floe.benchmarks.all;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.cli.Arguments;
import io.floe.loader.settings.TableDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of the {@code all} benchmark, each declared once in {@link #USAGE} with its default.
 *
 * @param records messages of the sample payload (one topic, read by every run)
 * @param wideRecords messages of the wide payload; 0 leaves the wide payload out
 * @param runs rounds of loader / Flink SQL / loader at parallelism 1, alternating
 * @param stageRuns runs of each stage ceiling (read, parse, write)
 * @param partitions partitions of every topic
 * @param parallelism parallelism of every job but the scaling baseline (1)
 * @param flushInterval checkpoint (flush) interval of the throughput runs
 * @param freshnessIntervals flush intervals of the freshness runs; empty leaves freshness out
 * @param freshnessRate messages per second the freshness publisher sends
 * @param freshnessDuration how long it publishes (at least 2.5 flush intervals)
 * @param freshnessWarmup messages produced this early in a freshness run are left out
 * @param profile whether one extra loader run is profiled with JFR
 * @param taskManagerMemory the TaskManager's process size
 * @param tableProperties Iceberg table properties of every table: Floe's defaults ({@link
 *     TableDefaults}) under those given
 * @param runTimeout how long one run may take
 * @param workDir the broker's, cluster's and warehouse's folder, emptied first
 * @param reportDir where the Markdown report and its charts go
 * @param loaderJar the loader JAR; empty: the one this benchmark was built with
 * @param baselineLoaderJar another loader JAR (before a change) run alongside in every round
 */
public record AllOptions(
    long records,
    long wideRecords,
    int runs,
    int stageRuns,
    int partitions,
    int parallelism,
    Duration flushInterval,
    List<Duration> freshnessIntervals,
    int freshnessRate,
    Duration freshnessDuration,
    Duration freshnessWarmup,
    boolean profile,
    String taskManagerMemory,
    Map<String, String> tableProperties,
    Duration runTimeout,
    Path workDir,
    Path reportDir,
    Optional<Path> loaderJar,
    Optional<Path> baselineLoaderJar) {

  public static final String USAGE =
      String.join(
          "\n",
          "all: every figure of the benchmark issue in one run, on one Kafka broker and one Flink",
          "cluster: stage ceilings (read, parse, write alone) and the composed limit L, the loader",
          "against Flink SQL (alternating runs, each table checked for exactly ids 1..N), scaling",
          "from parallelism 1 to 2, freshness at a steady publish rate per flush interval, the",
          "TaskManager's peak heap, and a JFR profile of the loader. Writes report.md plus SVG charts.",
          "",
          "Options:",
          "  --records N                 sample messages (default 1000000)",
          "  --wide-records N            wide (50-column) messages; 0 = no wide runs",
          "                              (default: records / 4)",
          "  --runs N                    rounds of loader, Flink SQL, loader at p=1 (default 3)",
          "  --stage-runs N              runs of each stage ceiling (default 1)",
          "  --partitions N              partitions of each topic (default 2)",
          "  --parallelism N             parallelism of the jobs (default 2)",
          "  --flush-interval D          flush (checkpoint) interval of throughput runs (default 5s)",
          "  --freshness-intervals LIST  flush intervals of freshness runs, comma-separated, or none",
          "                              (default 1s,5s,60s)",
          "  --freshness-rate N          messages per second while measuring freshness (default 5000)",
          "  --freshness-duration D      publishing time per freshness run; at least 2.5 flush",
          "                              intervals (default 60s)",
          "  --freshness-warmup D        messages produced this early are left out (default 10s)",
          "  --profile true|false        profile one extra loader run with JFR (default true)",
          "  --taskmanager-memory SIZE   the TaskManager's process size (default 4096m)",
          "  --table-property K=V        an Iceberg table property of every table, over Floe's",
          "                              defaults (write.parquet.dict-size-bytes=65536); repeatable",
          "  --run-timeout D             longest one run may take (default 20m)",
          "  --work-dir PATH             broker, cluster and warehouse; emptied first",
          "                              (default benchmarks/target/work)",
          "  --report-dir PATH           report.md and its charts (default benchmarks/target/report)",
          "  --loader-jar PATH           the loader JAR (default: the one this benchmark was built",
          "                              with)",
          "  --baseline-loader-jar PATH  a loader JAR before a change: also run in every round, for",
          "                              before/after ratios (default: none)",
          "  --help                      this text");

  static final long MAX_RECORDS = Integer.MAX_VALUE - 1;

  private static final Set<String> OPTIONS =
      Set.of(
          "records",
          "wide-records",
          "runs",
          "stage-runs",
          "partitions",
          "parallelism",
          "flush-interval",
          "freshness-intervals",
          "freshness-rate",
          "freshness-duration",
          "freshness-warmup",
          "profile",
          "taskmanager-memory",
          "table-property",
          "run-timeout",
          "work-dir",
          "report-dir",
          "loader-jar",
          "baseline-loader-jar");

  public AllOptions {
    requireNonNull(flushInterval, "flushInterval is null");
    freshnessIntervals = List.copyOf(freshnessIntervals);
    requireNonNull(freshnessDuration, "freshnessDuration is null");
    requireNonNull(freshnessWarmup, "freshnessWarmup is null");
    requireNonNull(taskManagerMemory, "taskManagerMemory is null");
    tableProperties = Map.copyOf(tableProperties);
    requireNonNull(runTimeout, "runTimeout is null");
    requireNonNull(workDir, "workDir is null");
    requireNonNull(reportDir, "reportDir is null");
    requireNonNull(loaderJar, "loaderJar is null");
    requireNonNull(baselineLoaderJar, "baselineLoaderJar is null");
  }

  /** What {@link #parse} made of a command line: options, or every problem found. */
  public record Parsed(Optional<AllOptions> options, List<String> problems, boolean help) {}

  public static Parsed parse(List<String> args, Path targetDir) {
    Arguments arguments = Arguments.parse(args, OPTIONS, Set.of("help"));
    if (arguments.flag("help")) {
      return new Parsed(Optional.empty(), List.of(), true);
    }
    long records = arguments.longValue("records", 1_000_000, 1);
    long wideRecords = arguments.longValue("wide-records", Math.max(1, records / 4), 0);
    int runs = arguments.intValue("runs", 3, 1);
    int stageRuns = arguments.intValue("stage-runs", 1, 1);
    int partitions = arguments.intValue("partitions", 2, 1);
    int parallelism = arguments.intValue("parallelism", 2, 1);
    Duration flushInterval = arguments.duration("flush-interval", Duration.ofSeconds(5));
    List<String> problems = new ArrayList<>();
    List<Duration> intervals = new ArrayList<>();
    String intervalText = arguments.text("freshness-intervals", "1s,5s,60s");
    if (!intervalText.equals("none")) {
      for (String part : intervalText.split(",")) {
        try {
          intervals.add(Arguments.parseDuration(part));
        } catch (IllegalArgumentException e) {
          problems.add("--freshness-intervals '" + part + "': " + e.getMessage());
        }
      }
    }
    int rate = arguments.intValue("freshness-rate", 5_000, 1);
    Duration freshnessDuration = arguments.duration("freshness-duration", Duration.ofSeconds(60));
    Duration warmup = arguments.duration("freshness-warmup", Duration.ofSeconds(10));
    String profile =
        arguments.choice("profile", "true", new LinkedHashSet<>(List.of("true", "false")));
    String memory = arguments.text("taskmanager-memory", "4096m");
    Map<String, String> tableProperties =
        TableDefaults.withDefaults(arguments.keyValues("table-property"));
    Duration runTimeout = arguments.duration("run-timeout", Duration.ofMinutes(20));
    Path workDir = arguments.path("work-dir").orElse(targetDir.resolve("work"));
    Path reportDir = arguments.path("report-dir").orElse(targetDir.resolve("report"));
    Optional<Path> loaderJar = arguments.path("loader-jar");
    Optional<Path> baselineLoaderJar = arguments.path("baseline-loader-jar");
    problems.addAll(0, arguments.problems());
    if (records > MAX_RECORDS || wideRecords > MAX_RECORDS) {
      problems.add("--records and --wide-records are at most " + MAX_RECORDS);
    }
    if (flushInterval.compareTo(Duration.ofMillis(200)) < 0) {
      problems.add("--flush-interval must be at least 200ms (the loader's minimum)");
    }
    for (Duration interval : intervals) {
      if (interval.compareTo(Duration.ofMillis(200)) < 0) {
        problems.add("--freshness-intervals must be at least 200ms each: " + interval);
      }
    }
    if (warmup.compareTo(freshnessDuration) >= 0) {
      problems.add("--freshness-warmup must be shorter than --freshness-duration");
    }
    if (!memory.matches("\\d+[mg]")) {
      problems.add("--taskmanager-memory must be a size such as 4096m or 4g: " + memory);
    }
    if (!problems.isEmpty()) {
      return new Parsed(Optional.empty(), problems, false);
    }
    return new Parsed(
        Optional.of(
            new AllOptions(
                records,
                wideRecords,
                runs,
                stageRuns,
                partitions,
                parallelism,
                flushInterval,
                intervals,
                rate,
                freshnessDuration,
                warmup,
                profile.equals("true"),
                memory,
                tableProperties,
                runTimeout,
                workDir,
                reportDir,
                loaderJar,
                baselineLoaderJar)),
        List.of(),
        false);
  }

  /** Publishing time of a freshness run at this interval: at least 2.5 intervals. */
  public Duration freshnessDuration(Duration interval) {
    Duration minimum = interval.multipliedBy(5).dividedBy(2);
    return freshnessDuration.compareTo(minimum) >= 0 ? freshnessDuration : minimum;
  }

  /** Slots of the one TaskManager: 4, or the parallelism if that is more. */
  public int taskSlots() {
    return Math.max(4, parallelism);
  }
}
