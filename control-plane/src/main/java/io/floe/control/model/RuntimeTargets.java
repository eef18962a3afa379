package io.floe.control.model;

/**
 * The names of the runtime targets this control plane ships, declared once. Targets are an open set
 * (a deployment registers the runtimes it configures by name), so a spec names one as text and the
 * save checks that a runtime of that name is configured.
 */
public final class RuntimeTargets {
  /** Amazon Managed Service for Apache Flink, one application per pipeline. */
  public static final String MANAGED_FLINK = "managed-flink";

  /** A Flink session cluster reached through its REST API. */
  public static final String FLINK_CLUSTER = "flink-cluster";

  /** The Flink session cluster of the local stack (the default target). */
  public static final String LOCAL = "local";

  private RuntimeTargets() {}
}
