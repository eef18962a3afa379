package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

/** One job of {@code GET /jobs/overview}: its id, name and Flink state. */
public record JobSummary(String jobId, String name, String state) {
  public JobSummary {
    requireNonNull(jobId, "jobId is null");
    requireNonNull(name, "name is null");
    requireNonNull(state, "state is null");
  }

  /** Whether the job ended (FINISHED, CANCELED, FAILED): it will not run again. */
  public boolean ended() {
    return state.equals("FINISHED") || state.equals("CANCELED") || state.equals("FAILED");
  }
}
