package io.floe.benchmarks.all;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.environment.Versions;
import io.floe.benchmarks.report.Markdown;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
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
    ReportCharts charts = new ReportCharts(result);
    charts.throughputChart().writeTo(folder.resolve(THROUGHPUT_CHART));
    if (!result.freshness().isEmpty()) {
      charts.freshnessChart().writeTo(folder.resolve(FRESHNESS_CHART));
    }
    Markdown md = render();
    md.writeTo(folder.resolve(REPORT));
    return md;
  }

  public Markdown render() {
    SetupSections setup = new SetupSections(result, versions, runtimeIceberg);
    Markdown md = new Markdown();
    md.heading(1, "Floe benchmark: throughput against the limit, Flink SQL, scaling, freshness");
    md.paragraph(
        "`java -jar benchmarks/target/benchmarks.jar all"
            + (commandLine.isEmpty() ? "" : " " + String.join(" ", commandLine))
            + "`, "
            + date()
            + ", on "
            + setup.machineLine()
            + ".");
    new ThroughputSections(result).writeTo(md);
    new RunSections(result).writeTo(md);
    setup.writeTo(md);
    return md;
  }

  private String date() {
    return generated
        .withZoneSameInstant(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT));
  }

  static String spread(List<JobRun> runs, ToDoubleFunction<JobRun> figure) {
    return Figures.spread(runs, figure);
  }
}
