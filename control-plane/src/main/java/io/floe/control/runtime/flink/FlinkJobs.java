package io.floe.control.runtime.flink;

import io.floe.control.runtime.SavepointOutcome;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calls on a Flink session cluster's jobs that the runtime makes (state, failures, checkpoints,
 * stops with savepoints, rescaling, metrics): the seam a fake replaces in unit tests. Failures are
 * a {@link FlinkUnavailableException} (no answer, server error) or a {@link FlinkRejectedException}
 * (client error), with Flink's {@code errors} text.
 */
public interface FlinkJobs {
  /** {@code GET /jobs/overview}: every job the cluster knows, with its name and state. */
  List<JobSummary> jobs();

  /** {@code GET /jobs/:jobid}; empty when the cluster knows no such job. */
  Optional<JobDetails> jobDetails(String jobId);

  /** {@code GET /jobs/:jobid/exceptions}: the job's failure history; empty for an unknown job. */
  Optional<JobExceptions> jobExceptions(String jobId);

  /**
   * {@code GET /jobs/:jobid/checkpoints}: counts and the latest checkpoints; empty for an unknown
   * job or one without checkpoint statistics.
   */
  Optional<CheckpointStatistics> checkpointStatistics(String jobId);

  /**
   * {@code POST /jobs/:jobid/stop} without drain, under a trigger id the caller chose: Flink runs
   * one operation per job and trigger id, so repeating the call while Flink remembers the trigger
   * ({@code rest.async.store-duration}, 5 min by default) does not take a second savepoint. The
   * savepoint goes to the cluster's {@code state.savepoints.dir}.
   */
  void stopWithSavepoint(String jobId, String triggerId);

  /**
   * {@code GET /jobs/:jobid/savepoints/:triggerid}: pending, the savepoint's location, or the
   * failure; empty when Flink knows no such trigger (never triggered, or forgotten).
   */
  Optional<SavepointOutcome> savepointStatus(String jobId, String triggerId);

  /**
   * {@code PATCH /jobs/:jobid?mode=cancel}. A job that already ended is left alone; an unknown job
   * is a {@link FlinkRejectedException} with status 404.
   */
  void cancel(String jobId);

  /**
   * {@code GET /jobs/:jobid/resource-requirements}: the parallelism bounds per vertex id, which the
   * adaptive scheduler runs the job with. Other schedulers answer with a server error
   * (UnsupportedOperationException).
   */
  Map<String, ParallelismBounds> resourceRequirements(String jobId);

  /**
   * {@code PUT /jobs/:jobid/resource-requirements}: new bounds for every vertex; the adaptive
   * scheduler rescales the running job to fit them (after its {@code scaling-interval.min}).
   */
  void updateResourceRequirements(String jobId, Map<String, ParallelismBounds> bounds);

  /**
   * {@code GET /jobs/:jobid/metrics?get=...}: job-level metrics such as numRestarts, uptime,
   * lastCheckpointDuration; the metrics Flink does not have (yet) are missing from the result.
   * Flink refreshes them every {@code metrics.fetcher.update-interval} (10 s by default).
   */
  Map<String, String> jobMetrics(String jobId, Collection<String> names);
}
