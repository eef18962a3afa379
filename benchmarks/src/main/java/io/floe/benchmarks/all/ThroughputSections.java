package io.floe.benchmarks.all;

import static io.floe.benchmarks.all.Figures.heap;
import static io.floe.benchmarks.all.Figures.number;
import static io.floe.benchmarks.all.Figures.ratio;
import static io.floe.benchmarks.all.Figures.spread;
import static io.floe.benchmarks.all.Figures.sum;
import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.report.Markdown;
import io.floe.loader.sample.SamplePayload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** The report's throughput sections: the headline, the stage ceilings, the loader against SQL. */
final class ThroughputSections {
  private final AllResult result;

  ThroughputSections(AllResult result) {
    this.result = requireNonNull(result, "result is null");
  }

  void writeTo(Markdown md) {
    headline(md);
    stageCeilings(md);
    loaderAgainstSql(md);
  }

  private void headline(Markdown md) {
    AllOptions options = result.options();
    int p = options.parallelism();
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
    md.paragraph("![throughput](" + AllReport.THROUGHPUT_CHART + ")");
  }

  private void stageCeilings(Markdown md) {
    int p = result.options().parallelism();
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
    List<List<String>> rows = new ArrayList<>();
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
  }

  private void loaderAgainstSql(Markdown md) {
    int p = result.options().parallelism();
    md.heading(2, "Loader against Flink SQL, and scaling");
    List<List<String>> rows = new ArrayList<>();
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
  }

  /** A kind's median CPU s per M records, and without JIT in parentheses. */
  private String cpu(Kind kind, SamplePayload payload, int parallelism) {
    OptionalDouble all = result.median(kind, payload, parallelism, JobRun::cpuSecondsPerMillion);
    OptionalDouble work =
        result.median(kind, payload, parallelism, JobRun::workCpuSecondsPerMillion);
    return all.isEmpty() ? "n/a" : number(all, 1) + " (" + number(work, 1) + ")";
  }

  /** The payloads the run published: the sample payload, and the wide one unless left out. */
  static List<SamplePayload> payloads(AllOptions options) {
    return options.wideRecords() > 0
        ? List.of(SamplePayload.SAMPLE, SamplePayload.WIDE)
        : List.of(SamplePayload.SAMPLE);
  }

  private List<SamplePayload> payloads() {
    return payloads(result.options());
  }

  private long records(SamplePayload payload) {
    return payload == SamplePayload.SAMPLE
        ? result.options().records()
        : result.options().wideRecords();
  }
}
