package io.floe.control.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How often pipelines' health is computed.
 *
 * @param interval time between two checks of every pipeline: a check reads the consumer group's lag
 *     (four Kafka admin requests) and the table's commits (from the table read shared with the
 *     reconciler, see {@code floe.tables.refresh-interval})
 * @param threads how many pipelines are checked at once (each check mostly waits on Kafka, the
 *     catalog and the runtime)
 * @param runRefreshInterval how old the run's figures (state, restarts, checkpoints) may be: a
 *     check takes the reconciler's latest observation of the run when it is this recent, else
 *     observes the run itself (longer than {@code floe.reconcile.steady-interval}, so that the
 *     replica that reconciles a steady pipeline observes its run once per steady interval, not
 *     twice)
 */
@ConfigurationProperties("floe.health")
public record HealthProperties(
    @DefaultValue("10s") Duration interval,
    @DefaultValue("8") int threads,
    @DefaultValue("90s") Duration runRefreshInterval) {
  @ConstructorBinding
  public HealthProperties {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("floe.health.interval must be positive");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("floe.health.threads must be at least 1");
    }
    if (runRefreshInterval.isNegative()) {
      throw new IllegalArgumentException("floe.health.run-refresh-interval must not be negative");
    }
  }
}
