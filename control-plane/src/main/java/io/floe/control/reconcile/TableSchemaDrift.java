package io.floe.control.reconcile;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.CommitHistory;
import io.floe.control.catalog.Tables;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.SchemaChanges;
import io.floe.control.store.Events;
import io.floe.control.store.PipelineStore;
import io.floe.loader.settings.TableSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@link SchemaDrift} read from the table: its current schema id against the one the current run's
 * last commit was written with. A table is read at most once per {@code
 * floe.reconcile.schema-check-interval}, however often the reconciler looks.
 */
@Component
public class TableSchemaDrift implements SchemaDrift {
  private static final Logger LOG = LoggerFactory.getLogger(TableSchemaDrift.class);

  private final PipelineStore pipelines;
  private final LoaderSettingsRenderer renderer;
  private final Tables tables;
  private final Clock clock;
  private final Duration checkInterval;
  private final Events events;
  private final Map<String, Check> checks = new ConcurrentHashMap<>();
  private final Map<String, Integer> seenSchemaIds = new ConcurrentHashMap<>();

  /** What the table said when last read. */
  private record Check(Instant at, Optional<Drift> drift) {}

  public TableSchemaDrift(
      PipelineStore pipelines,
      LoaderSettingsRenderer renderer,
      Tables tables,
      Clock clock,
      ReconcileProperties properties,
      Events events) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.tables = requireNonNull(tables, "tables is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.checkInterval = requireNonNull(properties, "properties is null").schemaCheckInterval();
    this.events = requireNonNull(events, "events is null");
  }

  @Override
  public Optional<Drift> drift(String pipeline) {
    Instant now = clock.instant();
    checks.values().removeIf(check -> !check.at().plus(checkInterval).isAfter(now));
    Check check = checks.get(pipeline);
    if (check == null) {
      check = new Check(now, read(pipeline, now));
      checks.put(pipeline, check);
    }
    return check.drift();
  }

  /**
   * Records a SCHEMA_CHANGED event, with what changed, when the table's schema is another than at
   * the last check: every change, whoever made it (another engine, or the loader growing the table
   * from the data under {@code parsing.unknownFields: add}), shows among the pipeline's events.
   */
  private void reportSchemaChange(
      Pipeline pipeline, TableSettings table, String runId, int schemaId) {
    Integer seen = seenSchemaIds.put(pipeline.name(), schemaId);
    if (seen == null) {
      // First look since this control plane started: changes since the run's first commit count.
      seen = firstSchemaOfRun(pipeline.name(), table, runId).orElse(schemaId);
    }
    if (seen == schemaId) {
      return;
    }
    Map<Integer, Schema> schemas = tables.load(table).schemas();
    Schema before = schemas.get(seen);
    Schema after = schemas.get(schemaId);
    String what = before == null || after == null ? "" : ": " + SchemaDiff.describe(before, after);
    SchemaChanges mode = pipeline.spec().table().schemaChangeMode();
    events.record(
        pipeline.name(),
        "SCHEMA_CHANGED",
        "the table's schema changed from "
            + seen
            + " to "
            + schemaId
            + what
            + (mode == SchemaChanges.LIVE
                ? "; the loader follows it without a restart"
                : mode == SchemaChanges.MANUAL ? "; restart the loader to write it" : ""),
        Optional.empty(),
        Optional.empty(),
        Optional.of("schema-watcher"));
  }

  /** The schema id the run's first commit still in the table was written with. */
  private Optional<Integer> firstSchemaOfRun(String pipeline, TableSettings table, String runId) {
    return tables.commits(pipeline, table, Instant.EPOCH).commits().stream()
        .filter(commit -> runId.equals(commit.jobId()))
        .map(CommitHistory.Commit::schemaId)
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** The drift the table shows now; none when the table cannot be read (health reports that). */
  private Optional<Drift> read(String name, Instant now) {
    Optional<Pipeline> pipeline = pipelines.find(name);
    Optional<String> runId = pipelines.status(name).flatMap(PipelineStatus::runId);
    if (pipeline.isEmpty() || runId.isEmpty()) {
      return Optional.empty();
    }
    try {
      TableSettings table = renderer.settings(pipeline.get()).table();
      CommitHistory history = tables.commits(name, table, now);
      reportSchemaChange(pipeline.get(), table, runId.get(), history.tableSchemaId());
      return history
          .schemaDrift(runId.get())
          .map(description -> new Drift(runId.get(), description));
    } catch (RuntimeException e) {
      LOG.debug("No schema check for {}: {}", name, e.getMessage());
      return Optional.empty();
    }
  }
}
