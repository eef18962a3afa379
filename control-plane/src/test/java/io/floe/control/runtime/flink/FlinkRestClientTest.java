package io.floe.control.runtime.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** How Flink's REST answers translate into what the control plane reads from them. */
class FlinkRestClientTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * {@code GET /jobs/:jobid/checkpoints} of a job whose first two triggers came while its tasks
   * deployed (Flink 1.20 counts them as failed, without an id or a history entry), then started
   * three: 1 and 3 completed, 2 ended with the status {@code second}.
   */
  private static String checkpointsAnswer(String second) {
    int completed = second.equals("COMPLETED") ? 3 : 2;
    int failed = 5 - completed;
    return """
        {
          "counts": {"restored": 0, "total": %d, "in_progress": 0, "completed": %d, "failed": %d},
          "latest": {
            "completed": {
              "className": ".CompletedCheckpointStatistics", "id": 3, "status": "COMPLETED",
              "is_savepoint": false, "checkpoint_type": "CHECKPOINT",
              "trigger_timestamp": 1764876010000, "latest_ack_timestamp": 1764876010400,
              "external_path": "file:/tmp/checkpoints/abc/chk-3", "discarded": false
            },
            "savepoint": null, "failed": null, "restored": null
          },
          "history": [
            {
              "className": ".CompletedCheckpointStatistics", "id": 3, "status": "COMPLETED",
              "is_savepoint": false, "trigger_timestamp": 1764876010000,
              "external_path": "file:/tmp/checkpoints/abc/chk-3", "discarded": false
            },
            {
              "id": 2, "status": "%s", "is_savepoint": false,
              "trigger_timestamp": 1764876005000, "failure_message": "Checkpoint expired"
            },
            {
              "className": ".CompletedCheckpointStatistics", "id": 1, "status": "COMPLETED",
              "is_savepoint": false, "trigger_timestamp": 1764876000000,
              "external_path": "file:/tmp/checkpoints/abc/chk-1", "discarded": true
            }
          ]
        }
        """
        .formatted(5, completed, failed, second);
  }

  @Test
  void theJobListingCarriesEachJobsLastTaskChangeAndTaskCount() {
    // GET /jobs/overview as Flink 1.20 answers it.
    List<JobSummary> jobs =
        FlinkAnswers.jobs(
            JSON.readTree(
                """
                {"jobs": [{
                  "jid": "0123456789abcdef0123456789abcdef", "name": "floe-orders",
                  "start-time": 1764876000000, "end-time": -1, "duration": 61000,
                  "state": "RUNNING", "last-modification": 1764876002345,
                  "tasks": {"running": 2, "canceling": 0, "canceled": 0, "total": 2, "created": 0,
                            "scheduled": 0, "deploying": 0, "reconciling": 0, "finished": 0,
                            "initializing": 0, "failed": 0}
                }, {"jid": "fedcba9876543210fedcba9876543210", "name": "old", "state": "FAILED"}]}
                """));

    assertThat(jobs)
        .containsExactly(
            new JobSummary(
                "0123456789abcdef0123456789abcdef", "floe-orders", "RUNNING", 1764876002345L, 2),
            new JobSummary("fedcba9876543210fedcba9876543210", "old", "FAILED", 0, 0));
  }

  @Test
  void triggersDeclinedBeforeTheTasksRanAreNoFailedCheckpoints() {
    CheckpointStatistics statistics =
        FlinkAnswers.checkpoints(JSON.readTree(checkpointsAnswer("COMPLETED")));

    assertThat(statistics.failed()).as("Flink's own count").isEqualTo(2);
    assertThat(statistics.failedStarted()).isZero();
    assertThat(statistics.completed()).isEqualTo(3);
    assertThat(statistics.latestCompleted())
        .hasValueSatisfying(
            checkpoint -> {
              assertThat(checkpoint.id()).isEqualTo(3);
              assertThat(checkpoint.externalPath()).isEqualTo("file:/tmp/checkpoints/abc/chk-3");
            });
  }

  @Test
  void aCheckpointThatFailedOnceStartedCounts() {
    CheckpointStatistics statistics =
        FlinkAnswers.checkpoints(JSON.readTree(checkpointsAnswer("FAILED")));

    assertThat(statistics.failed()).isEqualTo(3);
    assertThat(statistics.failedStarted()).isEqualTo(1);
  }

  @Test
  void aJobWithoutHistoryHasNoFailedCheckpoints() {
    CheckpointStatistics statistics =
        FlinkAnswers.checkpoints(
            JSON.readTree(
                "{\"counts\": {\"restored\": 0, \"total\": 1, \"in_progress\": 0,"
                    + " \"completed\": 0, \"failed\": 1}, \"latest\": {}, \"history\": []}"));

    assertThat(statistics.failed()).isEqualTo(1);
    assertThat(statistics.failedStarted()).isZero();
  }
}
