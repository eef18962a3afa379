package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.managed.ApplicationMetrics.Datapoint;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A run's restarts, failed checkpoints and current outage, from the per-minute maxima of Managed
 * Flink's CloudWatch metrics since the run started. {@code fullRestarts} and {@code
 * numberOfFailedCheckpoints} are the Flink job's running totals since the job was submitted,
 * re-published every reporting interval: a period's Maximum is the total at its end, a Sum would
 * multiply it by the samples in the period. A run's Flink job is resubmitted (totals back at zero)
 * when the service updates the application (rescale, maintenance), so the run's figure is the sum
 * of the increases between periods, a drop counting as a new job that started at zero. {@code
 * downtime} is how long the job has been failing or recovering, 0 while it runs.
 *
 * @param restarts full restarts of the run's jobs; empty when CloudWatch has no datapoint
 * @param failedCheckpoints failed checkpoints of the run's jobs; empty when no datapoint
 * @param downtimeMillis the latest period's downtime, empty when no datapoint
 */
public record JobMetrics(
    OptionalLong restarts, OptionalLong failedCheckpoints, OptionalLong downtimeMillis) {
  /** The metrics read for each observation. */
  public static final Set<String> METRICS =
      Set.of("fullRestarts", "numberOfFailedCheckpoints", "downtime");

  /** Nothing known (CloudWatch unreachable). */
  public static final JobMetrics UNKNOWN =
      new JobMetrics(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());

  public JobMetrics {
    requireNonNull(restarts, "restarts is null");
    requireNonNull(failedCheckpoints, "failedCheckpoints is null");
    requireNonNull(downtimeMillis, "downtimeMillis is null");
  }

  /** The figures from each metric's period maxima since the run started, oldest first. */
  public static JobMetrics of(Map<String, List<Datapoint>> maxima) {
    List<Datapoint> downtime = maxima.getOrDefault("downtime", List.of());
    return new JobMetrics(
        increases(maxima.getOrDefault("fullRestarts", List.of())),
        increases(maxima.getOrDefault("numberOfFailedCheckpoints", List.of())),
        downtime.isEmpty()
            ? OptionalLong.empty()
            : OptionalLong.of((long) downtime.get(downtime.size() - 1).value()));
  }

  /** Whether the job is failing or recovering now (downtime is -1 for a finished job). */
  public boolean inOutage() {
    return downtimeMillis.isPresent() && downtimeMillis.getAsLong() > 0;
  }

  /** The sum of a running total's increases, from zero; a drop is a new job counting from zero. */
  static OptionalLong increases(List<Datapoint> totals) {
    if (totals.isEmpty()) {
      return OptionalLong.empty();
    }
    long sum = 0;
    long previous = 0;
    for (Datapoint point : totals) {
      long total = Math.max(0, (long) point.value());
      sum += total >= previous ? total - previous : total;
      previous = total;
    }
    return OptionalLong.of(sum);
  }
}
