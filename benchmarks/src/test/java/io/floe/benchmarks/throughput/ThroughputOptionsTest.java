package io.floe.benchmarks.throughput;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.sample.SamplePayload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThroughputOptionsTest {
  private static final Path TARGET = Path.of("/tmp/benchmarks/target");

  @Test
  void defaultsMatchTheUsage() {
    ThroughputOptions options = ThroughputOptions.parse(List.of(), TARGET).options().orElseThrow();

    assertThat(options.records()).isEqualTo(1_000_000);
    assertThat(options.payload()).isEqualTo(SamplePayload.SAMPLE);
    assertThat(options.partitions()).isEqualTo(2);
    assertThat(options.parallelism()).isEqualTo(2);
    assertThat(options.flushInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.runs()).isEqualTo(1);
    assertThat(options.taskManagerMemory()).isEqualTo("4096m");
    assertThat(options.tableProperties()).isEmpty();
    assertThat(options.runTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(options.workDir()).isEqualTo(TARGET.resolve("work"));
    assertThat(options.report()).isEqualTo(TARGET.resolve("report/throughput.md"));
    assertThat(options.loaderJar()).isEmpty();
    assertThat(options.taskSlots()).isEqualTo(4);
    assertThat(ThroughputOptions.USAGE)
        .contains("(default 1000000)", "(default sample)", "(default 10s)", "(default 4096m)");
  }

  @Test
  void readsEveryOption() {
    ThroughputOptions options =
        ThroughputOptions.parse(
                List.of(
                    "--records", "50000",
                    "--payload", "wide",
                    "--partitions", "8",
                    "--parallelism", "6",
                    "--flush-interval", "2s",
                    "--runs", "3",
                    "--taskmanager-memory", "8g",
                    "--table-property", "write.target-file-size-bytes=134217728",
                    "--run-timeout", "5m",
                    "--work-dir", "/tmp/w",
                    "--report", "/tmp/r.md",
                    "--loader-jar", "/tmp/loader.jar"),
                TARGET)
            .options()
            .orElseThrow();

    assertThat(options)
        .isEqualTo(
            new ThroughputOptions(
                50_000,
                SamplePayload.WIDE,
                8,
                6,
                Duration.ofSeconds(2),
                3,
                "8g",
                Map.of("write.target-file-size-bytes", "134217728"),
                Duration.ofMinutes(5),
                Path.of("/tmp/w"),
                Path.of("/tmp/r.md"),
                java.util.Optional.of(Path.of("/tmp/loader.jar"))));
    assertThat(options.taskSlots()).isEqualTo(6);
  }

  @Test
  void reportsEveryProblem() {
    ThroughputOptions.Parsed parsed =
        ThroughputOptions.parse(
            List.of(
                "--records", "3000000000",
                "--flush-interval", "100ms",
                "--taskmanager-memory", "lots",
                "--runs", "0"),
            TARGET);

    assertThat(parsed.options()).isEmpty();
    assertThat(parsed.problems())
        .containsExactlyInAnyOrder(
            "--runs '0': must be at least 1",
            "--records is at most 2147483646 (ids are checked in a bit set)",
            "--flush-interval must be at least 200ms (the loader's minimum)",
            "--taskmanager-memory must be a size such as 4096m or 4g: lots");
  }

  @Test
  void helpNeedsNothingElse() {
    assertThat(ThroughputOptions.parse(List.of("--help"), TARGET).help()).isTrue();
  }
}
