package io.floe.loader.sample;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;

/** What one publishing run sent, so callers can check counts and benchmarks can print rates. */
public final class PublishedCounts {
  private final long messages;
  private final long malformed;
  private final Duration elapsed;

  public PublishedCounts(long messages, long malformed, Duration elapsed) {
    if (messages < 0 || malformed < 0 || malformed > messages) {
      throw new IllegalArgumentException(
          "Need 0 <= malformed <= messages, got " + malformed + " of " + messages);
    }
    this.messages = messages;
    this.malformed = malformed;
    this.elapsed = requireNonNull(elapsed, "elapsed is null");
  }

  /** Messages acknowledged by the brokers, malformed ones included. */
  public long messages() {
    return messages;
  }

  /** How many of the messages were malformed. */
  public long malformed() {
    return malformed;
  }

  public Duration elapsed() {
    return elapsed;
  }

  public double messagesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? messages / seconds : 0.0;
  }

  /** Like {@code published 1000 messages (50 malformed) in 1.2 s (833 msg/s)}. */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "published %d messages (%d malformed) in %.1f s (%.0f msg/s)",
        messages,
        malformed,
        elapsed.toNanos() / 1e9,
        messagesPerSecond());
  }
}
