package io.floe.control.reconcile;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;

/**
 * How the reconciler runs.
 *
 * @param interval how often the reconciler makes a pass: a pipeline with an operation to carry out,
 *     or on the move (starting, stopping, failing, recovering), is looked at in every pass; a pass
 *     costs four queries to the store and one run listing per runtime target that can list its runs
 *     in one call (a Flink cluster's {@code GET /jobs/overview}), whatever the number of pipelines
 * @param steadyInterval how often a pipeline that holds still (running as it should, or stopped) is
 *     looked at: about six store queries, one table read for the schema check and one observation
 *     of its run (three Flink REST calls; on Managed Flink a {@code DescribeApplication}). On a
 *     Flink cluster a change of its run's state is seen in the next pass anyway, through the run
 *     listing
 * @param lease how long a replica holds a pipeline without renewing
 * @param threads how many pipelines are looked at at once (a look mostly waits on the store, the
 *     runtime and the catalog)
 * @param startTimeout how long a submitted run may take to be RUNNING before the start fails
 * @param instanceId this replica's name in leases; default host name plus a random suffix
 * @param goneAfter how long the runtime must keep saying it does not know a run (at least three
 *     observations) before the run counts as gone and is recovered: a JobManager that fails over
 *     with high availability forgets its jobs for a moment
 * @param recoveryBackoff the wait after the first recovery attempt, doubled after each further one
 * @param recoveryMaxBackoff the longest wait between two recovery attempts
 * @param schemaCheckInterval how often a running loader's table is read for a schema change it must
 *     be restarted for (zero: at every look)
 */
@ConfigurationProperties("floe.reconcile")
public record ReconcileProperties(
    @DefaultValue("1s") Duration interval,
    @DefaultValue("30s") Duration lease,
    @DefaultValue("8") int threads,
    @DefaultValue("5m") Duration startTimeout,
    String instanceId,
    @DefaultValue("10s") Duration goneAfter,
    @DefaultValue("10s") Duration recoveryBackoff,
    @DefaultValue("5m") Duration recoveryMaxBackoff,
    @DefaultValue(ReconcileProperties.SCHEMA_CHECK_INTERVAL) Duration schemaCheckInterval,
    @DefaultValue(ReconcileProperties.STEADY_INTERVAL) Duration steadyInterval) {
  static final String SCHEMA_CHECK_INTERVAL = "10s";
  static final String STEADY_INTERVAL = "60s";

  @ConstructorBinding
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
    if (goneAfter.isNegative()) {
      throw new IllegalArgumentException("floe.reconcile.gone-after must not be negative");
    }
    if (recoveryBackoff.isNegative() || recoveryBackoff.isZero()) {
      throw new IllegalArgumentException("floe.reconcile.recovery-backoff must be positive");
    }
    if (recoveryMaxBackoff.compareTo(recoveryBackoff) < 0) {
      throw new IllegalArgumentException(
          "floe.reconcile.recovery-max-backoff must be at least floe.reconcile.recovery-backoff");
    }
    if (schemaCheckInterval.isNegative()) {
      throw new IllegalArgumentException(
          "floe.reconcile.schema-check-interval must not be negative");
    }
    if (steadyInterval.compareTo(interval) < 0) {
      throw new IllegalArgumentException(
          "floe.reconcile.steady-interval must be at least floe.reconcile.interval");
    }
  }

  /**
   * The same with the default schema-check and steady intervals (for callers that predate them).
   */
  public ReconcileProperties(
      Duration interval,
      Duration lease,
      int threads,
      Duration startTimeout,
      String instanceId,
      Duration goneAfter,
      Duration recoveryBackoff,
      Duration recoveryMaxBackoff) {
    this(
        interval,
        lease,
        threads,
        startTimeout,
        instanceId,
        goneAfter,
        recoveryBackoff,
        recoveryMaxBackoff,
        DurationStyle.detectAndParse(SCHEMA_CHECK_INTERVAL),
        DurationStyle.detectAndParse(STEADY_INTERVAL));
  }

  /** The wait before the attempt after {@code attempts} attempts: doubling, bounded. */
  public Duration backoffAfter(int attempts) {
    Duration wait = recoveryBackoff;
    for (int i = 1; i < attempts && wait.compareTo(recoveryMaxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(recoveryMaxBackoff) > 0 ? recoveryMaxBackoff : wait;
  }
}
