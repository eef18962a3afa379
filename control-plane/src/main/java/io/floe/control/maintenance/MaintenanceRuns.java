package io.floe.control.maintenance;

import io.floe.control.model.MaintenanceTask;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where maintenance runs are kept: the queue of requested runs and the history of all. */
public interface MaintenanceRuns {
  void insert(MaintenanceRun run);

  /** Moves a queued run to RUNNING under this owner; false when it was not queued any more. */
  boolean start(String id, String owner, Instant at);

  /** Records a started run's end. */
  void finish(
      String id,
      MaintenanceRun.State state,
      Optional<String> summary,
      Map<String, Long> figures,
      Optional<String> error,
      Instant at);

  /**
   * Fails the table's runs still RUNNING: called by the holder of the table's lease, which runs
   * nothing on it yet, so they belong to a replica that stopped mid-run. Returns them.
   */
  List<MaintenanceRun> failAbandoned(String table, String error, Instant at);

  Optional<MaintenanceRun> find(String id);

  /** The pipeline's runs, newest first, optionally of one task. */
  List<MaintenanceRun> list(String pipeline, Optional<MaintenanceTask> task, int limit);

  /** The pipeline's queued runs, oldest first. */
  List<MaintenanceRun> queued(String pipeline);

  /** When the pipeline's latest run of the task (of any trigger) was created. */
  Optional<Instant> lastRun(String pipeline, MaintenanceTask task);
}
