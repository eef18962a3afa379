package io.floe.control.testing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test moves by hand, so that timeouts and backoffs pass without waiting. */
public final class ManualClock extends Clock {
  private volatile Instant now;

  public ManualClock(Instant now) {
    this.now = requireNonNull(now, "now is null");
  }

  public void set(Instant instant) {
    now = requireNonNull(instant, "instant is null");
  }

  public void advance(Duration duration) {
    now = now.plus(duration);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock stays in UTC");
  }
}
