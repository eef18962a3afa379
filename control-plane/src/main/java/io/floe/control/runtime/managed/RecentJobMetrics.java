package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RuntimeProperties;
import io.floe.control.runtime.RuntimeThrottledException;
import io.floe.control.runtime.RuntimeUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;

/**
 * Each application's latest CloudWatch figures of its run, read again (GetMetricData) only once
 * {@code cloudwatch.refresh} has passed or another run started.
 */
final class RecentJobMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(RecentJobMetrics.class);

  /** The latest metrics read of an application's run. */
  private record MetricsRead(String runId, Instant at, JobMetrics figures) {}

  private final ApplicationMetrics metrics;
  private final RuntimeProperties.ManagedFlink.CloudWatch config;
  private final ApplicationReads reads;
  private final Clock clock;
  private final Map<String, MetricsRead> latest = new ConcurrentHashMap<>();

  RecentJobMetrics(
      ApplicationMetrics metrics,
      RuntimeProperties.ManagedFlink.CloudWatch config,
      ApplicationReads reads,
      Clock clock) {
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.config = requireNonNull(config, "config is null");
    this.reads = requireNonNull(reads, "reads is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * The run's figures from CloudWatch since the run's StartApplication (at most {@code
   * cloudwatch.lookback} back); unknown when CloudWatch cannot be read.
   */
  JobMetrics of(String application, String runId) {
    Instant now = clock.instant();
    MetricsRead last = latest.get(application);
    if (last != null
        && last.runId().equals(runId)
        && now.isBefore(last.at().plus(config.refresh()))) {
      return last.figures();
    }
    JobMetrics figures;
    try {
      Instant earliest = now.minus(config.lookback());
      Instant started = reads.runStart(application).filter(earliest::isBefore).orElse(earliest);
      Instant from = periodStart(started);
      Instant to = periodStart(now).plusSeconds(ApplicationMetrics.PERIOD_SECONDS);
      figures = JobMetrics.of(metrics.periodMaxima(application, JobMetrics.METRICS, from, to));
    } catch (RuntimeThrottledException e) {
      // Managed Flink's own API throttled: the observation waits, as the runtime's gate does.
      throw e;
    } catch (MetricsUnavailableException
        | RuntimeUnavailableException
        | ResourceNotFoundException e) {
      LOG.debug("No CloudWatch figures for {}: {}", application, e.getMessage());
      figures = JobMetrics.UNKNOWN;
    }
    latest.put(application, new MetricsRead(runId, now, figures));
    return figures;
  }

  void forget(String application) {
    latest.remove(application);
  }

  private static Instant periodStart(Instant at) {
    long seconds = at.getEpochSecond();
    return Instant.ofEpochSecond(
        seconds - Math.floorMod(seconds, ApplicationMetrics.PERIOD_SECONDS));
  }
}
