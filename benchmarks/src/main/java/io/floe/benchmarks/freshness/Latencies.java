package io.floe.benchmarks.freshness;

import java.util.Arrays;

/**
 * Latencies in milliseconds and their percentiles (nearest rank): how long after being produced
 * messages became visible in the table.
 */
public final class Latencies {
  private final double[] sorted;

  public Latencies(double[] millis) {
    this.sorted = millis.clone();
    Arrays.sort(this.sorted);
  }

  public int count() {
    return sorted.length;
  }

  /** The nearest-rank percentile, p in (0, 100]; NaN when empty. */
  public double percentile(double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("p must be in (0, 100]: " + p);
    }
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  public double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }
}
