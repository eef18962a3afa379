package io.floe.control.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallCountsTest {
  @Test
  void countsSinceASnapshotByOperationLeavingOutTheIdleOnes() {
    CallCounts calls = new CallCounts();
    calls.count("runtime", "GET /jobs/:id");
    calls.count("store", "statement");
    CallCounts.Snapshot before = calls.snapshot();
    calls.count("runtime", "GET /jobs/:id");
    calls.count("runtime", "GET /jobs/:id");
    calls.count("runtime", "GET /jobs/:id/checkpoints");

    CallCounts.Snapshot since = calls.snapshot().since(before);

    assertThat(since.counts())
        .isEqualTo(Map.of("runtime", Map.of("GET /jobs/:id", 2L, "GET /jobs/:id/checkpoints", 1L)));
    assertThat(since.total("runtime")).isEqualTo(3);
    assertThat(since.total("store")).isZero();
  }

  @Test
  void aSnapshotDoesNotMoveWithLaterCalls() {
    CallCounts calls = new CallCounts();
    calls.count("kafka", "lag");
    CallCounts.Snapshot snapshot = calls.snapshot();
    calls.count("kafka", "lag");

    assertThat(snapshot.total("kafka")).isEqualTo(1);
  }

  @Test
  void perPipelinePerMinute() {
    // 4,500 calls by 100 pipelines in 90 s: 30 per pipeline per minute.
    assertThat(CallCounts.perPipelinePerMinute(4_500, 100, Duration.ofSeconds(90))).isEqualTo(30.0);
    // 45 calls by 300 pipelines in 60 s.
    assertThat(CallCounts.perPipelinePerMinute(45, 300, Duration.ofSeconds(60))).isEqualTo(0.15);
  }

  @Test
  void perPipelinePerMinuteNeedsPipelinesAndTime() {
    assertThatThrownBy(() -> CallCounts.perPipelinePerMinute(1, 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CallCounts.perPipelinePerMinute(1, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
