package io.floe.benchmarks.freshness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatenciesTest {
  @Test
  void nearestRankPercentiles() {
    double[] values = new double[100];
    for (int i = 0; i < 100; i++) {
      values[i] = 100 - i; // 100..1, unsorted
    }
    Latencies latencies = new Latencies(values);

    assertThat(latencies.percentile(50)).isEqualTo(50);
    assertThat(latencies.percentile(95)).isEqualTo(95);
    assertThat(latencies.percentile(99)).isEqualTo(99);
    assertThat(latencies.percentile(100)).isEqualTo(100);
    assertThat(latencies.max()).isEqualTo(100);
    assertThat(latencies.count()).isEqualTo(100);
  }

  @Test
  void singleValueAndEmpty() {
    assertThat(new Latencies(new double[] {7}).percentile(1)).isEqualTo(7);
    assertThat(new Latencies(new double[0]).percentile(50)).isNaN();
    assertThatThrownBy(() -> new Latencies(new double[] {1}).percentile(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
