package io.floe.control.maintenance;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.MaintenanceTask;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a maintenance task on a pipeline's table: why it ran, who ran it, and what it did.
 *
 * @param table the table as catalog.namespace.name, the key of the table's lease
 */
public record MaintenanceRun(
    String id,
    String pipeline,
    String table,
    MaintenanceTask task,
    Trigger trigger,
    State state,
    Optional<String> owner,
    Optional<String> requestId,
    Optional<String> actor,
    Optional<String> summary,
    Map<String, Long> figures,
    Optional<String> error,
    Instant createdAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt) {

  /** Why a run happened. */
  public enum Trigger {
    SCHEDULE,
    REQUEST
  }

  /** Where a run is. */
  public enum State {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public MaintenanceRun {
    requireNonNull(id, "id is null");
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(table, "table is null");
    requireNonNull(task, "task is null");
    requireNonNull(trigger, "trigger is null");
    requireNonNull(state, "state is null");
    requireNonNull(owner, "owner is null");
    requireNonNull(requestId, "requestId is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(summary, "summary is null");
    figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    requireNonNull(error, "error is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(finishedAt, "finishedAt is null");
  }

  /** A run asked for or due, not started yet. */
  public static MaintenanceRun queued(
      String id,
      String pipeline,
      String table,
      MaintenanceTask task,
      Trigger trigger,
      Optional<String> requestId,
      Optional<String> actor,
      Instant at) {
    return new MaintenanceRun(
        id,
        pipeline,
        table,
        task,
        trigger,
        State.QUEUED,
        Optional.empty(),
        requestId,
        actor,
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        at,
        Optional.empty(),
        Optional.empty());
  }
}
