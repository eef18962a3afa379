package io.floe.local;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a supervised process of the local stack is started again after it exited unasked: after
 * {@code initialDelay}, doubling with each restart in a row up to {@code maxDelay}; a process that
 * stayed up for {@code stableAfter} counts as recovered, so its next restart is the first again.
 *
 * @param initialDelay the wait before the first restart in a row
 * @param maxDelay the longest wait between two restarts
 * @param stableAfter how long a process must stay up for the count of restarts to start over
 */
public record RestartPolicy(Duration initialDelay, Duration maxDelay, Duration stableAfter) {
  /** 1 s, 2 s, 4 s ... up to 30 s; a process up for a minute starts over at 1 s. */
  public static final RestartPolicy DEFAULT =
      new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1));

  public RestartPolicy {
    requireNonNull(initialDelay, "initialDelay is null");
    requireNonNull(maxDelay, "maxDelay is null");
    requireNonNull(stableAfter, "stableAfter is null");
    if (initialDelay.isNegative()) {
      throw new IllegalArgumentException("initialDelay must not be negative: " + initialDelay);
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay " + maxDelay + " is shorter than initialDelay " + initialDelay);
    }
    if (stableAfter.isNegative()) {
      throw new IllegalArgumentException("stableAfter must not be negative: " + stableAfter);
    }
  }

  /** The wait before restart number {@code attempt} in a row (1 for the first). */
  public Duration delay(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1: " + attempt);
    }
    Duration delay = initialDelay;
    for (int i = 1; i < attempt && delay.compareTo(maxDelay) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxDelay) < 0 ? delay : maxDelay;
  }
}
