package io.floe.control.reconcile;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the reconciler runs.
 *
 * @param interval how often every pipeline is looked at
 * @param lease how long a replica holds a pipeline without renewing
 * @param threads how many pipelines are reconciled at once
 * @param startTimeout how long a submitted run may take to be RUNNING before the start fails
 * @param instanceId this replica's name in leases; default host name plus a random suffix
 */
@ConfigurationProperties("floe.reconcile")
public record ReconcileProperties(
    @DefaultValue("1s") Duration interval,
    @DefaultValue("30s") Duration lease,
    @DefaultValue("4") int threads,
    @DefaultValue("5m") Duration startTimeout,
    String instanceId) {
  public ReconcileProperties {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("floe.reconcile.interval must be positive");
    }
    if (lease.compareTo(interval.multipliedBy(3)) < 0) {
      throw new IllegalArgumentException(
          "floe.reconcile.lease must be at least three floe.reconcile.interval");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("floe.reconcile.threads must be at least 1");
    }
  }
}
