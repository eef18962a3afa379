package io.floe.benchmarks.all;

import static io.floe.benchmarks.all.Figures.duration;
import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.report.BarChart;
import io.floe.loader.sample.SamplePayload;

/** The report's two SVG charts: throughput against the limit, and freshness. */
final class ReportCharts {
  private final AllResult result;

  ReportCharts(AllResult result) {
    this.result = requireNonNull(result, "result is null");
  }

  BarChart throughputChart() {
    int p = result.options().parallelism();
    BarChart chart =
        new BarChart(
            "Throughput against the composed limit L (medians, parallelism " + p + ")",
            "records/s");
    for (SamplePayload payload : ThroughputSections.payloads(result.options())) {
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

  BarChart freshnessChart() {
    BarChart chart = new BarChart("Freshness: produce → commit latency", "s");
    for (FreshnessRun run : result.freshness()) {
      chart.heading("flush interval " + duration(run.interval()));
      chart.bar("p50", run.p50Millis() / 1000, "#8aafd6");
      chart.bar("p95", run.p95Millis() / 1000, "#2a7ab9");
      chart.bar("p99", run.p99Millis() / 1000, "#1b4f7a");
    }
    return chart;
  }
}
