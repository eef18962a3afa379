package io.floe.control.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void nearestRankOfAHundredValues() {
    List<Double> values = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      values.add((double) i);
    }
    Collections.shuffle(values);

    Percentiles p = Percentiles.of(values);

    assertThat(p.count()).isEqualTo(100);
    assertThat(p.p50()).isEqualTo(50.0);
    assertThat(p.p99()).isEqualTo(99.0);
    assertThat(p.max()).isEqualTo(100.0);
  }

  @Test
  void fewValuesGiveTheHighestForTheTail() {
    Percentiles p = Percentiles.of(List.of(120.0, 15.0, 30.0));

    assertThat(p.p50()).isEqualTo(30.0);
    assertThat(p.p99()).isEqualTo(120.0);
  }

  @Test
  void oneValueIsEveryPercentile() {
    Percentiles p = Percentiles.of(List.of(7.5));

    assertThat(p.p50()).isEqualTo(7.5);
    assertThat(p.p99()).isEqualTo(7.5);
  }

  @Test
  void noValuesGiveNone() {
    assertThat(Percentiles.of(List.of())).isEqualTo(Percentiles.NONE);
  }
}
