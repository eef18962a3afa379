package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

/**
 * A Flink cluster's resources and jobs, from {@code GET /overview}.
 *
 * @param taskManagers registered TaskManagers
 * @param slotsTotal task slots offered
 * @param slotsAvailable task slots free
 * @param jobsRunning jobs not yet ended
 * @param flinkVersion the cluster's Flink version, e.g. 1.20.3
 */
public record ClusterOverview(
    int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning, String flinkVersion) {
  public ClusterOverview {
    requireNonNull(flinkVersion, "flinkVersion is null");
  }
}
