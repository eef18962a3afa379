package io.floe.loader.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Waits for a condition instead of sleeping for a guess. */
public final class Eventually {
  private Eventually() {}

  public static <T> T await(
      String what, Supplier<T> value, java.util.function.Predicate<T> done, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    T last = value.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(deadline)) {
        String shown =
            last instanceof java.util.Map && ((java.util.Map<?, ?>) last).size() > 20
                ? ((java.util.Map<?, ?>) last).size() + " entries"
                : String.valueOf(last);
        throw new AssertionError(
            "Timed out after " + timeout + " waiting for " + what + "; last: " + shown);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted", e);
      }
      last = value.get();
    }
    return last;
  }
}
