package io.floe.control.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThrottleBackoffTest {
  private final ThrottleBackoff backoff =
      new ThrottleBackoff(Duration.ofSeconds(2), Duration.ofSeconds(60));

  @Test
  void theCeilingDoublesWithEachThrottledAnswerUpToTheMaximum() {
    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(32));
    assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void theJitteredDelayLiesBetweenHalfTheCeilingAndTheCeiling() {
    for (int throttles = 1; throttles <= 10; throttles++) {
      Duration ceiling = backoff.ceiling(throttles);
      assertThat(backoff.delay(throttles, 0.0)).isEqualTo(ceiling.dividedBy(2));
      assertThat(backoff.delay(throttles, 0.5)).isEqualTo(ceiling.multipliedBy(3).dividedBy(4));
      assertThat(backoff.delay(throttles, Math.nextDown(1.0)))
          .isLessThanOrEqualTo(ceiling)
          .isGreaterThan(ceiling.multipliedBy(99).dividedBy(100));
    }
    assertThat(backoff.delay(30, 0.25)).isEqualTo(Duration.ofMillis(37_500));
  }

  @Test
  void randomNumbersOutsideTheUnitIntervalAreRefused() {
    assertThatThrownBy(() -> backoff.delay(1, 1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backoff.delay(1, -0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backoff.delay(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theBoundsAreValidatedWithTheirKeys() {
    assertThatThrownBy(() -> new ThrottleBackoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("floe.runtime.throttle-backoff must be positive");
    assertThatThrownBy(() -> new ThrottleBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage(
            "floe.runtime.throttle-max-backoff must be at least floe.runtime.throttle-backoff");
  }
}
