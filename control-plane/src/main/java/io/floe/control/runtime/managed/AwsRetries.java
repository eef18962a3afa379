package io.floe.control.runtime.managed;

import java.time.Duration;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.LimitExceededException;

/**
 * The retries of the control plane's AWS clients, and what counts as throttling. The SDK's standard
 * strategy (exponential back-off with full jitter, a token bucket that stops retrying when most
 * calls fail) retries what AWS calls throttling ({@code ThrottlingException}, HTTP 429, ...) but
 * not kinesisanalyticsv2's {@code LimitExceededException}, which Managed Flink answers both when
 * its request rate is exceeded and when a quota is reached (applications per account, snapshots per
 * application): one whose message speaks of a rate is throttling here too; a quota stays a
 * rejection.
 */
public final class AwsRetries {
  /**
   * The SDK standard strategy's waits: before a retry, before a retry after throttling, at most.
   */
  public static final Duration BASE_DELAY = Duration.ofMillis(100);

  public static final Duration THROTTLED_BASE_DELAY = Duration.ofSeconds(1);
  public static final Duration MAX_DELAY = Duration.ofSeconds(20);

  /** What a throttling LimitExceededException says, in its own words or AWS's usual ones. */
  private static final Pattern RATE =
      Pattern.compile("\\brate\\b|throttl|too many requests", Pattern.CASE_INSENSITIVE);

  private AwsRetries() {}

  /** The standard strategy with the SDK's waits. */
  public static StandardRetryStrategy standard(int maxAttempts) {
    return standard(maxAttempts, BASE_DELAY, THROTTLED_BASE_DELAY, MAX_DELAY);
  }

  /**
   * The standard strategy: {@code maxAttempts} attempts per call, exponential waits with full
   * jitter from {@code baseDelay} (from {@code throttledBaseDelay} after throttling), at most
   * {@code maxDelay}.
   */
  public static StandardRetryStrategy standard(
      int maxAttempts, Duration baseDelay, Duration throttledBaseDelay, Duration maxDelay) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(maxAttempts)
        .backoffStrategy(BackoffStrategy.exponentialDelay(baseDelay, maxDelay))
        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(throttledBaseDelay, maxDelay))
        .retryOnException(AwsRetries::isThrottling)
        .treatAsThrottling(AwsRetries::isThrottling)
        .build();
  }

  /**
   * Whether the service throttled the call: what the SDK calls throttling, and a kinesisanalyticsv2
   * LimitExceededException about a rate.
   */
  public static boolean isThrottling(Throwable e) {
    if (!(e instanceof AwsServiceException service)) {
      return false;
    }
    if (service.isThrottlingException()) {
      return true;
    }
    return service instanceof LimitExceededException && speaksOfRate(service);
  }

  private static boolean speaksOfRate(AwsServiceException e) {
    String message =
        e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
            ? e.awsErrorDetails().errorMessage()
            : String.valueOf(e.getMessage());
    return RATE.matcher(message).find();
  }
}
