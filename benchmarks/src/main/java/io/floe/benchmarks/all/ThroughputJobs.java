package io.floe.benchmarks.all;

import static io.floe.benchmarks.all.ClusterJobs.LOADER_ENTRY_CLASS;
import static io.floe.benchmarks.all.ClusterJobs.add;
import static io.floe.benchmarks.all.ClusterJobs.tableName;
import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.all.JobMeter.Measured;
import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.flink.FlinkRest;
import io.floe.benchmarks.jobs.SqlLoadJob;
import io.floe.benchmarks.jobs.StageJob;
import io.floe.benchmarks.stack.BenchmarkStack;
import io.floe.benchmarks.table.BenchmarkCatalog;
import io.floe.benchmarks.table.IdCheck;
import io.floe.benchmarks.table.RowDigests;
import io.floe.loader.sample.SamplePayload;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.iceberg.Table;

/** Runs the measured throughput jobs: each stage alone, the loader and the Flink SQL job. */
final class ThroughputJobs {
  // Compile-time constants, inlined: the benchmark JVM never loads the job classes (no Flink here).
  private static final String STAGE_ENTRY_CLASS = StageJob.ENTRY_CLASS;
  private static final String SQL_ENTRY_CLASS = SqlLoadJob.ENTRY_CLASS;
  private static final String RECORDS_ACCUMULATOR = StageJob.RECORDS_ACCUMULATOR;

  private final AllOptions options;
  private final ClusterJobs cluster;
  private final JobMeter meter;
  private final BenchmarkStack stack;
  private final BenchmarkCatalog catalog;
  private final FlinkRest flink;
  private final PrintStream out;

  ThroughputJobs(AllOptions options, ClusterJobs cluster, JobMeter meter, PrintStream out) {
    this.options = requireNonNull(options, "options is null");
    this.cluster = requireNonNull(cluster, "cluster is null");
    this.meter = requireNonNull(meter, "meter is null");
    this.stack = cluster.stack();
    this.catalog = cluster.catalog();
    this.flink = cluster.flink();
    this.out = requireNonNull(out, "out is null");
  }

  /** A run with its full-table digests when they were read. */
  record Loaded(JobRun run, Optional<RowDigests> digests) {}

  JobRun stage(Kind kind, SamplePayload payload, String topic, long records, int round) {
    String name = cluster.name(kind, payload, options.parallelism(), round);
    double loadBefore = Machine.currentLoadAverage();
    Optional<Table> table = Optional.empty();
    List<String> args =
        new ArrayList<>(
            cluster.loaderArguments(
                name, topic, name, options.flushInterval(), options.parallelism()));
    if (kind == Kind.WRITE) {
      table = Optional.of(cluster.createTable(name, payload));
    }
    add(args, StageJob.STAGE, kind.name().toLowerCase(Locale.ROOT));
    add(args, StageJob.RECORDS, Long.toString(records));
    add(args, StageJob.PAYLOAD, payload.cliName());
    Path gate = stack.workDir().resolve("gates").resolve(name).toAbsolutePath();
    add(args, StageJob.GATE, gate.toString());
    cluster.collectGarbage();
    Instant submitted = Instant.now();
    String jobId = flink.runJar(cluster.jobJarId(), STAGE_ENTRY_CLASS, args, options.parallelism());
    Measured measured = meter.measure(jobId, submitted, table, records, Optional.of(gate));
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

  Loaded load(
      Kind kind,
      SamplePayload payload,
      String topic,
      long records,
      int parallelism,
      int round,
      boolean digests) {
    String name = cluster.name(kind, payload, parallelism, round);
    double loadBefore = Machine.currentLoadAverage();
    Table table = cluster.createTable(name, payload);
    cluster.collectGarbage();
    Instant submitted = Instant.now();
    String jobId;
    if (kind == Kind.LOADER || kind == Kind.BASELINE_LOADER) {
      jobId =
          flink.runJar(
              kind == Kind.LOADER
                  ? cluster.loaderJarId()
                  : cluster.baselineLoaderJarId().orElseThrow(),
              LOADER_ENTRY_CLASS,
              cluster.loaderArguments(name, topic, name, options.flushInterval(), parallelism),
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
      jobId = flink.runJar(cluster.jobJarId(), SQL_ENTRY_CLASS, args, parallelism);
    }
    Measured measured =
        meter.measure(jobId, submitted, Optional.of(table), records, Optional.empty());
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
}
