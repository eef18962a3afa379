package io.floe.control.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.floe.control.model.DesiredState;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationState;
import io.floe.control.model.OperationType;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.Recovery;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A pipeline as the API shows it: the spec as given, the desired state, and the observed one. */
public record PipelineView(
    @Schema(description = "The pipeline's name") String name,
    @Schema(description = "The Kafka side, as given") PipelineSpec.Source source,
    @Schema(description = "The Iceberg table, as given") PipelineSpec.Table table,
    @Schema(description = "What happens to bad messages, as given (absent when not given)")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = PipelineSpec.Absent.class)
        PipelineSpec.BadMessages badMessages,
    @Schema(description = "Reshaping and limits, as given (absent when not given)")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = PipelineSpec.Absent.class)
        PipelineSpec.Parsing parsing,
    @Schema(description = "Where and how the loader runs, as given (absent when not given)")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = PipelineSpec.Absent.class)
        PipelineSpec.Runtime runtime,
    @Schema(description = "Health thresholds, as given (absent when not given)")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = PipelineSpec.Absent.class)
        PipelineSpec.Health health,
    @Schema(description = "Table maintenance, as given (absent when not given)")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = PipelineSpec.Absent.class)
        PipelineSpec.Maintenance maintenance,
    @Schema(description = "Whether the user wants the loader running") DesiredState desiredState,
    @Schema(description = "The user's labels, to filter the list by") Map<String, String> labels,
    @Schema(description = "The version: every change increments it; the ETag") long generation,
    @Schema(description = "When the pipeline was created") Instant createdAt,
    @Schema(description = "When the pipeline was last changed") Instant updatedAt,
    @Schema(description = "What Floe observed and did last") Status status) {

  /** What Floe observed and did last. */
  public record Status(
      @Schema(description = "The state Floe observed of the loader") ObservedState observedState,
      @Schema(description = "The runtime's id of the loader's current run; absent when none")
          String runId,
      @Schema(description = "The parallelism the current run has; absent when none")
          Integer parallelism,
      @Schema(description = "The version of the spec the current run loads; absent when none")
          Long runningGeneration,
      @Schema(description = "The last operation, in brief; absent when none")
          LastOperation lastOperation,
      @Schema(description = "The last error; absent when none") String lastError,
      @Schema(description = "An automatic recovery under way; absent when none")
          RecoveryStatus recovery,
      @Schema(description = "When Floe last observed or changed this status") Instant updatedAt) {}

  /**
   * An automatic recovery under way (absent when none): attempts since the pipeline last ran
   * steadily, when the next may start, or halted because the run was cancelled outside Floe.
   */
  public record RecoveryStatus(
      @Schema(description = "Attempts since the pipeline last ran steadily") int attempts,
      @Schema(description = "When the next attempt may start; absent when halted")
          Instant nextAttemptAt,
      @Schema(description = "Whether recovery stopped because the run was cancelled outside Floe")
          boolean halted) {}

  /** The last operation, in brief; its full record is at /operations/{id}. */
  public record LastOperation(
      @Schema(description = "The operation's id (GET /operations/{id})") String id,
      @Schema(description = "What the operation does") OperationType type,
      @Schema(description = "Where the operation is") OperationState state,
      @Schema(description = "How it ended, in words; absent while it runs") String outcome) {}

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
