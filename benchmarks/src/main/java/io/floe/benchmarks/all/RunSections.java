package io.floe.benchmarks.all;

import static io.floe.benchmarks.all.Figures.duration;
import static io.floe.benchmarks.all.Figures.heap;
import static io.floe.benchmarks.all.Figures.seconds;
import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.profile.JfrProfile;
import io.floe.benchmarks.report.Markdown;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report's sections on single runs: freshness, the JFR profiles and every run's figures. */
final class RunSections {
  private final AllResult result;

  RunSections(AllResult result) {
    this.result = requireNonNull(result, "result is null");
  }

  void writeTo(Markdown md) {
    if (!result.freshness().isEmpty()) {
      freshness(md);
    }
    result.profile().ifPresent(profile -> profileSection(md, profile, "the loader"));
    result
        .baselineProfile()
        .ifPresent(
            profile -> profileSection(md, profile, "the baseline loader (before the change)"));
    everyRun(md);
  }

  private void freshness(Markdown md) {
    AllOptions options = result.options();
    md.heading(2, "Freshness");
    List<List<String>> rows = new ArrayList<>();
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
    md.paragraph("![freshness](" + AllReport.FRESHNESS_CHART + ")");
  }

  private void everyRun(Markdown md) {
    md.heading(2, "Every run");
    List<List<String>> rows = new ArrayList<>();
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
}
