package io.floe.control.reconcile;

import static io.floe.control.reconcile.OperationRunner.ATTEMPT;
import static io.floe.control.reconcile.OperationRunner.REASON;
import static io.floe.control.reconcile.OperationRunner.RECOVERY_ATTEMPTS_WITH_STATE;
import static java.util.Objects.requireNonNull;

import io.floe.control.model.Operation;
import io.floe.control.model.OperationType;
import io.floe.control.model.PipelineStatus;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.store.Events;
import java.util.Map;
import java.util.Optional;

/**
 * Which savepoint or checkpoint a start restores, if any: the one decision of a start that depends
 * on how the pipeline's last run ended, what the operation is and whether the source changed.
 */
final class ResumePoints {
  private final Events events;

  ResumePoints(Events events) {
    this.events = requireNonNull(events, "events is null");
  }

  /**
   * What a start restores: a stop's savepoint; for a run that ended otherwise, its newest retained
   * checkpoint, or while it has none the point it started from (it committed nothing past that
   * point's own files). A recovery's third and later attempts restore nothing. A restore point is
   * skipped when the source changed since it was taken; the loader then continues after the offsets
   * its table recorded.
   */
  Optional<String> restorePoint(
      Operation operation,
      PipelineStatus status,
      Map<String, String> settings,
      PipelineRuntime runtime) {
    if (operation.type() == OperationType.MOVE_OFFSETS) {
      return Optional.empty();
    }
    Optional<String> chosen = resumePoint(status, runtime);
    if (operation.type() == OperationType.RECOVER) {
      int attempt = Integer.parseInt(operation.parameters().getOrDefault(ATTEMPT, "1"));
      boolean tooMany = attempt > RECOVERY_ATTEMPTS_WITH_STATE;
      String run = status.runId().map(id -> " of run " + id).orElse("");
      events.record(
          operation,
          "RECOVERING",
          "Recovery attempt "
              + attempt
              + " ("
              + operation.parameters().getOrDefault(REASON, "the run is not running")
              + "): "
              + (tooMany
                  ? RECOVERY_ATTEMPTS_WITH_STATE
                      + " attempts restored state: continuing after the table's offsets"
                  : chosen
                      .map(path -> "restoring " + path + run)
                      .orElse(
                          "no readable checkpoint"
                              + run
                              + ": continuing after the offsets the table recorded")));
      if (tooMany) {
        return Optional.empty();
      }
    }
    if (chosen.isEmpty()) {
      return chosen;
    }
    String source = SourceIdentity.of(settings);
    if (status.restoreSource().isPresent() && !status.restoreSource().get().equals(source)) {
      events.record(
          operation,
          "RESTORE_SKIPPED",
          "The source changed since "
              + chosen.get()
              + " was taken; starting from the offsets recorded in the table instead");
      return Optional.empty();
    }
    return chosen;
  }

  /**
   * Where the pipeline resumes: the restore point the status holds (a stop's savepoint), else what
   * the runtime says the last run resumes from (its newest complete retained checkpoint, else the
   * point it started from while that holds; Managed Flink, whose snapshots are not checkpoints,
   * judges both against the table's commits).
   */
  static Optional<String> resumePoint(PipelineStatus status, PipelineRuntime runtime) {
    if (status.restorePath().isPresent()) {
      return status.restorePath();
    }
    if (status.runId().isEmpty()) {
      return Optional.empty();
    }
    return runtime.resumePoint(status.runId().get(), status.startedFrom());
  }
}
