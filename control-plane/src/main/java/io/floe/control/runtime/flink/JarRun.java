package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What {@code POST /jars/:jarid/run} runs: the body Flink's JarRunRequestBody reads.
 *
 * @param entryClass the class whose main() builds the job
 * @param programArgs the arguments of main(), one list element each
 * @param parallelism the job's default parallelism
 * @param jobId the job id to use, 32 hex digits
 * @param savepointPath the savepoint or retained checkpoint to restore, if any
 * @param allowNonRestoredState whether state that maps to no operator may be skipped
 */
public record JarRun(
    String entryClass,
    List<String> programArgs,
    int parallelism,
    String jobId,
    Optional<String> savepointPath,
    boolean allowNonRestoredState) {
  public JarRun {
    requireNonNull(entryClass, "entryClass is null");
    programArgs = List.copyOf(requireNonNull(programArgs, "programArgs is null"));
    FlinkIds.require(jobId, "jobId");
    requireNonNull(savepointPath, "savepointPath is null");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
  }
}
