package io.floe.control.reconcile;

import static io.floe.control.reconcile.OperationRunner.MOVED;
import static io.floe.control.reconcile.OperationRunner.POSITIONS;
import static io.floe.control.reconcile.OperationRunner.TO;
import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.TablePositions;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Operation;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.loader.settings.TableSettings;
import io.floe.loader.summary.CommitSummary;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The move phase of MOVE_OFFSETS: the new read positions, recorded once in the table. */
final class MoveOffsetsStep {
  private final StepContext context;
  private final LoaderSettingsRenderer renderer;
  private final TablePositions positions;
  private final JsonMapper json;

  MoveOffsetsStep(
      StepContext context,
      LoaderSettingsRenderer renderer,
      TablePositions positions,
      JsonMapper json) {
    this.context = requireNonNull(context, "context is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.positions = requireNonNull(positions, "positions is null");
    this.json = requireNonNull(json, "json is null");
  }

  /**
   * Records the operation's positions in the table, where the next start without state continues
   * from, and forgets every restore point (their source positions are the old ones).
   */
  void move(Operation operation, Pipeline pipeline) {
    if (operation.progress(MOVED).isEmpty()) {
      Map<String, Long> targets = CommitSummary.parseOffsets(operation.parameters().get(POSITIONS));
      String record =
          json.writeValueAsString(
              Map.of(
                  "operation", operation.id(),
                  "to", operation.parameters().getOrDefault(TO, "offsets"),
                  "requestId", operation.requestId().orElse(""),
                  "actor", operation.actor().orElse("")));
      TableSettings table = renderer.settings(pipeline).table();
      Map<String, Long> before = positions.current(pipeline.name(), table);
      positions.move(pipeline.name(), table, targets, record);
      context.save(operation.withProgress(MOVED, "true", context.now()));
      StringBuilder moves = new StringBuilder();
      targets.forEach(
          (partition, target) ->
              moves
                  .append(moves.length() == 0 ? "" : ", ")
                  .append(partition)
                  .append(' ')
                  .append(before.containsKey(partition) ? before.get(partition) : "-")
                  .append(" -> ")
                  .append(target));
      context.events.record(
          operation,
          "POSITIONS_MOVED",
          "Read positions moved to "
              + operation.parameters().getOrDefault(TO, "offsets")
              + " at the request of "
              + operation.actor().orElse("an unknown caller")
              + " (request "
              + operation.requestId().orElse("-")
              + "): "
              + moves);
    }
    PipelineStatus status = context.pipelines.status(pipeline.name()).orElseThrow();
    context.saveStatus(status.withoutRestorePoints(context.now()));
  }
}
