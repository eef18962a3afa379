package io.floe.benchmarks.all;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllOptionsTest {
  private static final Path TARGET = Path.of("/tmp/target");

  @Test
  void defaults() {
    AllOptions options = AllOptions.parse(List.of(), TARGET).options().orElseThrow();

    assertThat(options.records()).isEqualTo(1_000_000);
    assertThat(options.wideRecords()).isEqualTo(250_000);
    assertThat(options.runs()).isEqualTo(3);
    assertThat(options.partitions()).isEqualTo(2);
    assertThat(options.parallelism()).isEqualTo(2);
    assertThat(options.flushInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.freshnessIntervals())
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(1));
    assertThat(options.profile()).isTrue();
    assertThat(options.reportDir()).isEqualTo(TARGET.resolve("report"));
    assertThat(options.taskSlots()).isEqualTo(4);
  }

  @Test
  void freshnessRunsLastAtLeastTwoAndAHalfIntervals() {
    AllOptions options = AllOptions.parse(List.of(), TARGET).options().orElseThrow();

    assertThat(options.freshnessDuration(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.freshnessDuration(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(150));
  }

  @Test
  void wideRecordsFollowRecordsAndNoneTurnsThingsOff() {
    AllOptions options =
        AllOptions.parse(
                List.of(
                    "--records", "40000", "--freshness-intervals", "none", "--profile", "false"),
                TARGET)
            .options()
            .orElseThrow();

    assertThat(options.wideRecords()).isEqualTo(10_000);
    assertThat(options.freshnessIntervals()).isEmpty();
    assertThat(options.profile()).isFalse();
  }

  @Test
  void reportsEveryProblemAtOnce() {
    AllOptions.Parsed parsed =
        AllOptions.parse(
            List.of(
                "--records",
                "0",
                "--freshness-intervals",
                "1s,soon",
                "--flush-interval",
                "100ms",
                "--taskmanager-memory",
                "lots"),
            TARGET);

    assertThat(parsed.options()).isEmpty();
    assertThat(parsed.problems()).hasSize(4);
  }
}
