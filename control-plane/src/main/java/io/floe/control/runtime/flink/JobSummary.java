package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

/**
 * One job of {@code GET /jobs/overview}.
 *
 * @param jobId the job id
 * @param name the job's name
 * @param state Flink's JobStatus name, e.g. RUNNING
 * @param lastModification Flink's {@code last-modification}: the latest time one of the job's tasks
 *     changed its state, or the job ended (epoch milliseconds); 0 when not reported
 * @param tasks how many tasks the job has ({@code tasks.total}); 0 when not reported
 */
public record JobSummary(
    String jobId, String name, String state, long lastModification, int tasks) {
  public JobSummary {
    requireNonNull(jobId, "jobId is null");
    requireNonNull(name, "name is null");
    requireNonNull(state, "state is null");
  }

  /** Whether the job ended (FINISHED, CANCELED, FAILED): it will not run again. */
  public boolean ended() {
    return state.equals("FINISHED") || state.equals("CANCELED") || state.equals("FAILED");
  }

  /**
   * Whether the job is as it was when {@code earlier} listed it: same state, same number of tasks,
   * and no task changed its state since. Every restart, failover and rescale redeploys tasks, so
   * each moves {@code last-modification}; only checkpoints progress without moving it. Unknown
   * (never the same) when either listing lacks the modification time.
   */
  public boolean unchangedSince(JobSummary earlier) {
    return lastModification > 0
        && earlier.jobId.equals(jobId)
        && earlier.state.equals(state)
        && earlier.lastModification == lastModification
        && earlier.tasks == tasks;
  }
}
