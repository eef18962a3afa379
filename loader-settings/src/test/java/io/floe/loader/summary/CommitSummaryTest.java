package io.floe.loader.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitSummaryTest {
  @Test
  void offsetsRoundTrip() {
    Map<String, Long> offsets = Map.of("orders.v1:0", 12L, "orders.v1:1", 7L, "a_b-c:10", 0L);
    String text = CommitSummary.formatOffsets(offsets);
    assertThat(text).isEqualTo("a_b-c:10=0,orders.v1:0=12,orders.v1:1=7");
    assertThat(CommitSummary.parseOffsets(text)).isEqualTo(offsets);
    assertThat(CommitSummary.parseOffsets("")).isEmpty();
  }

  @Test
  void refusesGarbage() {
    assertThatThrownBy(() -> CommitSummary.parseOffsets("orders=1"))
        .hasMessageContaining("not topic:partition=offset");
  }
}
