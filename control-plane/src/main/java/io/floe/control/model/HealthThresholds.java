package io.floe.control.model;

import java.time.Duration;

/**
 * A pipeline's health thresholds, its own where it sets them, else the defaults: commits late after
 * 3 flush intervals, failing after 10 (while data waits), more than 1% dead letters, average files
 * under 10% of the target size, 3 restarts within the window. Lag must grow across {@link
 * #LAG_GROWTH_INTERVALS} commit intervals to count as growing, for every pipeline.
 */
public record HealthThresholds(
    Duration flushInterval,
    int lateAfterIntervals,
    int failingAfterIntervals,
    double deadLetterRatio,
    double smallFileRatio,
    int restartLoop) {
  public static final int LATE_AFTER_INTERVALS = 3;
  public static final int FAILING_AFTER_INTERVALS = 10;
  public static final double DEAD_LETTER_RATIO = 0.01;
  public static final double SMALL_FILE_RATIO = 0.1;
  public static final int RESTART_LOOP = 3;

  /** How many commit intervals the lag must grow across to count as growing. */
  public static final int LAG_GROWTH_INTERVALS = 3;

  public static HealthThresholds of(PipelineSpec.Health health, Duration flushInterval) {
    PipelineSpec.Health given =
        health == null ? new PipelineSpec.Health(null, null, null, null, null) : health;
    return new HealthThresholds(
        flushInterval,
        given.lateAfterIntervals() == null ? LATE_AFTER_INTERVALS : given.lateAfterIntervals(),
        given.failingAfterIntervals() == null
            ? FAILING_AFTER_INTERVALS
            : given.failingAfterIntervals(),
        given.deadLetterRatio() == null ? DEAD_LETTER_RATIO : given.deadLetterRatio(),
        given.smallFileRatio() == null ? SMALL_FILE_RATIO : given.smallFileRatio(),
        given.restartLoop() == null ? RESTART_LOOP : given.restartLoop());
  }

  /** The window figures are computed over: ten flush intervals, at least five minutes. */
  public Duration window() {
    Duration tenIntervals = flushInterval.multipliedBy(10);
    return tenIntervals.compareTo(Duration.ofMinutes(5)) > 0 ? tenIntervals : Duration.ofMinutes(5);
  }
}
