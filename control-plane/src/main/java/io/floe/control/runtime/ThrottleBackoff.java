package io.floe.control.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long a {@link ThrottleGate} holds a runtime's calls back after the n-th throttled answer in a
 * row: exponential from {@code base}, capped at {@code max}, with jitter so that replicas and
 * targets throttled together do not all come back at once. The wait after n answers lies between
 * half and all of {@code min(max, base * 2^(n-1))} ("equal jitter": never less than half, so the
 * gate always holds back).
 *
 * @param base the wait after the first throttled answer, before jitter
 * @param max the longest wait
 */
public record ThrottleBackoff(Duration base, Duration max) {
  public ThrottleBackoff {
    requireNonNull(base, "base is null");
    requireNonNull(max, "max is null");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("floe.runtime.throttle-backoff must be positive");
    }
    if (max.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "floe.runtime.throttle-max-backoff must be at least floe.runtime.throttle-backoff");
    }
  }

  /** The wait before jitter after {@code throttles} throttled answers in a row (at least 1). */
  public Duration ceiling(int throttles) {
    if (throttles < 1) {
      throw new IllegalArgumentException("throttles must be at least 1, was " + throttles);
    }
    Duration wait = base;
    for (int i = 1; i < throttles && wait.compareTo(max) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(max) > 0 ? max : wait;
  }

  /**
   * The wait after {@code throttles} throttled answers in a row, for a {@code random} number drawn
   * uniformly from [0, 1).
   */
  public Duration delay(int throttles, double random) {
    if (!(random >= 0 && random < 1)) {
      throw new IllegalArgumentException("random must be in [0, 1), was " + random);
    }
    long ceiling = ceiling(throttles).toNanos();
    long half = ceiling / 2;
    return Duration.ofNanos(half + (long) (random * (ceiling - half)));
  }
}
