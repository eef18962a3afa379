package io.floe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  @Test
  void theDelayDoublesWithEachRestartInARowUpToTheMaximum() {
    RestartPolicy policy = RestartPolicy.DEFAULT;

    assertThat(policy.delay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delay(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.delay(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(policy.delay(6)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.delay(1_000_000)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.stableAfter()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aZeroDelayStaysZero() {
    RestartPolicy policy = new RestartPolicy(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO);

    assertThat(policy.delay(10)).isEqualTo(Duration.ZERO);
  }

  @Test
  void rejectsInconsistentSettingsByName() {
    assertThatThrownBy(
            () -> new RestartPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDelay");
    assertThatThrownBy(
            () -> new RestartPolicy(Duration.ofSeconds(-1), Duration.ofSeconds(1), Duration.ZERO))
        .hasMessageContaining("initialDelay");
    assertThatThrownBy(
            () ->
                new RestartPolicy(
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(-1)))
        .hasMessageContaining("stableAfter");
    assertThatThrownBy(() -> RestartPolicy.DEFAULT.delay(0)).hasMessageContaining("attempt");
  }
}
