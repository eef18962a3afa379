package io.floe.benchmarks.throughput;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.environment.Machine;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a throughput report says: the options, the machine, what ran, and each run.
 *
 * @param flinkVersion the version the cluster reported
 * @param loaderJar the JAR submitted
 */
public record ThroughputResult(
    ThroughputOptions options,
    Machine machine,
    String flinkVersion,
    Path loaderJar,
    List<ThroughputRun> runs) {

  public ThroughputResult {
    requireNonNull(options, "options is null");
    requireNonNull(machine, "machine is null");
    requireNonNull(flinkVersion, "flinkVersion is null");
    requireNonNull(loaderJar, "loaderJar is null");
    runs = List.copyOf(runs);
  }

  /** Every run left exactly ids 1..N in its table. */
  public boolean allExact() {
    return runs.stream().allMatch(run -> run.ids().exact());
  }
}
