package io.floe.control.maintenance;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's maintenance at a glance: each task's effective settings (defaults filled in), when
 * it runs next, and its last run.
 */
public record MaintenanceView(String pipeline, String table, List<Task> tasks) {

  /** One task. {@code nextRunAt} is absent when the task is off. */
  public record Task(
      String task,
      boolean enabled,
      Map<String, String> settings,
      Instant nextRunAt,
      MaintenanceRunView lastRun) {}
}
