package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the metrics Managed Flink publishes for an application are read (CloudWatch's {@code
 * AWS/KinesisAnalytics} namespace in production). Only per-period maxima: the figures read here are
 * running totals or gauges that the service re-publishes every reporting interval, so a Sum would
 * count one value once per sample.
 */
public interface ApplicationMetrics {
  /** The standard period: Managed Flink's application metrics are one-minute metrics. */
  int PERIOD_SECONDS = 60;

  /**
   * Each metric's maximum per {@value #PERIOD_SECONDS} s period between {@code from} and {@code
   * to}, oldest first; a metric with no datapoints maps to an empty list.
   *
   * @throws MetricsUnavailableException when the metrics cannot be read
   */
  Map<String, List<Datapoint>> periodMaxima(
      String application, Set<String> metrics, Instant from, Instant to);

  /**
   * One period's value.
   *
   * @param period the start of the period
   * @param value the statistic over the period's samples
   */
  record Datapoint(Instant period, double value) {
    public Datapoint {
      requireNonNull(period, "period is null");
    }
  }

  /** No metrics source: every figure is unknown. */
  ApplicationMetrics NONE =
      (application, metrics, from, to) -> {
        throw new MetricsUnavailableException("no metrics source is configured");
      };
}
