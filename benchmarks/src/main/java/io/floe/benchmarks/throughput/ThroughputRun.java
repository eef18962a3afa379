package io.floe.benchmarks.throughput;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.kafka.BulkPublisher.Published;
import io.floe.benchmarks.table.Commits.Commit;
import io.floe.benchmarks.table.IdCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The figures of one load: N messages already in Kafka, loaded by a fresh job into a fresh table.
 *
 * @param number 1, 2, ... within the invocation
 * @param published what the publisher put into the topic before the job started
 * @param runningAt when every task of the job ran
 * @param submitToRunning from POST /jars/:id/run until every task of the job ran
 * @param runningToCommitted from every task running until the commit that holds all N rows
 * @param commits the commits it took, in order
 * @param steadyRecordsPerSecond the rate between commits, see {@code Commits}
 * @param taskManagerCpu user + system CPU time of the TaskManager process over runningToCommitted
 * @param peakHeapBytes the highest TaskManager heap use sampled (once a second) during the load
 * @param restarts the job's restarts during the run (a clean run has none)
 * @param loadAverageBefore the machine's 1-minute load average when the run began
 * @param loaderVersion the loader version the job wrote into its commits
 * @param ids whether the table held exactly ids 1..N afterwards
 */
public record ThroughputRun(
    int number,
    Published published,
    Instant runningAt,
    Duration submitToRunning,
    Duration runningToCommitted,
    List<Commit> commits,
    Optional<Double> steadyRecordsPerSecond,
    Duration taskManagerCpu,
    OptionalLong peakHeapBytes,
    long restarts,
    double loadAverageBefore,
    String loaderVersion,
    IdCheck ids) {

  public ThroughputRun {
    requireNonNull(published, "published is null");
    requireNonNull(runningAt, "runningAt is null");
    requireNonNull(submitToRunning, "submitToRunning is null");
    requireNonNull(runningToCommitted, "runningToCommitted is null");
    commits = List.copyOf(commits);
    requireNonNull(steadyRecordsPerSecond, "steadyRecordsPerSecond is null");
    requireNonNull(taskManagerCpu, "taskManagerCpu is null");
    requireNonNull(peakHeapBytes, "peakHeapBytes is null");
    requireNonNull(loaderVersion, "loaderVersion is null");
    requireNonNull(ids, "ids is null");
  }

  /** The headline: N over the time from the job running to all N rows committed. */
  public double recordsPerSecond() {
    return published.records() / seconds(runningToCommitted);
  }

  public Duration submitToCommitted() {
    return submitToRunning.plus(runningToCommitted);
  }

  /** TaskManager CPU per record loaded, in microseconds. */
  public double cpuMicrosPerRecord() {
    return taskManagerCpu.toNanos() / 1_000.0 / published.records();
  }

  private static double seconds(Duration duration) {
    return Math.max(duration.toNanos() / 1e9, 1e-9);
  }
}
