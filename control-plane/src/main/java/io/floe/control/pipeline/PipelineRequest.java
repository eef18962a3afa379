package io.floe.control.pipeline;

import io.floe.control.model.DesiredState;
import io.floe.control.model.PipelineSpec;
import java.util.Map;

/**
 * The body of a create or replace: the spec, the desired state and labels. The name comes from the
 * path for PUT and from the body for POST.
 */
public record PipelineRequest(
    String name,
    PipelineSpec.Source source,
    PipelineSpec.Table table,
    PipelineSpec.BadMessages badMessages,
    PipelineSpec.Parsing parsing,
    PipelineSpec.Runtime runtime,
    PipelineSpec.Health health,
    PipelineSpec.Maintenance maintenance,
    DesiredState desiredState,
    Map<String, String> labels) {

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
