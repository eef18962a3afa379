package io.floe.control.runtime.managed;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.runtime.managed.ApplicationMetrics.Datapoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping of Managed Flink's per-minute maxima to a run's figures. */
class JobMetricsTest {
  private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void restartsAreTheIncreasesOfTheRunningTotal() {
    JobMetrics figures = JobMetrics.of(Map.of("fullRestarts", series(0, 0, 1, 1, 3, 3)));
    assertThat(figures.restarts()).hasValue(3);
  }

  @Test
  void aTotalAlreadyAboveZeroInTheFirstPeriodCountsFromZero() {
    // The run's job restarted twice within its first minute.
    assertThat(JobMetrics.of(Map.of("fullRestarts", series(2, 2, 4))).restarts()).hasValue(4);
  }

  @Test
  void aDropIsANewJobCountingFromZero() {
    JobMetrics figures =
        JobMetrics.of(
            Map.of(
                "fullRestarts", series(1, 4, 0, 2),
                "numberOfFailedCheckpoints", series(5, 5, 1, 1)));
    assertThat(figures.restarts()).hasValue(6);
    assertThat(figures.failedCheckpoints()).hasValue(6);
  }

  @Test
  void noDatapointsAreUnknownNotZero() {
    JobMetrics figures = JobMetrics.of(Map.of("fullRestarts", List.of(), "downtime", List.of()));
    assertThat(figures.restarts()).isEmpty();
    assertThat(figures.failedCheckpoints()).isEmpty();
    assertThat(figures.downtimeMillis()).isEmpty();
    assertThat(figures.inOutage()).isFalse();
  }

  @Test
  void theLatestDowntimeTellsAnOutage() {
    assertThat(JobMetrics.of(Map.of("downtime", series(5_000, 0))).inOutage()).isFalse();
    assertThat(JobMetrics.of(Map.of("downtime", series(0, 12_000))).inOutage()).isTrue();
    assertThat(JobMetrics.of(Map.of("downtime", series(0, -1))).inOutage())
        .as("-1: the job finished")
        .isFalse();
  }

  private static List<Datapoint> series(double... maxima) {
    List<Datapoint> points = new ArrayList<>();
    for (int i = 0; i < maxima.length; i++) {
      points.add(new Datapoint(START.plusSeconds(60L * i), maxima[i]));
    }
    return points;
  }
}
