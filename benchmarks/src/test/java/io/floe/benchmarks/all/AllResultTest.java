package io.floe.benchmarks.all;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.environment.Machine;
import io.floe.loader.sample.SamplePayload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AllResultTest {
  private static final long N = 1_000_000;

  @Test
  void limitComposesTheStagesCpuPerRecord() {
    // read 6.6 µs, read + parse 13.8 µs (parse 7.2 µs), write 15.2 µs: L = cores / 29 µs.
    AllResult result =
        result(
            List.of(
                run(Kind.READ, 2, 20, 6.6),
                run(Kind.PARSE, 2, 20, 13.8),
                run(Kind.WRITE, 2, 20, 15.2)));

    assertThat(result.stageMicros(Kind.PARSE, SamplePayload.SAMPLE).getAsDouble())
        .isCloseTo(7.2, within(1e-9));
    double cores = Machine.current().cores();
    assertThat(result.limit(SamplePayload.SAMPLE).getAsDouble())
        .isCloseTo(cores * 1e6 / 29.0, within(1e-6));
    assertThat(result.limit(SamplePayload.WIDE)).isEmpty();
  }

  @Test
  void mediansAndRatios() {
    AllResult result =
        result(
            List.of(
                run(Kind.LOADER, 2, 20, 30),
                run(Kind.LOADER, 2, 25, 30),
                run(Kind.LOADER, 2, 40, 30),
                run(Kind.SQL, 2, 40, 50)));

    OptionalDouble loader =
        result.median(Kind.LOADER, SamplePayload.SAMPLE, 2, JobRun::recordsPerSecond);
    OptionalDouble sql = result.median(Kind.SQL, SamplePayload.SAMPLE, 2, JobRun::recordsPerSecond);
    assertThat(loader.getAsDouble()).isCloseTo(40_000, within(1e-6));
    assertThat(AllResult.ratio(loader, sql).getAsDouble()).isCloseTo(1.6, within(1e-9));
    assertThat(AllResult.ratio(loader, OptionalDouble.empty())).isEmpty();
    assertThat(
            AllReport.spread(
                result.runs(Kind.LOADER, SamplePayload.SAMPLE, 2), JobRun::recordsPerSecond))
        .isEqualTo("25,000–50,000 (±31.3 %)");
  }

  @Test
  void medianOfAnEvenCount() {
    assertThat(AllResult.median(new double[] {4, 1, 3, 2}).getAsDouble()).isEqualTo(2.5);
    assertThat(AllResult.median(new double[0])).isEmpty();
  }

  private static JobRun run(Kind kind, int parallelism, double seconds, double cpuMicros) {
    return new JobRun(
        kind,
        SamplePayload.SAMPLE,
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
        OptionalLong.of(100L << 20),
        0,
        0,
        0,
        0.1,
        "exact",
        true);
  }

  private static AllResult result(List<JobRun> runs) {
    AllOptions options = AllOptions.parse(List.of(), Path.of("/tmp")).options().orElseThrow();
    return new AllResult(
        options,
        Machine.current(),
        "1.20.3",
        Path.of("loader-job.jar"),
        Map.of(),
        runs,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        List.of());
  }
}
