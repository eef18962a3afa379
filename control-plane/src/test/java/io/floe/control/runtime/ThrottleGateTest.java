package io.floe.control.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gate on a clock the test moves, with a fixed random number (0.5: 3/4 of each ceiling). */
class ThrottleGateTest {
  private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");

  private final ManualClock clock = new ManualClock(START);
  private final ThrottleGate gate =
      new ThrottleGate(
          "managed-flink",
          new ThrottleBackoff(Duration.ofSeconds(4), Duration.ofSeconds(20)),
          clock,
          () -> 0.5);

  @Test
  void aClosedGateLetsEveryCallThrough() {
    gate.admit();
    gate.admit();
    assertThat(gate.openUntil()).isEmpty();
    assertThat(gate.throttles()).isZero();
  }

  @Test
  void aThrottledAnswerOpensTheGateAndCallsFailAtOnceUntilTheWaitIsOver() {
    gate.admit();
    gate.throttled(throttled());
    assertThat(gate.openUntil()).contains(START.plusSeconds(3));

    clock.advance(Duration.ofMillis(2_999));
    assertThatThrownBy(gate::admit)
        .isInstanceOfSatisfying(
            RuntimeThrottledException.class,
            e -> {
              assertThat(e)
                  .hasMessageContaining("managed-flink runtime throttled the control plane 1 time")
                  .hasMessageContaining("wait until " + START.plusSeconds(3))
                  .hasMessageContaining("Rate exceeded");
              assertThat(e.retryAfter()).contains(Duration.ofMillis(1));
            });

    clock.advance(Duration.ofMillis(1));
    gate.admit();
    gate.succeeded();
    assertThat(gate.throttles()).isZero();
    gate.admit();
    gate.admit();
  }

  @Test
  void theWaitGrowsWithEachThrottledProbeUpToTheMaximum() {
    Instant now = START;
    Duration[] waits = {
      Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(12), Duration.ofSeconds(15)
    };
    for (Duration wait : waits) {
      gate.admit();
      gate.throttled(throttled());
      assertThat(gate.openUntil()).contains(now.plus(wait));
      clock.advance(wait);
      now = now.plus(wait);
    }
    assertThat(gate.throttles()).isEqualTo(4);
    gate.admit();
    gate.succeeded();
    gate.admit();
    gate.throttled(throttled());
    assertThat(gate.openUntil()).contains(now.plusSeconds(3));
  }

  @Test
  void afterTheWaitOneCallProbesWhileTheOthersStillFail() {
    gate.admit();
    gate.throttled(throttled());
    clock.advance(Duration.ofSeconds(3));

    gate.admit();
    assertThatThrownBy(gate::admit)
        .isInstanceOf(RuntimeThrottledException.class)
        .hasMessageContaining("one call probes");
    gate.failed();
    gate.admit();
    gate.succeeded();
    gate.admit();
    gate.admit();
  }

  @Test
  void answersToCallsMadeBeforeTheGateOpenedDoNotLengthenTheWait() {
    gate.admit();
    gate.admit();
    gate.admit();
    gate.throttled(throttled());
    gate.throttled(throttled());
    gate.throttled(throttled());
    assertThat(gate.throttles()).isEqualTo(1);
    assertThat(gate.openUntil()).contains(START.plusSeconds(3));
  }

  @Test
  void theServicesRetryAfterIsHonouredUpToTheMaximumWait() {
    gate.admit();
    gate.throttled(new RuntimeThrottledException("429", Optional.of(Duration.ofSeconds(9)), null));
    assertThat(gate.openUntil()).contains(START.plusSeconds(9));

    clock.advance(Duration.ofSeconds(9));
    gate.admit();
    gate.throttled(new RuntimeThrottledException("429", Optional.of(Duration.ofMinutes(10)), null));
    assertThat(gate.openUntil()).contains(START.plusSeconds(9 + 20));
  }

  private static RuntimeThrottledException throttled() {
    return new RuntimeThrottledException(
        "Managed Flink throttled the request: Rate exceeded", null);
  }
}
