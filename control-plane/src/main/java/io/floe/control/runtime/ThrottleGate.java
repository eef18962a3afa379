package io.floe.control.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Holds the calls to one runtime target back after its service throttled the control plane. A
 * throttled answer opens the gate for a {@link ThrottleBackoff} that grows with every throttled
 * answer in a row; while it is open, calls fail at once with a {@link RuntimeThrottledException}
 * instead of reaching the service. Once the wait is over, one call at a time goes through as a
 * probe (the others still fail at once, so that a thousand pipelines do not all try together): the
 * first that succeeds closes the gate, a throttled one opens it for longer. One gate serves every
 * pipeline of the target, because the service throttles per account (or per cluster), not per
 * pipeline. Thread-safe.
 */
public final class ThrottleGate {
  private final String target;
  private final ThrottleBackoff backoff;
  private final Clock clock;
  private final DoubleSupplier random;

  // Guarded by this.
  private int throttles;
  private Instant openUntil = Instant.MIN;
  private boolean probing;
  private String lastCause = "";

  /**
   * @param target the runtime target's name, for messages
   * @param backoff how long the gate holds calls back
   * @param clock the time the waits are measured on
   * @param random numbers drawn uniformly from [0, 1), for the jitter
   */
  public ThrottleGate(String target, ThrottleBackoff backoff, Clock clock, DoubleSupplier random) {
    this.target = requireNonNull(target, "target is null");
    this.backoff = requireNonNull(backoff, "backoff is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.random = requireNonNull(random, "random is null");
  }

  /**
   * Lets a call through, or throws a {@link RuntimeThrottledException} while the gate is open (or
   * another call probes it). A call let through must be followed by {@link #succeeded}, {@link
   * #throttled} or {@link #failed}.
   */
  public synchronized void admit() {
    if (throttles == 0) {
      return;
    }
    Instant now = clock.instant();
    if (now.isBefore(openUntil)) {
      throw held("calls to it wait until " + openUntil, Duration.between(now, openUntil));
    }
    if (probing) {
      throw held("one call probes whether it still does", backoff.base());
    }
    probing = true;
  }

  /** A call succeeded: the gate closes and the back-off starts over. */
  public synchronized void succeeded() {
    throttles = 0;
    openUntil = Instant.MIN;
    probing = false;
    lastCause = "";
  }

  /**
   * The service throttled a call: the gate opens for the next back-off, or for as long as the
   * service asked if that is longer (at most the back-off's maximum). An answer to a call made
   * before the gate opened, while it is still open, does not lengthen the wait.
   */
  public synchronized void throttled(RuntimeThrottledException e) {
    requireNonNull(e, "e is null");
    Instant now = clock.instant();
    lastCause = String.valueOf(e.getMessage());
    if (now.isBefore(openUntil)) {
      return;
    }
    probing = false;
    throttles = throttles == Integer.MAX_VALUE ? throttles : throttles + 1;
    Duration wait = backoff.delay(throttles, random.getAsDouble());
    Optional<Duration> asked =
        e.retryAfter().map(d -> d.compareTo(backoff.max()) > 0 ? backoff.max() : d);
    if (asked.isPresent() && asked.get().compareTo(wait) > 0) {
      wait = asked.get();
    }
    openUntil = now.plus(wait);
  }

  /**
   * A call failed otherwise (the service could not be reached, refused the request): it says
   * nothing about throttling, so the gate stays as it is and the next call may probe.
   */
  public synchronized void failed() {
    probing = false;
  }

  /** Until when the gate holds every call back; empty when it does not. */
  public synchronized Optional<Instant> openUntil() {
    return clock.instant().isBefore(openUntil) ? Optional.of(openUntil) : Optional.empty();
  }

  /** The throttled answers in a row since the last success; 0 when the gate is closed. */
  public synchronized int throttles() {
    return throttles;
  }

  private RuntimeThrottledException held(String what, Duration retryAfter) {
    return new RuntimeThrottledException(
        "The "
            + target
            + " runtime throttled the control plane "
            + throttles
            + (throttles == 1 ? " time" : " times")
            + " in a row; "
            + what
            + " (last: "
            + lastCause
            + ")",
        Optional.of(retryAfter),
        null);
  }
}
