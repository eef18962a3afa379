package io.floe.benchmarks.all;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.environment.Versions;
import io.floe.benchmarks.kafka.BulkPublisher.Published;
import io.floe.loader.sample.SamplePayload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllReportTest {
  private static final long N = 100_000;

  @Test
  void rendersEverySectionAndTheCharts(@TempDir Path dir) throws Exception {
    List<JobRun> runs = new ArrayList<>();
    for (SamplePayload payload : SamplePayload.values()) {
      runs.add(run(Kind.READ, payload, 2, 2, 6.6));
      runs.add(run(Kind.PARSE, payload, 2, 3, 13.8));
      runs.add(run(Kind.WRITE, payload, 2, 4, 15.2));
      for (int round = 1; round <= 3; round++) {
        runs.add(run(Kind.LOADER, payload, 2, 2 + round * 0.1, 30));
        runs.add(run(Kind.BASELINE_LOADER, payload, 2, 3, 40));
        runs.add(run(Kind.SQL, payload, 2, 3.5, 45));
        runs.add(run(Kind.LOADER, payload, 1, 3.9, 29));
      }
    }
    List<FreshnessRun> freshness =
        List.of(
            new FreshnessRun(
                Duration.ofSeconds(1),
                5000,
                Duration.ofSeconds(60),
                300_000,
                250_000,
                900,
                1500,
                2100,
                2500,
                60,
                120,
                120.0,
                OptionalLong.of(200L << 20),
                "exact",
                true));
    AllOptions options =
        AllOptions.parse(List.of("--wide-records", "100000"), dir).options().orElseThrow();
    AllResult result =
        new AllResult(
            options,
            Machine.current(),
            "1.20.3",
            Path.of("loader-job.jar"),
            Map.of(SamplePayload.SAMPLE, new Published(N, N * 350, Duration.ofSeconds(3))),
            runs,
            freshness,
            Optional.empty(),
            Optional.empty(),
            List.of("a note"));

    String md =
        new AllReport(
                result,
                Versions.ofBuild(),
                "1.10.1",
                List.of("--records", "100000"),
                ZonedDateTime.of(2026, 11, 25, 1, 0, 0, 0, ZoneOffset.UTC))
            .writeTo(dir)
            .render();

    assertThat(md)
        .contains("## Headline")
        .contains("## Stage ceilings and the composed limit L")
        .contains("**L** (composed limit)")
        .contains("## Loader against Flink SQL, and scaling")
        .contains("**Before/after (sample)**")
        .contains("## Freshness")
        .contains("met (≤ 3.00 s)")
        .contains("## Every run")
        .contains("a note")
        .contains("2026-11-25 01:00 UTC");
    assertThat(Files.readString(dir.resolve(AllReport.THROUGHPUT_CHART))).contains("(c) Flink SQL");
    assertThat(Files.readString(dir.resolve(AllReport.FRESHNESS_CHART))).contains("p99");
    assertThat(Files.readString(dir.resolve(AllReport.REPORT))).isEqualTo(md);
  }

  private static JobRun run(
      Kind kind, SamplePayload payload, int parallelism, double seconds, double cpuMicros) {
    return new JobRun(
        kind,
        payload,
        parallelism,
        1,
        N,
        Duration.ofSeconds(2),
        Duration.ofMillis((long) (seconds * 1000)),
        // then up to a flush interval's wait for the commit, which records/s leave out
        Duration.ofMillis((long) (seconds * 1000) + 4000),
        // cpuMicros of work per record, plus a quarter as much JIT compilation on top
        Duration.ofNanos((long) (cpuMicros * 1250 * N)),
        Duration.ofNanos((long) (cpuMicros * 250 * N)),
        OptionalLong.of(300L << 20),
        kind == Kind.READ || kind == Kind.PARSE ? 0 : 4,
        8,
        kind == Kind.READ || kind == Kind.PARSE ? 0 : 40 * N,
        0.2,
        "exact",
        true);
  }
}
