package io.floe.control.maintenance;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's maintenance at a glance: each task's effective settings (defaults filled in), when
 * it runs next, and its last run.
 *
 * @param pipeline the pipeline
 * @param table its table, as catalog.namespace.name
 * @param tasks each maintenance task
 */
public record MaintenanceView(String pipeline, String table, List<Task> tasks) {

  /**
   * One task. {@code nextRunAt} is absent when the task is off.
   *
   * @param task compaction, snapshot-expiry, retention or orphan-files
   * @param enabled whether it runs on a schedule
   * @param settings its effective settings, defaults filled in
   * @param nextRunAt when it runs next; absent when off
   * @param lastRun its last run, if any
   */
  public record Task(
      String task,
      boolean enabled,
      Map<String, String> settings,
      Instant nextRunAt,
      MaintenanceRunView lastRun) {}
}
