package io.floe.control.reconcile;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Operation;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.store.Events;
import io.floe.control.store.OperationStore;
import io.floe.control.store.PipelineStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * What every step of an operation works with: the stores it records its progress, the pipeline's
 * status and events in, the clock it records them at, and the runtime of the pipeline.
 */
final class StepContext {
  final PipelineStore pipelines;
  final OperationStore operations;
  final Events events;
  private final RuntimeRegistry runtimes;
  private final Clock clock;

  StepContext(
      PipelineStore pipelines,
      OperationStore operations,
      RuntimeRegistry runtimes,
      Events events,
      Clock clock) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.operations = requireNonNull(operations, "operations is null");
    this.runtimes = requireNonNull(runtimes, "runtimes is null");
    this.events = requireNonNull(events, "events is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  Instant now() {
    return clock.instant();
  }

  Operation save(Operation operation) {
    operations.update(operation);
    return operation;
  }

  PipelineStatus saveStatus(PipelineStatus status) {
    pipelines.saveStatus(status);
    return status;
  }

  PipelineRuntime runtime(Pipeline pipeline) {
    String target = pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().target();
    return runtimes.forTarget(target);
  }

  /** A Flink-style id: 32 lowercase hex digits. */
  static String newFlinkId() {
    UUID uuid = UUID.randomUUID();
    return HexFormat.of().toHexDigits(uuid.getMostSignificantBits())
        + HexFormat.of().toHexDigits(uuid.getLeastSignificantBits());
  }
}
