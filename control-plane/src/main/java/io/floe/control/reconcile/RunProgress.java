package io.floe.control.reconcile;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.TablePositions;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Operation;
import io.floe.control.model.Pipeline;
import io.floe.control.store.OperationStore;
import io.floe.loader.settings.LoaderSettings;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Whether a run has loaded anything yet: it completed a checkpoint, or, where the runtime does not
 * count checkpoints (Managed Flink), the pipeline's table holds a commit made after the run was
 * submitted. A recovered run that has is recovered; one that keeps failing before it is not.
 */
@Component
public class RunProgress {
  private static final int OPERATIONS_LOOKED_AT = 20;

  private final OperationStore operations;
  private final TablePositions tables;
  private final LoaderSettingsRenderer renderer;

  public RunProgress(
      OperationStore operations, TablePositions tables, LoaderSettingsRenderer renderer) {
    this.operations = requireNonNull(operations, "operations is null");
    this.tables = requireNonNull(tables, "tables is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
  }

  /** True once the run completed a checkpoint, or its pipeline committed since it was submitted. */
  public boolean loaded(Pipeline pipeline, String runId, long completedCheckpoints) {
    if (completedCheckpoints > 0) {
      return true;
    }
    Optional<Instant> submitted = submittedAt(pipeline.name(), runId);
    if (submitted.isEmpty()) {
      return false;
    }
    LoaderSettings settings = renderer.settings(pipeline);
    return tables
        .newestCommit(pipeline.name(), settings.table())
        .filter(commit -> commit.isAfter(submitted.get()))
        .isPresent();
  }

  private Optional<Instant> submittedAt(String pipeline, String runId) {
    for (Operation operation : operations.list(pipeline, OPERATIONS_LOOKED_AT)) {
      if (operation.progress(OperationRunner.RUN_ID).filter(runId::equals).isPresent()) {
        return operation.progress(OperationRunner.SUBMITTED_AT).map(Instant::parse);
      }
    }
    return Optional.empty();
  }
}
