package io.floe.loader.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MalformedShareTest {
  @Test
  void fivePercentIsEveryTwentiethId() {
    MalformedShare share = new MalformedShare(0.05);
    List<Long> malformed = new ArrayList<>();
    for (long id = 1; id <= 1_000; id++) {
      if (share.isMalformed(id)) {
        malformed.add(id);
      }
    }
    assertThat(malformed).hasSize(50).allMatch(id -> id % 20 == 0);
  }

  @Test
  void kindsCycleOverConsecutiveMalformedIds() {
    MalformedShare share = new MalformedShare(0.05);
    int[] perKind = new int[SampleMessages.MALFORMED_KINDS];
    List<Integer> firstKinds = new ArrayList<>();
    for (long id = 1; id <= 1_000; id++) {
      if (share.isMalformed(id)) {
        int kind = share.kindOf(id);
        perKind[kind]++;
        if (firstKinds.size() < 6) {
          firstKinds.add(kind);
        }
      }
    }
    assertThat(perKind).containsOnly(10);
    assertThat(firstKinds).containsExactly(1, 2, 3, 4, 0, 1);
  }

  @Test
  void theShareIsExactOverAMillionIdsFromAnywhere() {
    for (double value : new double[] {0.01, 0.3, 1.0 / 3, 0.000001, 0.999999}) {
      MalformedShare share = new MalformedShare(value);
      for (long first : new long[] {1, 123_456_789, -500_000, Long.MAX_VALUE / 2}) {
        long count = 0;
        for (long id = first; id < first + 1_000_000; id++) {
          if (share.isMalformed(id)) {
            count++;
          }
        }
        assertThat(count).as("share %s from %s", value, first).isEqualTo(Math.round(value * 1e6));
      }
    }
  }

  @Test
  void noneAndAll() {
    for (long id = -10; id <= 1_000; id++) {
      assertThat(MalformedShare.NONE.isMalformed(id)).isFalse();
      assertThat(new MalformedShare(1.0).isMalformed(id)).isTrue();
      assertThat(new MalformedShare(1.0).kindOf(id)).isBetween(0, 4);
    }
  }

  @Test
  void rejectsSharesOutsideZeroToOne() {
    for (double bad : new double[] {-0.1, 1.01, Double.NaN, 1e-9}) {
      assertThatThrownBy(() -> new MalformedShare(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("malformed share");
    }
  }
}
