package io.floe.benchmarks.all;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Freshness at one flush interval: messages published at a steady rate, each row's time from its
 * produce timestamp to the commit of the snapshot that holds it.
 *
 * @param interval the loader's flush interval
 * @param rate messages per second published
 * @param publishing how long the publisher sent
 * @param published messages sent (ids 1..published)
 * @param measured rows whose latency counts (produced after the warm-up)
 * @param p50Millis median latency
 * @param p95Millis 95th percentile
 * @param p99Millis 99th percentile
 * @param maxMillis the largest latency
 * @param commits commits that added rows
 * @param dataFiles data files those commits added
 * @param filesPerMinute data files per minute, over the span from the first message to the last
 *     commit
 * @param peakHeapBytes highest TaskManager heap sampled
 * @param check the exactness check's outcome
 * @param correct whether the table held exactly ids 1..published
 */
public record FreshnessRun(
    Duration interval,
    int rate,
    Duration publishing,
    long published,
    long measured,
    double p50Millis,
    double p95Millis,
    double p99Millis,
    double maxMillis,
    int commits,
    long dataFiles,
    double filesPerMinute,
    OptionalLong peakHeapBytes,
    String check,
    boolean correct) {

  public FreshnessRun {
    requireNonNull(interval, "interval is null");
    requireNonNull(publishing, "publishing is null");
    requireNonNull(peakHeapBytes, "peakHeapBytes is null");
    requireNonNull(check, "check is null");
  }
}
