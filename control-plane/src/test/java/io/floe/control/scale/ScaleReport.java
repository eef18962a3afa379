package io.floe.control.scale;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The benchmark's figures as Markdown, one section per question of the issue. */
final class ScaleReport {
  static final String PASS_THREADS = "pass threads";

  private ScaleReport() {}

  static String render(
      List<ScaleFigures> runs,
      Duration reconcileInterval,
      Duration steadyInterval,
      Duration healthInterval,
      String command,
      String machine,
      String setup) {
    StringBuilder out = new StringBuilder();
    out.append(
        "# Control plane at scale: the cost per pipeline ("
            + System.getProperty("floe.scale.title", "after")
            + ")\n\n");
    out.append("Command:\n\n```\n").append(command).append("\n```\n\n");
    out.append(machine).append("\n\n");
    out.append(setup).append("\n\n");

    out.append("## Passes\n\n");
    out.append(
        "A pass (the reconciler's or the health monitor's) runs from its listing of the"
            + " pipelines until the last call made for it (the looks a reconcile pass woke"
            + " included) before its next pass. A run that holds still is observed every"
            + " `floe.reconcile.steady-interval` = "
            + seconds(steadyInterval)
            + "; a change of its state is to be seen in the next pass, `floe.reconcile.interval` = "
            + seconds(reconcileInterval)
            + " later: \"a failed run seen after\" runs from the fake runtime failing a job until"
            + " the API shows its pipeline no longer RUNNING. `floe.health.interval` = "
            + seconds(healthInterval)
            + ". Quiet: no API traffic; loaded: 200 requests/s.\n\n");
    out.append(
        "| pipelines | window | reconcile pass p50 / p99 (s) | passes done (unfinished) |"
            + " runs observed by the reconciler per s (every run each … s) |"
            + " time between two observations of a run p50 / p99 (s) |"
            + " a failed run seen after p50 / max (s) | keeps up with "
            + seconds(reconcileInterval)
            + " and "
            + seconds(steadyInterval)
            + "? | pipelines health-checked per s (each checked every … s) |"
            + " health pass p50 / p99 (s) | passes done (unfinished) | keeps up with "
            + seconds(healthInterval)
            + "? |\n");
    out.append("|---:|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (ScaleFigures run : runs) {
      row(
          out,
          run,
          "quiet",
          run.quietPasses(),
          run.quietCalls(),
          run.quietWindow(),
          run.reactionMillis(),
          reconcileInterval,
          steadyInterval,
          healthInterval);
      row(
          out,
          run,
          "loaded",
          run.loadPasses(),
          run.loadCalls(),
          run.loadWindow(),
          List.of(),
          reconcileInterval,
          steadyInterval,
          healthInterval);
    }
    out.append(
        "\nKeeps up: the reconciler if a failed run was seen within two reconcile intervals at"
            + " most and a steady run's p99 time between two observations is at most 1.5 steady"
            + " intervals; the health monitor if its pass p99 is at most its interval (its next pass"
            + " begins one interval after the last one ended). \"Every run each … s\" and \"each checked"
            + " every … s\" divide the pipelines by the rate counted in the window (passes and the"
            + " pauses between them), so they hold also when no pass finished in it.\n");

    out.append("\n## Calls per pipeline per minute (quiet window)\n\n");
    out.append(
        "Counted where the call leaves the control plane: HTTP requests at the fake Flink REST"
            + " API, SQL statements at the JDBC driver (store and JDBC catalog), files opened,"
            + " written or deleted by the catalog's FileIO (what S3 would bill as requests), and"
            + " calls of the control plane's own seams (Kafka admin: each `lag` is 4 admin"
            + " requests: describeTopics, listOffsets latest and earliest,"
            + " listConsumerGroupOffsets).\n\n");
    Set<String> systems = new TreeSet<>();
    runs.forEach(run -> systems.addAll(run.quietCalls().counts().keySet()));
    systems.remove(PASS_THREADS);
    out.append("| system | operation (caller) |");
    runs.forEach(run -> out.append(" ").append(run.pipelines()).append(" |"));
    out.append("\n|---|---|");
    runs.forEach(run -> out.append("---:|"));
    out.append("\n");
    for (String system : systems) {
      Set<String> operations = new TreeSet<>();
      runs.forEach(
          run ->
              operations.addAll(run.quietCalls().counts().getOrDefault(system, Map.of()).keySet()));
      out.append("| **").append(system).append("** | **all** |");
      for (ScaleFigures run : runs) {
        out.append(" **").append(rate(run.quietCalls().total(system), run)).append("** |");
      }
      out.append("\n");
      for (String operation : operations) {
        out.append("| ").append(system).append(" | ").append(operation).append(" |");
        for (ScaleFigures run : runs) {
          long count =
              run.quietCalls().counts().getOrDefault(system, Map.of()).getOrDefault(operation, 0L);
          out.append(" ").append(rate(count, run)).append(" |");
        }
        out.append("\n");
      }
    }

    Set<String> threads = new TreeSet<>();
    runs.forEach(
        run ->
            threads.addAll(
                run.quietCalls().counts().getOrDefault(PASS_THREADS, Map.of()).keySet()));
    out.append("\nThe threads that ran the passes: ")
        .append(String.join("; ", threads))
        .append(".\n");

    out.append("\n## CPU and heap\n\n");
    out.append(
        "Cores: the control plane's JVM without the benchmark's own threads (the fake runtime,"
            + " the table writer, the API clients), so it includes the JVM's garbage collector and"
            + " JIT compiler; the child processes are PostgreSQL (store and catalog) and the Kafka"
            + " broker. Heap: used after a full GC at the end of the quiet window (it includes the"
            + " benchmark's few objects).\n\n");
    out.append(
        "| pipelines | control plane cores, quiet | control plane cores, loaded | PostgreSQL + broker cores, quiet | heap after GC (MiB) | table commits (failed) |\n");
    out.append("|---:|---:|---:|---:|---:|---:|\n");
    for (ScaleFigures run : runs) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %d | %.2f | %.2f | %.2f | %.0f | %d (%d) |%n",
              run.pipelines(),
              run.quietCpu().controlPlaneCores(),
              run.loadCpu().controlPlaneCores(),
              run.quietCpu().childCores(),
              run.heapAfterGcBytes() / (1024.0 * 1024.0),
              run.steadyCommits(),
              run.steadyCommitFailures()));
    }

    out.append("\n## API latency at 200 requests/s from 10 clients, while it reconciles\n\n");
    out.append(
        "Each latency runs from the moment the request was due (a client held up by a slow answer"
            + " does not hide it). Mix per 20 requests: 7 `GET /pipelines/{name}`, 7 `GET"
            + " /pipelines/{name}/health`, 4 `GET /pipelines` (first page of 50), 2 `PUT"
            + " /pipelines/{name}` (the same spec again: validated, no change).\n\n");
    out.append(
        "| pipelines | request | count | p50 (ms) | p99 (ms) | max (ms) | service time p50 / p99 (ms) |\n");
    out.append("|---:|---|---:|---:|---:|---:|---|\n");
    for (ScaleFigures run : runs) {
      run.api()
          .forEach(
              (kind, p) -> {
                Percentiles service = run.apiService().getOrDefault(kind, Percentiles.NONE);
                out.append(
                    String.format(
                        Locale.ROOT,
                        "| %d | %s | %d | %.1f | %.1f | %.1f | %.1f / %.1f |%n",
                        run.pipelines(),
                        kind,
                        p.count(),
                        p.p50(),
                        p.p99(),
                        p.max(),
                        service.p50(),
                        service.p99()));
              });
    }
    out.append("\nRequests answered per second (200 asked): ");
    out.append(
        String.join(
            ", ",
            runs.stream()
                .map(
                    run ->
                        String.format(
                            Locale.ROOT,
                            "%.0f at %d pipelines",
                            run.apiThroughput(),
                            run.pipelines()))
                .toList()));
    out.append(
        ". Service time runs from the moment a request was sent: below the latency when the"
            + " clients fell behind.\n");
    for (ScaleFigures run : runs) {
      if (!run.apiFailures().isEmpty()) {
        out.append("\nAnswers that were not 2xx at ")
            .append(run.pipelines())
            .append(": ")
            .append(run.apiFailures())
            .append("\n");
      }
    }

    out.append("\n## Creating the pipelines\n\n");
    out.append(
        "| pipelines | created | time | PUT p50 (ms) | PUT p99 (ms) |\n|---:|---:|---:|---:|---:|\n");
    int before = 0;
    for (ScaleFigures run : runs) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %.0f s | %.0f | %.0f |%n",
              run.pipelines(),
              run.pipelines() - before,
              run.createTime().toMillis() / 1000.0,
              run.createPut().p50(),
              run.createPut().p99()));
      before = run.pipelines();
    }
    for (ScaleFigures run : runs) {
      for (String note : run.notes()) {
        out.append("\n- ").append(run.pipelines()).append(": ").append(note);
      }
    }
    out.append("\n");
    return out.toString();
  }

  private static void row(
      StringBuilder out,
      ScaleFigures run,
      String window,
      PassLog.Passes passes,
      CallCounts.Snapshot calls,
      Duration length,
      List<Double> reactionMillis,
      Duration reconcileInterval,
      Duration steadyInterval,
      Duration healthInterval) {
    Percentiles reconcile = Percentiles.of(passes.reconcilePassMillis());
    Percentiles gaps = Percentiles.of(passes.observeGapMillis());
    Percentiles reactions = Percentiles.of(reactionMillis);
    Percentiles health = Percentiles.of(passes.healthPassMillis());
    String healthCell =
        health.count() == 0 && passes.healthPassesUnfinished() > 0
            ? "unfinished after " + secondsOf(passes.longestUnfinishedHealthPassMillis())
            : pair(health);
    double seconds = length.toMillis() / 1000.0;
    double observed = count(calls, "runtime observe", "reconcile") / seconds;
    double checked = count(calls, "store status", "health") / seconds;
    out.append(
        String.format(
            Locale.ROOT,
            "| %d | %s | %s | %d (%d) | %.1f (%s) | %s | %s | %s | %.1f (%s) | %s | %d (%d) | %s"
                + " |%n",
            run.pipelines(),
            window,
            pair(reconcile),
            reconcile.count(),
            passes.reconcilePassesUnfinished(),
            observed,
            observed == 0 ? "–" : String.format(Locale.ROOT, "%.1f", run.pipelines() / observed),
            pair(gaps),
            reactions.count() == 0
                ? "–"
                : secondsOf(reactions.p50()) + " / " + secondsOf(reactions.max()),
            reactions.count() == 0
                ? keepsUp(gaps, steadyInterval, 1.5)
                : reactions.max() <= 2 * reconcileInterval.toMillis()
                    ? keepsUp(gaps, steadyInterval, 1.5)
                    : "no",
            checked,
            checked == 0 ? "–" : String.format(Locale.ROOT, "%.0f", run.pipelines() / checked),
            healthCell,
            health.count(),
            passes.healthPassesUnfinished(),
            health.count() > 0
                ? keepsUp(health, healthInterval, 1.0)
                : checked > 0 && run.pipelines() / checked <= 2.0 * healthInterval.toSeconds()
                    ? "yes (from the rate)"
                    : "no"));
  }

  private static long count(CallCounts.Snapshot calls, String system, String operation) {
    return calls.counts().getOrDefault(system, Map.of()).getOrDefault(operation, 0L);
  }

  /**
   * Whether the p99 stays within the interval: for the time between observations, within {@code
   * slack} intervals (a run observed every interval plus its own reconcile time); for a health
   * pass, shorter than the interval it repeats at.
   */
  static String keepsUp(Percentiles p, Duration interval, double slack) {
    if (p.count() == 0) {
      return "no data";
    }
    return p.p99() <= interval.toMillis() * slack ? "yes" : "no";
  }

  private static String pair(Percentiles p) {
    return p.count() == 0 ? "–" : secondsOf(p.p50()) + " / " + secondsOf(p.p99());
  }

  private static String secondsOf(double millis) {
    return String.format(Locale.ROOT, "%.2f", millis / 1000.0);
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  private static String rate(long count, ScaleFigures run) {
    return String.format(
        Locale.ROOT,
        "%.2f",
        CallCounts.perPipelinePerMinute(count, run.pipelines(), run.quietWindow()));
  }
}
