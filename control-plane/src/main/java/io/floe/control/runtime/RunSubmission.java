package io.floe.control.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * One loader run to start.
 *
 * @param runId the id the caller chose (for Flink, a 32-hex-digit job id), so that a repeated
 *     submit is recognised
 * @param pipeline the pipeline's name
 * @param settings the loader settings (see loader-settings), passed as arguments or property groups
 * @param parallelism the parallelism to run with
 * @param restorePath the savepoint or checkpoint to restore, if any
 * @param artifact the loader artifact the pipeline pins (its sha256 or id), if any: Managed Flink
 *     deploys it (the registered default when empty); a Flink cluster runs its configured JAR
 */
public record RunSubmission(
    String runId,
    String pipeline,
    Map<String, String> settings,
    int parallelism,
    Optional<String> restorePath,
    Optional<String> artifact) {
  public RunSubmission {
    requireNonNull(runId, "runId is null");
    requireNonNull(pipeline, "pipeline is null");
    settings = Map.copyOf(requireNonNull(settings, "settings is null"));
    requireNonNull(restorePath, "restorePath is null");
    requireNonNull(artifact, "artifact is null");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
  }

  /** A run of the runtime's default loader. */
  public RunSubmission(
      String runId,
      String pipeline,
      Map<String, String> settings,
      int parallelism,
      Optional<String> restorePath) {
    this(runId, pipeline, settings, parallelism, restorePath, Optional.empty());
  }
}
