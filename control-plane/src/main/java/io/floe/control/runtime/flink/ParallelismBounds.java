package io.floe.control.runtime.flink;

/**
 * The parallelism range the adaptive scheduler may run one vertex with: an entry of {@code GET/PUT
 * /jobs/:jobid/resource-requirements}.
 */
public record ParallelismBounds(int lowerBound, int upperBound) {
  public ParallelismBounds {
    if (lowerBound < 1 || upperBound < lowerBound) {
      throw new IllegalArgumentException(
          "parallelism bounds must satisfy 1 <= lower <= upper, were "
              + lowerBound
              + ".."
              + upperBound);
    }
  }
}
