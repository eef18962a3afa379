package io.floe.control.pipeline;

import io.floe.control.model.DesiredState;
import io.floe.control.model.PipelineSpec;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/**
 * The body of a create or replace: the spec, the desired state and labels. The name comes from the
 * path for PUT and from the body for POST.
 */
public record PipelineRequest(
    @Schema(
            description =
                "The pipeline's name (POST; for PUT the path's): 1-63 lowercase letters, digits"
                    + " and hyphens, starting with a letter and not ending with a hyphen")
        String name,
    @Schema(description = "The Kafka side (required)") PipelineSpec.Source source,
    @Schema(description = "The Iceberg table (required)") PipelineSpec.Table table,
    @Schema(description = "What happens to messages that cannot become rows")
        PipelineSpec.BadMessages badMessages,
    @Schema(description = "Reshaping of each message before it is parsed, and limits")
        PipelineSpec.Parsing parsing,
    @Schema(description = "Where and how the loader runs") PipelineSpec.Runtime runtime,
    @Schema(description = "When the pipeline's health turns DEGRADED or FAILING")
        PipelineSpec.Health health,
    @Schema(description = "Table maintenance, each task on its own schedule")
        PipelineSpec.Maintenance maintenance,
    @Schema(description = "Whether the loader should run", defaultValue = "RUNNING")
        DesiredState desiredState,
    @Schema(description = "Labels to filter the list by; default none")
        Map<String, String> labels) {

  /** The spec this request gives, with its absent sections at their defaults. */
  public PipelineSpec spec() {
    return new PipelineSpec(source, table, badMessages, parsing, runtime, health, maintenance);
  }

  public DesiredState desiredStateOrDefault() {
    return desiredState == null ? DesiredState.RUNNING : desiredState;
  }

  public Map<String, String> labelsOrEmpty() {
    return labels == null ? Map.of() : labels;
  }
}
