package io.floe.control.maintenance;

import java.time.Instant;
import java.util.Map;

/**
 * A maintenance run as the API shows it.
 *
 * @param id the run's id
 * @param pipeline the pipeline whose table it maintains
 * @param table the table, as catalog.namespace.name
 * @param task compaction, snapshot-expiry, retention or orphan-files
 * @param trigger SCHEDULE, or REQUEST (through the API)
 * @param state QUEUED, RUNNING, then SUCCEEDED or FAILED
 * @param requestId the API request that asked for it, if any
 * @param actor who asked, if anyone
 * @param summary what it did, in words, once done
 * @param figures what it did, counted (files rewritten, bytes removed, ...)
 * @param error why it failed, if it did
 * @param createdAt when it was queued
 * @param startedAt when it started, once it has
 * @param finishedAt when it ended, once it has
 */
public record MaintenanceRunView(
    String id,
    String pipeline,
    String table,
    String task,
    MaintenanceRun.Trigger trigger,
    MaintenanceRun.State state,
    String requestId,
    String actor,
    String summary,
    Map<String, Long> figures,
    String error,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {

  public static MaintenanceRunView of(MaintenanceRun run) {
    return new MaintenanceRunView(
        run.id(),
        run.pipeline(),
        run.table(),
        run.task().apiName(),
        run.trigger(),
        run.state(),
        run.requestId().orElse(null),
        run.actor().orElse(null),
        run.summary().orElse(null),
        run.figures(),
        run.error().orElse(null),
        run.createdAt(),
        run.startedAt().orElse(null),
        run.finishedAt().orElse(null));
  }
}
