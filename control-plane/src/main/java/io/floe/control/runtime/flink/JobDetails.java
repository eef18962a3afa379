package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A job as {@code GET /jobs/:jobid} describes it.
 *
 * @param jobId the job id
 * @param name the job's name
 * @param state Flink's JobStatus name, e.g. RUNNING
 * @param vertices the job graph's vertices
 * @param taskCounts how many tasks of the job are in each ExecutionState (Flink's status-counts)
 */
public record JobDetails(
    String jobId,
    String name,
    String state,
    List<Vertex> vertices,
    Map<String, Integer> taskCounts) {
  public JobDetails {
    requireNonNull(jobId, "jobId is null");
    requireNonNull(name, "name is null");
    requireNonNull(state, "state is null");
    vertices = List.copyOf(requireNonNull(vertices, "vertices is null"));
    taskCounts = Map.copyOf(requireNonNull(taskCounts, "taskCounts is null"));
  }

  /** Whether every task that has not finished is RUNNING (a RUNNING job may still deploy some). */
  public boolean allTasksRunning() {
    return taskCounts.entrySet().stream()
        .allMatch(
            count ->
                count.getValue() == 0
                    || count.getKey().equals("RUNNING")
                    || count.getKey().equals("FINISHED"));
  }

  /**
   * One vertex (a chain of operators) of the job.
   *
   * @param id the vertex id, 32 hex digits
   * @param name the vertex name, e.g. "Source: Kafka orders"
   * @param parallelism the parallelism it runs with now
   * @param maxParallelism the highest parallelism it can be rescaled to
   * @param status the vertex's ExecutionState name
   */
  public record Vertex(String id, String name, int parallelism, int maxParallelism, String status) {
    public Vertex {
      requireNonNull(id, "id is null");
      requireNonNull(name, "name is null");
      requireNonNull(status, "status is null");
    }
  }
}
