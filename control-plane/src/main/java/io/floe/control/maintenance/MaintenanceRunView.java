package io.floe.control.maintenance;

import java.time.Instant;
import java.util.Map;

/** A maintenance run as the API shows it. */
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
