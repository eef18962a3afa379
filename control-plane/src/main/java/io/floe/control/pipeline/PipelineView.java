package io.floe.control.pipeline;

import io.floe.control.model.DesiredState;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationState;
import io.floe.control.model.OperationType;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.Recovery;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A pipeline as the API shows it: the spec as given, the desired state, and the observed one. */
public record PipelineView(
    String name,
    PipelineSpec.Source source,
    PipelineSpec.Table table,
    PipelineSpec.BadMessages badMessages,
    PipelineSpec.Parsing parsing,
    PipelineSpec.Runtime runtime,
    PipelineSpec.Health health,
    PipelineSpec.Maintenance maintenance,
    DesiredState desiredState,
    Map<String, String> labels,
    long generation,
    Instant createdAt,
    Instant updatedAt,
    Status status) {

  /** What Floe observed and did last. */
  public record Status(
      ObservedState observedState,
      String runId,
      Integer parallelism,
      Long runningGeneration,
      LastOperation lastOperation,
      String lastError,
      RecoveryStatus recovery,
      Instant updatedAt) {}

  /**
   * An automatic recovery under way (absent when none): attempts since the pipeline last ran
   * steadily, when the next may start, or halted because the run was cancelled outside Floe.
   */
  public record RecoveryStatus(int attempts, Instant nextAttemptAt, boolean halted) {}

  /** The last operation, in brief; its full record is at /operations/{id}. */
  public record LastOperation(
      String id, OperationType type, OperationState state, String outcome) {}

  public static PipelineView of(
      Pipeline pipeline, PipelineStatus status, Optional<Operation> lastOperation) {
    PipelineSpec spec = pipeline.spec();
    return new PipelineView(
        pipeline.name(),
        spec.source(),
        spec.table(),
        spec.badMessages(),
        spec.parsing(),
        spec.runtime(),
        spec.health(),
        spec.maintenance(),
        pipeline.desiredState(),
        pipeline.labels(),
        pipeline.generation(),
        pipeline.createdAt(),
        pipeline.updatedAt(),
        new Status(
            status.observedState(),
            status.runId().orElse(null),
            status.parallelism().orElse(null),
            status.runningGeneration().orElse(null),
            lastOperation
                .map(
                    op ->
                        new LastOperation(
                            op.id(), op.type(), op.state(), op.outcome().orElse(null)))
                .orElse(null),
            status.lastError().orElse(null),
            status.recovery().equals(Recovery.NONE)
                ? null
                : new RecoveryStatus(
                    status.recovery().attempts(),
                    status.recovery().nextAttemptAt().orElse(null),
                    status.recovery().halted()),
            status.updatedAt()));
  }
}
