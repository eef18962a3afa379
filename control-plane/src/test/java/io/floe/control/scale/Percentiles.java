package io.floe.control.scale;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Nearest-rank percentiles of measured durations (milliseconds), as the report prints them. */
record Percentiles(int count, double p50, double p99, double max) {
  static final Percentiles NONE = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);

  static Percentiles of(List<Double> values) {
    if (values.isEmpty()) {
      return NONE;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return new Percentiles(
        sorted.size(), rank(sorted, 50), rank(sorted, 99), sorted.get(sorted.size() - 1));
  }

  /** The smallest value with at least {@code percent} % of the values at or below it. */
  private static double rank(List<Double> sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(rank, 1) - 1);
  }
}
