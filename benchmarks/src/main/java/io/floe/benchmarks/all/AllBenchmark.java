package io.floe.benchmarks.all;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.flink.FlinkRest;
import io.floe.benchmarks.flink.FlinkRest.JobStatus;
import io.floe.benchmarks.flink.JobJar;
import io.floe.benchmarks.freshness.CommittedAt;
import io.floe.benchmarks.freshness.Latencies;
import io.floe.benchmarks.jobs.SqlLoadJob;
import io.floe.benchmarks.jobs.StageJob;
import io.floe.benchmarks.kafka.BulkPublisher;
import io.floe.benchmarks.kafka.BulkPublisher.Published;
import io.floe.benchmarks.kafka.SteadyPublisher;
import io.floe.benchmarks.process.Jcmd;
import io.floe.benchmarks.process.ProcessCpu;
import io.floe.benchmarks.profile.JfrProfile;
import io.floe.benchmarks.stack.BenchmarkStack;
import io.floe.benchmarks.table.BenchmarkCatalog;
import io.floe.benchmarks.table.Commits;
import io.floe.benchmarks.table.Commits.Commit;
import io.floe.benchmarks.table.IdCheck;
import io.floe.benchmarks.table.RowDigests;
import io.floe.loader.sample.SamplePayload;
import io.floe.loader.settings.JobSettings;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.settings.TableSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;

/**
 * The {@code all} benchmark: on one broker and one Flink cluster, the stage ceilings, the loader
 * against Flink SQL (alternating), scaling, freshness and a profile, each table checked.
 */
public final class AllBenchmark {
  private static final String LOADER_ENTRY_CLASS = "io.floe.loader.LoaderJob";
  // Compile-time constants, inlined: the benchmark JVM never loads the job classes (no Flink here).
  private static final String STAGE_ENTRY_CLASS = StageJob.ENTRY_CLASS;
  private static final String SQL_ENTRY_CLASS = SqlLoadJob.ENTRY_CLASS;
  private static final String RECORDS_ACCUMULATOR = StageJob.RECORDS_ACCUMULATOR;
  private static final String ENDED_AT_ACCUMULATOR = StageJob.ENDED_AT_ACCUMULATOR;
  private static final Duration IDLE_WINDOW = Duration.ofMillis(500);
  private static final Duration IDLE_CPU = Duration.ofMillis(50);
  private static final Duration IDLE_LIMIT = Duration.ofSeconds(15);
  private static final String HEAP_USED = "Status.JVM.Memory.Heap.Used";
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration TABLE_POLL = Duration.ofMillis(250);

  private final AllOptions options;
  private final Path loaderJar;
  private final Path benchmarkCode;
  private final PrintStream out;

  private BenchmarkStack stack;
  private BenchmarkCatalog catalog;
  private FlinkRest flink;
  private String loaderJarId;
  private String baselineLoaderJarId;
  private String jobJarId;
  private String taskManagerId;
  private ProcessCpu taskManager;
  private int sequence;

  /**
   * @param benchmarkCode this benchmark's JAR (or classes folder): the job classes come from it
   */
  public AllBenchmark(AllOptions options, Path loaderJar, Path benchmarkCode, PrintStream out) {
    this.options = requireNonNull(options, "options is null");
    this.loaderJar = requireNonNull(loaderJar, "loaderJar is null");
    this.benchmarkCode = requireNonNull(benchmarkCode, "benchmarkCode is null");
    this.out = requireNonNull(out, "out is null");
  }

  public AllResult run() {
    Machine machine = Machine.current();
    out.printf(
        "Starting a Kafka broker and a Flink cluster (1 TaskManager, %d slots, %s) in %s%n",
        options.taskSlots(), options.taskManagerMemory(), options.workDir());
    try (BenchmarkStack started =
            BenchmarkStack.start(
                options.workDir(), options.taskSlots(), options.taskManagerMemory());
        BenchmarkCatalog tables = new BenchmarkCatalog(started.warehouse())) {
      stack = started;
      catalog = tables;
      flink = new FlinkRest(stack.flink().restUrl());
      String flinkVersion = flink.flinkVersion();
      loaderJarId = flink.uploadJar(loaderJar);
      if (options.baselineLoaderJar().isPresent()) {
        baselineLoaderJarId = flink.uploadJar(options.baselineLoaderJar().get());
      }
      Path jobJar =
          JobJar.write(stack.workDir().resolve("benchmark-jobs.jar"), benchmarkCode, loaderJar);
      jobJarId = flink.uploadJar(jobJar);
      taskManagerId = single(flink.taskManagerIds());
      taskManager = ProcessCpu.taskManager();

      List<JobRun> runs = new ArrayList<>();
      Map<SamplePayload, Published> published = new EnumMap<>(SamplePayload.class);
      List<String> notes = new ArrayList<>();
      for (SamplePayload payload : payloads()) {
        long records = payload == SamplePayload.SAMPLE ? options.records() : options.wideRecords();
        String topic = "all-" + payload.cliName();
        Published sent =
            BulkPublisher.publish(
                stack.kafka().bootstrapServers(), topic, options.partitions(), records, payload);
        published.put(payload, sent);
        out.printf(
            Locale.ROOT,
            "%s: published %,d messages (%.0f bytes each) in %.1f s%n",
            payload.cliName(),
            sent.records(),
            sent.averageBytes(),
            sent.took().toNanos() / 1e9);
        if (payload == payloads().get(0)) {
          // Unmeasured: the cluster's own classes (Flink runtime, network) are JIT-compiled and
          // the TaskManager's heap sized by the first jobs; without this, the first measured job
          // of each stage would pay for that alone.
          for (Kind kind : List.of(Kind.READ, Kind.PARSE, Kind.WRITE)) {
            JobRun warmup = stage(kind, payload, topic, records, 0);
            notes.add(
                String.format(
                    Locale.ROOT,
                    "A warm-up %s job ran first and is not counted (%,.0f records/s).",
                    kind.name().toLowerCase(Locale.ROOT),
                    warmup.recordsPerSecond()));
          }
        }
        for (int round = 1; round <= options.stageRuns(); round++) {
          runs.add(stage(Kind.READ, payload, topic, records, round));
          runs.add(stage(Kind.PARSE, payload, topic, records, round));
          runs.add(stage(Kind.WRITE, payload, topic, records, round));
        }
        RowDigests reference = null;
        for (int round = 1; round <= options.runs(); round++) {
          Loaded loader =
              load(Kind.LOADER, payload, topic, records, options.parallelism(), round, round == 1);
          runs.add(loader.run());
          if (round == 1) {
            reference = loader.digests().orElse(null);
          }
          if (baselineLoaderJarId != null) {
            runs.add(
                load(
                        Kind.BASELINE_LOADER,
                        payload,
                        topic,
                        records,
                        options.parallelism(),
                        round,
                        false)
                    .run());
          }
          Loaded sql = load(Kind.SQL, payload, topic, records, options.parallelism(), round, true);
          JobRun sqlRun = sql.run();
          if (reference != null && sql.digests().isPresent()) {
            long differing = sql.digests().get().mismatches(reference);
            sqlRun =
                withCheck(
                    sqlRun,
                    differing == 0
                        ? sqlRun.check() + "; every row equals the loader's (all columns)"
                        : sqlRun.check() + "; " + differing + " rows DIFFER from the loader's",
                    differing == 0);
            out.printf(
                "  Flink SQL rows vs loader rows: %s%n",
                differing == 0 ? "identical" : differing + " differ");
          }
          runs.add(sqlRun);
          if (payload == SamplePayload.SAMPLE && options.parallelism() > 1) {
            runs.add(load(Kind.LOADER, payload, topic, records, 1, round, false).run());
          }
        }
      }

      List<FreshnessRun> freshness = new ArrayList<>();
      for (Duration interval : options.freshnessIntervals()) {
        freshness.add(freshness(interval));
      }

      Optional<JfrProfile.Summary> profile = Optional.empty();
      Optional<JfrProfile.Summary> baselineProfile = Optional.empty();
      if (options.profile() && published.containsKey(SamplePayload.SAMPLE)) {
        try {
          profile = Optional.of(profile("all-sample", options.records(), loaderJarId, "loader"));
          if (baselineLoaderJarId != null) {
            baselineProfile =
                Optional.of(
                    profile("all-sample", options.records(), baselineLoaderJarId, "baseline"));
          }
        } catch (RuntimeException e) {
          notes.add("The JFR profile failed: " + e.getMessage());
          out.println("The JFR profile failed: " + e);
        }
      }
      return new AllResult(
          options,
          machine,
          flinkVersion,
          loaderJar,
          published,
          runs,
          freshness,
          profile,
          baselineProfile,
          notes);
    }
  }

  private List<SamplePayload> payloads() {
    return options.wideRecords() > 0
        ? List.of(SamplePayload.SAMPLE, SamplePayload.WIDE)
        : List.of(SamplePayload.SAMPLE);
  }

  /** A run with its full-table digests when they were read. */
  private record Loaded(JobRun run, Optional<RowDigests> digests) {}

  private JobRun stage(Kind kind, SamplePayload payload, String topic, long records, int round) {
    String name = name(kind, payload, options.parallelism(), round);
    double loadBefore = Machine.currentLoadAverage();
    Optional<Table> table = Optional.empty();
    List<String> args =
        new ArrayList<>(
            loaderArguments(name, topic, name, options.flushInterval(), options.parallelism()));
    if (kind == Kind.WRITE) {
      table = Optional.of(createTable(name, payload));
    }
    add(args, StageJob.STAGE, kind.name().toLowerCase(Locale.ROOT));
    add(args, StageJob.RECORDS, Long.toString(records));
    add(args, StageJob.PAYLOAD, payload.cliName());
    Path gate = stack.workDir().resolve("gates").resolve(name).toAbsolutePath();
    add(args, StageJob.GATE, gate.toString());
    collectGarbage();
    Instant submitted = Instant.now();
    String jobId = flink.runJar(jobJarId, STAGE_ENTRY_CLASS, args, options.parallelism());
    Measured measured = measure(jobId, submitted, table, records, Optional.of(gate));
    String check;
    boolean correct;
    if (table.isPresent()) {
      IdCheck ids = IdCheck.read(table.get(), records);
      check = ids.describe();
      correct = ids.exact();
    } else {
      long counted = flink.accumulator(jobId, RECORDS_ACCUMULATOR).map(Long::parseLong).orElse(-1L);
      correct = counted == records;
      check =
          correct
              ? "read " + counted + " messages, as published"
              : "READ " + counted + " messages of " + records;
    }
    return report(
        new JobRun(
            kind,
            payload,
            options.parallelism(),
            round,
            records,
            measured.submitToRunning(),
            measured.runningToProcessed(),
            measured.runningToDone(),
            measured.cpu(),
            measured.jitCpu(),
            measured.peakHeap(),
            measured.commits(),
            measured.dataFiles(),
            measured.dataBytes(),
            loadBefore,
            check,
            correct));
  }

  private Loaded load(
      Kind kind,
      SamplePayload payload,
      String topic,
      long records,
      int parallelism,
      int round,
      boolean digests) {
    String name = name(kind, payload, parallelism, round);
    double loadBefore = Machine.currentLoadAverage();
    Table table = createTable(name, payload);
    collectGarbage();
    Instant submitted = Instant.now();
    String jobId;
    if (kind == Kind.LOADER || kind == Kind.BASELINE_LOADER) {
      jobId =
          flink.runJar(
              kind == Kind.LOADER ? loaderJarId : baselineLoaderJarId,
              LOADER_ENTRY_CLASS,
              loaderArguments(name, topic, name, options.flushInterval(), parallelism),
              parallelism);
    } else {
      List<String> args = new ArrayList<>();
      add(args, "bootstrap-servers", stack.kafka().bootstrapServers());
      add(args, "topic", topic);
      add(args, "group-id", "sql-" + name);
      add(args, "warehouse", catalog.loaderProperties().get("warehouse"));
      add(args, "namespace", BenchmarkCatalog.NAMESPACE);
      add(args, "table", tableName(name));
      add(args, "payload", payload.cliName());
      add(args, "flush-interval-ms", Long.toString(options.flushInterval().toMillis()));
      add(args, "parallelism", Integer.toString(parallelism));
      jobId = flink.runJar(jobJarId, SQL_ENTRY_CLASS, args, parallelism);
    }
    Measured measured = measure(jobId, submitted, Optional.of(table), records, Optional.empty());
    Optional<RowDigests> read = Optional.empty();
    IdCheck ids;
    if (digests) {
      RowDigests rows = RowDigests.read(table, records);
      read = Optional.of(rows);
      ids = rows.ids();
    } else {
      ids = IdCheck.read(table, records);
    }
    JobRun run =
        new JobRun(
            kind,
            payload,
            parallelism,
            round,
            records,
            measured.submitToRunning(),
            measured.runningToProcessed(),
            measured.runningToDone(),
            measured.cpu(),
            measured.jitCpu(),
            measured.peakHeap(),
            measured.commits(),
            measured.dataFiles(),
            measured.dataBytes(),
            loadBefore,
            ids.describe(),
            ids.exact());
    return new Loaded(report(run), read);
  }

  private JobRun report(JobRun run) {
    out.printf(
        Locale.ROOT,
        "%-6s %-6s p=%d #%d: %,9.0f records/s, %6.2f CPU s per million (%5.2f without JIT),"
            + " %5.1f data bytes per record, peak heap %s, %s%n",
        run.kind().name().toLowerCase(Locale.ROOT),
        run.payload().cliName(),
        run.parallelism(),
        run.round(),
        run.recordsPerSecond(),
        run.cpuSecondsPerMillion(),
        run.workCpuSecondsPerMillion(),
        run.dataBytesPerRecord(),
        run.peakHeapBytes().isPresent()
            ? run.peakHeapBytes().getAsLong() / (1024 * 1024) + " MiB"
            : "n/a",
        run.check());
    return run;
  }

  private static JobRun withCheck(JobRun run, String check, boolean correct) {
    return new JobRun(
        run.kind(),
        run.payload(),
        run.parallelism(),
        run.round(),
        run.records(),
        run.submitToRunning(),
        run.runningToProcessed(),
        run.runningToDone(),
        run.cpu(),
        run.jitCpu(),
        run.peakHeapBytes(),
        run.commits(),
        run.dataFiles(),
        run.dataBytes(),
        run.loadBefore(),
        check,
        run.correct() && correct);
  }

  private FreshnessRun freshness(Duration interval) {
    String name = "fresh-" + interval.toMillis() + "ms";
    Duration publishing = options.freshnessDuration(interval);
    Table table = createTable(name, SamplePayload.SAMPLE);
    SteadyPublisher.createTopic(stack.kafka().bootstrapServers(), name, options.partitions());
    Instant submitted = Instant.now();
    String jobId =
        flink.runJar(
            loaderJarId,
            LOADER_ENTRY_CLASS,
            loaderArguments(name, name, name, interval, options.parallelism()),
            options.parallelism());
    awaitFullyRunning(jobId, submitted.plus(options.runTimeout()));
    out.printf(
        Locale.ROOT,
        "freshness at a %d ms flush interval: publishing %,d messages/s for %d s%n",
        interval.toMillis(),
        options.freshnessRate(),
        publishing.toSeconds());
    HeapSampler heap = new HeapSampler();
    Thread sampler = new Thread(heap, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    SteadyPublisher.Sent sent;
    try {
      sent =
          SteadyPublisher.publish(
              stack.kafka().bootstrapServers(),
              name,
              options.partitions(),
              options.freshnessRate(),
              publishing,
              SamplePayload.SAMPLE);
      Instant deadline = Instant.now().plus(interval.multipliedBy(3)).plusSeconds(120);
      while (Commits.of(table).commitsToReach(sent.records()).isEmpty()) {
        requireAlive(jobId);
        if (Instant.now().isAfter(deadline)) {
          flink.cancel(jobId);
          throw new IllegalStateException(
              "The freshness run at " + interval + " did not commit all rows in time");
        }
        sleep(TABLE_POLL);
      }
    } finally {
      heap.stop();
    }
    flink.cancel(jobId);
    awaitTerminal(jobId);
    IdCheck ids = IdCheck.read(table, sent.records());
    CommittedAt.Result committed =
        CommittedAt.read(table, sent.started().plus(options.freshnessWarmup()));
    Latencies latencies = new Latencies(committed.latencyMillis());
    List<Commit> commits = Commits.of(table).all();
    Instant lastCommit = commits.get(commits.size() - 1).committedAt();
    double minutes = Duration.between(sent.started(), lastCommit).toMillis() / 60_000.0;
    FreshnessRun run =
        new FreshnessRun(
            interval,
            options.freshnessRate(),
            sent.took(),
            sent.records(),
            latencies.count(),
            latencies.percentile(50),
            latencies.percentile(95),
            latencies.percentile(99),
            latencies.max(),
            committed.commits(),
            committed.dataFiles(),
            committed.dataFiles() / minutes,
            heap.peak(),
            ids.describe(),
            ids.exact());
    out.printf(
        Locale.ROOT,
        "  p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms; %d commits, %.1f data files/min; %s%n",
        run.p50Millis(),
        run.p95Millis(),
        run.p99Millis(),
        run.maxMillis(),
        run.commits(),
        run.filesPerMinute(),
        run.check());
    return run;
  }

  private JfrProfile.Summary profile(String topic, long records, String jarId, String label) {
    String name = name(Kind.LOADER, SamplePayload.SAMPLE, options.parallelism(), 0) + "-jfr";
    Table table = createTable(name, SamplePayload.SAMPLE);
    Path file = stack.workDir().resolve(label + "-profile.jfr").toAbsolutePath();
    Instant submitted = Instant.now();
    String jobId =
        flink.runJar(
            jarId,
            LOADER_ENTRY_CLASS,
            loaderArguments(name, topic, name, options.flushInterval(), options.parallelism()),
            options.parallelism());
    awaitFullyRunning(jobId, submitted.plus(options.runTimeout()));
    JfrProfile recording = JfrProfile.start(taskManager.pid(), file);
    Instant deadline = Instant.now().plus(options.runTimeout());
    while (Commits.of(table).commitsToReach(records).isEmpty()) {
      requireAlive(jobId);
      if (Instant.now().isAfter(deadline)) {
        break;
      }
      sleep(TABLE_POLL);
    }
    JfrProfile.Summary summary = recording.stop();
    flink.cancel(jobId);
    awaitTerminal(jobId);
    out.printf(Locale.ROOT, "%s profile: %d samples in %s%n", label, summary.samples(), file);
    summary
        .areas()
        .forEach(
            area ->
                out.printf(
                    Locale.ROOT, "  %5.1f%% %s%n", summary.share(area.samples()), area.name()));
    return summary;
  }

  /** What one measured job did between running and done. */
  private record Measured(
      Duration submitToRunning,
      Duration runningToProcessed,
      Duration runningToDone,
      Duration cpu,
      Duration jitCpu,
      OptionalLong peakHeap,
      int commits,
      long dataFiles,
      long dataBytes) {}

  /**
   * Waits until every task runs, then until the table holds N rows (or, without a table, until the
   * bounded job finished), sampling the heap and noting when the sources had emitted N records; the
   * job is then cancelled (if still running). A gated stage job is measured from the gate's
   * opening, once its deployment has settled.
   */
  private Measured measure(
      String jobId, Instant submitted, Optional<Table> table, long records, Optional<Path> gate) {
    Instant deadline = submitted.plus(options.runTimeout());
    if (gate.isEmpty() && table.isEmpty()) {
      throw new IllegalArgumentException("A job without a table must be gated");
    }
    awaitFullyRunning(jobId, deadline);
    Instant running = Instant.now();
    if (gate.isPresent()) {
      awaitIdle();
    }
    Duration cpuAtStart = taskManager.used();
    Duration jitAtStart = taskManager.jitCompilation();
    Instant measuredFrom = Instant.now();
    if (gate.isPresent()) {
      open(gate.get());
    }
    long peakHeap = -1;
    Instant nextHeapSample = Instant.now();
    List<String> sourceRecordsOut = List.of();
    Optional<Instant> processed = Optional.empty();
    Instant done;
    int commits = 0;
    long dataFiles = 0;
    long dataBytes = 0;
    while (true) {
      JobStatus status = flink.job(jobId);
      if (!Instant.now().isBefore(nextHeapSample)) {
        OptionalDouble heap = flink.taskManagerMetric(taskManagerId, HEAP_USED);
        if (heap.isPresent()) {
          peakHeap = Math.max(peakHeap, (long) heap.getAsDouble());
        }
        nextHeapSample = Instant.now().plusSeconds(1);
      }
      if (table.isPresent() && processed.isEmpty()) {
        if (sourceRecordsOut.isEmpty()) {
          sourceRecordsOut = flink.sourceRecordsOutMetrics(jobId);
        }
        if (!sourceRecordsOut.isEmpty() && flink.metricSum(sourceRecordsOut) >= records) {
          processed = Optional.of(Instant.now());
        }
      }
      if (table.isPresent()) {
        Commits all = Commits.of(table.get());
        Optional<Integer> needed = all.commitsToReach(records);
        if (needed.isPresent()) {
          List<Commit> used = all.all().subList(0, needed.get());
          done = used.get(used.size() - 1).committedAt();
          commits = used.size();
          dataFiles = used.stream().mapToLong(Commit::dataFiles).sum();
          dataBytes = used.stream().mapToLong(Commit::dataBytes).sum();
          break;
        }
      } else if (status.state().equals("FINISHED")) {
        done =
            flink
                .accumulator(jobId, ENDED_AT_ACCUMULATOR)
                .map(millis -> Instant.ofEpochMilli(Long.parseLong(millis)))
                .orElseGet(Instant::now);
        break;
      }
      if (status.terminal() || status.troubled()) {
        throw new IllegalStateException(
            "Job " + jobId + " is " + status.state() + ": " + flink.rootException(jobId));
      }
      if (Instant.now().isAfter(deadline)) {
        flink.cancel(jobId);
        throw new IllegalStateException("Job " + jobId + " did not finish within --run-timeout");
      }
      sleep(table.isPresent() ? TABLE_POLL : POLL);
    }
    Duration cpu = taskManager.used().minus(cpuAtStart);
    Duration jitCpu = taskManager.jitCompilation().minus(jitAtStart);
    if (!flink.job(jobId).terminal()) {
      flink.cancel(jobId);
    }
    awaitTerminal(jobId);
    if (table.isPresent() && sourceRecordsOut.isEmpty()) {
      out.println("  (no numRecordsOut metric of a source: records/s include the commit wait)");
    }
    // A commit of all N proves they were processed, even if the metrics had not shown it yet.
    Instant processedAt =
        processed.isPresent() && processed.get().isBefore(done) ? processed.get() : done;
    return new Measured(
        Duration.between(submitted, running),
        Duration.between(measuredFrom, processedAt),
        Duration.between(measuredFrom, done),
        cpu,
        jitCpu,
        peakHeap < 0 ? OptionalLong.empty() : OptionalLong.of(peakHeap),
        commits,
        dataFiles,
        dataBytes);
  }

  /**
   * Waits until the TaskManager uses less than {@link #IDLE_CPU} in {@link #IDLE_WINDOW}: a
   * deployed job still opening its operators (clients, class loading) is not yet idle.
   */
  private void awaitIdle() {
    Instant limit = Instant.now().plus(IDLE_LIMIT);
    Duration before = taskManager.used();
    while (Instant.now().isBefore(limit)) {
      sleep(IDLE_WINDOW);
      Duration now = taskManager.used();
      if (now.minus(before).compareTo(IDLE_CPU) < 0) {
        return;
      }
      before = now;
    }
    out.println("  (the TaskManager did not become idle before the gate opened)");
  }

  /**
   * A full garbage collection in the TaskManager before a measured job, so that no job pays for
   * collecting the previous one's garbage or unloading its classes.
   */
  private void collectGarbage() {
    Jcmd.run(taskManager.pid(), "GC.run");
  }

  private static void open(Path gate) {
    try {
      Files.createDirectories(gate.getParent());
      Files.createFile(gate);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the gate " + gate, e);
    }
  }

  private Table createTable(String name, SamplePayload payload) {
    Schema schema = payload.schema();
    return catalog.create(tableName(name), schema, payload.spec(schema), options.tableProperties());
  }

  /** The loader's settings as {@code --key value} arguments. */
  private List<String> loaderArguments(
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

  private String name(Kind kind, SamplePayload payload, int parallelism, int round) {
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

  private static String tableName(String name) {
    return name.replace('-', '_');
  }

  private static void add(List<String> args, String key, String value) {
    args.add("--" + key);
    args.add(value);
  }

  private void requireAlive(String jobId) {
    JobStatus status = flink.job(jobId);
    if (status.terminal() || status.troubled()) {
      throw new IllegalStateException(
          "Job " + jobId + " is " + status.state() + ": " + flink.rootException(jobId));
    }
  }

  private void awaitFullyRunning(String jobId, Instant deadline) {
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

  private void awaitTerminal(String jobId) {
    Instant deadline = Instant.now().plusSeconds(120);
    while (!flink.job(jobId).terminal()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Job " + jobId + " did not end within 2 minutes");
      }
      sleep(POLL);
    }
  }

  /** Samples the TaskManager's heap once a second on its own thread (freshness runs). */
  private final class HeapSampler implements Runnable {
    private volatile boolean running = true;
    private volatile long peak = -1;

    @Override
    public void run() {
      while (running) {
        try {
          OptionalDouble heap = flink.taskManagerMetric(taskManagerId, HEAP_USED);
          if (heap.isPresent()) {
            peak = Math.max(peak, (long) heap.getAsDouble());
          }
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // a missed sample
        }
      }
    }

    void stop() {
      running = false;
    }

    OptionalLong peak() {
      return peak < 0 ? OptionalLong.empty() : OptionalLong.of(peak);
    }
  }

  private static String single(List<String> ids) {
    if (ids.size() != 1) {
      throw new IllegalStateException("Expected one TaskManager, found " + ids);
    }
    return ids.get(0);
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
