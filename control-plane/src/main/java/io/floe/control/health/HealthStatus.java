package io.floe.control.health;

/** How a pipeline is doing, worst last (but UNKNOWN, which says nothing either way). */
public enum HealthStatus {
  /** Loading on time. */
  HEALTHY,
  /** Stopped on purpose. */
  STOPPED,
  /** Loading, but late, behind, or with many bad messages or small files. */
  DEGRADED,
  /** Not loading although data waits, or failing and restarting. */
  FAILING,
  /** Cannot tell: the catalog (or Kafka and the runtime) could not be reached. */
  UNKNOWN
}
