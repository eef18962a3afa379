package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The failures of a job, from {@code GET /jobs/:jobid/exceptions}: its exception history holds one
 * entry per failure that restarted or failed the job (not per rescale), newest first.
 *
 * @param latestFailure the newest failure, reduced to its first line and root cause
 * @param failures how many failures the history holds
 * @param truncated whether the history dropped older failures (it keeps {@code
 *     web.exception-history-size}, 16 by default)
 */
public record JobExceptions(Optional<String> latestFailure, int failures, boolean truncated) {
  public JobExceptions {
    requireNonNull(latestFailure, "latestFailure is null");
    if (failures < 0) {
      throw new IllegalArgumentException("failures must not be negative");
    }
  }
}
