package io.floe.benchmarks.all;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.all.ThroughputJobs.Loaded;
import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.flink.FlinkRest;
import io.floe.benchmarks.kafka.BulkPublisher;
import io.floe.benchmarks.kafka.BulkPublisher.Published;
import io.floe.benchmarks.profile.JfrProfile;
import io.floe.benchmarks.stack.BenchmarkStack;
import io.floe.benchmarks.table.BenchmarkCatalog;
import io.floe.benchmarks.table.RowDigests;
import io.floe.loader.sample.SamplePayload;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code all} benchmark: on one broker and one Flink cluster, the stage ceilings, the loader
 * against Flink SQL (alternating), scaling, freshness and a profile, each table checked.
 */
public final class AllBenchmark {
  private final AllOptions options;
  private final Path loaderJar;
  private final Path benchmarkCode;
  private final PrintStream out;

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
      FlinkRest flink = new FlinkRest(started.flink().restUrl());
      String flinkVersion = flink.flinkVersion();
      ClusterJobs cluster =
          ClusterJobs.upload(options, started, tables, flink, loaderJar, benchmarkCode);
      ThroughputJobs jobs =
          new ThroughputJobs(options, cluster, new JobMeter(options, cluster, out), out);

      List<JobRun> runs = new ArrayList<>();
      Map<SamplePayload, Published> published = new EnumMap<>(SamplePayload.class);
      List<String> notes = new ArrayList<>();
      for (SamplePayload payload : payloads()) {
        long records = payload == SamplePayload.SAMPLE ? options.records() : options.wideRecords();
        String topic = "all-" + payload.cliName();
        Published sent =
            BulkPublisher.publish(
                started.kafka().bootstrapServers(), topic, options.partitions(), records, payload);
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
            JobRun warmup = jobs.stage(kind, payload, topic, records, 0);
            notes.add(
                String.format(
                    Locale.ROOT,
                    "A warm-up %s job ran first and is not counted (%,.0f records/s).",
                    kind.name().toLowerCase(Locale.ROOT),
                    warmup.recordsPerSecond()));
          }
        }
        for (int round = 1; round <= options.stageRuns(); round++) {
          runs.add(jobs.stage(Kind.READ, payload, topic, records, round));
          runs.add(jobs.stage(Kind.PARSE, payload, topic, records, round));
          runs.add(jobs.stage(Kind.WRITE, payload, topic, records, round));
        }
        RowDigests reference = null;
        for (int round = 1; round <= options.runs(); round++) {
          Loaded loader =
              jobs.load(
                  Kind.LOADER, payload, topic, records, options.parallelism(), round, round == 1);
          runs.add(loader.run());
          if (round == 1) {
            reference = loader.digests().orElse(null);
          }
          if (cluster.baselineLoaderJarId().isPresent()) {
            runs.add(
                jobs.load(
                        Kind.BASELINE_LOADER,
                        payload,
                        topic,
                        records,
                        options.parallelism(),
                        round,
                        false)
                    .run());
          }
          Loaded sql =
              jobs.load(Kind.SQL, payload, topic, records, options.parallelism(), round, true);
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
            runs.add(jobs.load(Kind.LOADER, payload, topic, records, 1, round, false).run());
          }
        }
      }

      List<FreshnessRun> freshness = new ArrayList<>();
      FreshnessJobs freshnessJobs = new FreshnessJobs(options, cluster, out);
      for (Duration interval : options.freshnessIntervals()) {
        freshness.add(freshnessJobs.run(interval));
      }

      Optional<JfrProfile.Summary> profile = Optional.empty();
      Optional<JfrProfile.Summary> baselineProfile = Optional.empty();
      if (options.profile() && published.containsKey(SamplePayload.SAMPLE)) {
        try {
          ProfileJob profiler = new ProfileJob(options, cluster, out);
          profile =
              Optional.of(
                  profiler.record(
                      "all-sample", options.records(), cluster.loaderJarId(), "loader"));
          if (cluster.baselineLoaderJarId().isPresent()) {
            baselineProfile =
                Optional.of(
                    profiler.record(
                        "all-sample",
                        options.records(),
                        cluster.baselineLoaderJarId().get(),
                        "baseline"));
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
}
