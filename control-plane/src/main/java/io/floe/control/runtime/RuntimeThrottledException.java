package io.floe.control.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * The runtime's service throttled the control plane (kinesisanalyticsv2's request rate, a Flink
 * REST endpoint behind a rate limiter) even after the client's own retries, or a {@link
 * ThrottleGate} holds calls back after such an answer: unavailable for now, and repeating the call
 * at once makes it worse.
 */
public class RuntimeThrottledException extends RuntimeUnavailableException {
  private static final long serialVersionUID = 1L;

  private final transient Optional<Duration> retryAfter;

  public RuntimeThrottledException(String message, Throwable cause) {
    this(message, Optional.empty(), cause);
  }

  /**
   * @param retryAfter how long the service or the gate asks the caller to wait, when it says
   */
  public RuntimeThrottledException(String message, Optional<Duration> retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = requireNonNull(retryAfter, "retryAfter is null");
  }

  /** How long the service or the gate asks the caller to wait, when it says. */
  public Optional<Duration> retryAfter() {
    return retryAfter == null ? Optional.empty() : retryAfter;
  }
}
