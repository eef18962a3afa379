package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A job's checkpoint counts and latest checkpoints, from {@code GET /jobs/:jobid/checkpoints}.
 *
 * @param completed checkpoints and savepoints completed
 * @param failed checkpoints failed, as Flink counts them: with every trigger it declined before
 *     starting a checkpoint, such as those while the job's tasks deploy ("Not all required tasks
 *     are currently running")
 * @param inProgress checkpoints in progress
 * @param restored how often the job restored from a checkpoint or savepoint
 * @param latestCompleted the latest completed checkpoint, if any
 * @param latestSavepoint the latest completed savepoint, if any
 * @param failedStarted checkpoints that Flink started and that failed, among those its history
 *     lists (the latest {@code web.checkpoints.history}, 10 by default): Flink starts a checkpoint,
 *     giving it an id and a history entry, only once every task it waits for is RUNNING
 */
public record CheckpointStatistics(
    long completed,
    long failed,
    long inProgress,
    long restored,
    Optional<Checkpoint> latestCompleted,
    Optional<Checkpoint> latestSavepoint,
    long failedStarted) {
  public CheckpointStatistics {
    requireNonNull(latestCompleted, "latestCompleted is null");
    requireNonNull(latestSavepoint, "latestSavepoint is null");
  }

  /**
   * One completed checkpoint or savepoint.
   *
   * @param id the checkpoint id
   * @param type Flink's checkpoint type: CHECKPOINT, SAVEPOINT or SYNC_SAVEPOINT (a stop's)
   * @param externalPath where it is stored
   * @param discarded whether Flink has deleted it since (subsumed, or the job ended)
   * @param completedAt when its last acknowledgement arrived, in epoch milliseconds
   */
  public record Checkpoint(
      long id, String type, String externalPath, boolean discarded, long completedAt) {
    public Checkpoint {
      requireNonNull(type, "type is null");
      requireNonNull(externalPath, "externalPath is null");
    }
  }
}
