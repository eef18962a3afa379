package io.floe.benchmarks.throughput;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.environment.Versions;
import io.floe.benchmarks.kafka.BulkPublisher.Published;
import io.floe.benchmarks.table.Commits.Commit;
import io.floe.benchmarks.table.IdCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ThroughputReportTest {
  private static final Instant RUNNING = Instant.parse("2026-01-01T00:00:00Z");

  private static ThroughputRun run(int number, int loadSeconds, long cpuSeconds, IdCheck ids) {
    return new ThroughputRun(
        number,
        new Published(1_000_000, 351_000_000, Duration.ofSeconds(20)),
        RUNNING,
        Duration.ofSeconds(5),
        Duration.ofSeconds(loadSeconds),
        List.of(
            new Commit(RUNNING.plusSeconds(10), 400_000, 2, 4_000_000),
            new Commit(RUNNING.plusSeconds(loadSeconds), 600_000, 2, 6_000_000)),
        Optional.empty(),
        Duration.ofSeconds(cpuSeconds),
        OptionalLong.of(512L * 1024 * 1024),
        0,
        0.1,
        "0.1.0-SNAPSHOT",
        ids);
  }

  private static IdCheck exact() {
    return new IdCheck(1_000_000, 1_000_000, 1_000_000, 0, 0);
  }

  private static String render(List<ThroughputRun> runs) {
    ThroughputOptions options =
        ThroughputOptions.parse(List.of("--runs", Integer.toString(runs.size())), Path.of("target"))
            .options()
            .orElseThrow();
    ThroughputResult result =
        new ThroughputResult(options, Machine.current(), "1.20.3", Path.of("loader.jar"), runs);
    return new ThroughputReport(
            result,
            Versions.ofBuild(),
            "1.10.1",
            "3.4.0",
            List.of("--runs", Integer.toString(runs.size())),
            ZonedDateTime.parse("2026-01-01T12:00:00Z"))
        .render()
        .render();
  }

  @Test
  void headlineIsTheMedianOfTheRuns() {
    String report =
        render(
            List.of(run(1, 40, 80, exact()), run(2, 50, 100, exact()), run(3, 100, 90, exact())));

    // 1,000,000 rows in 40, 50 and 100 s: 25,000, 20,000 and 10,000 records/s.
    assertThat(report)
        .contains("**20,000 records/s** (median of 3 runs of 1,000,000 sample messages")
        .contains("**90.0 µs TaskManager CPU per record**")
        .contains("Exactly ids 1..N in every table: **yes**")
        .contains("| median | 20,000 | n/a | 50.0 s | 5.0 s |")
        .contains("2026-01-01 12:00:00 UTC")
        .contains(
            "run 1: exact: 1000000 rows, ids 1..1000000 each once. Commits: 10.0 s 400,000 rows in 2 files; 40.0 s 600,000 rows in 2 files.")
        .contains("| flush interval | 10s |")
        .contains(
            "| payload | sample: 12 columns, partitioned by day(timestamp); 351 bytes per message on average |");
  }

  @Test
  void saysSoWhenATableIsNotExact() {
    String report =
        render(List.of(run(1, 40, 80, new IdCheck(1_000_000, 1_000_010, 999_990, 20, 0))));

    assertThat(report)
        .contains("Exactly ids 1..N in every table: **NO**")
        .contains("| NOT EXACT |")
        .contains(
            "NOT EXACT: 1000010 rows, 999990 distinct ids of 1000000 expected (10 missing), 20 duplicates");
  }

  @Test
  void warnsWhenTheFlushIntervalBoundsTheFigure() {
    assertThat(render(List.of(run(1, 25, 80, exact()))))
        .contains("A load took less than 3 flush intervals");
  }
}
