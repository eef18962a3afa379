package io.floe.control.schema;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.TableDefinitions;
import io.floe.control.catalog.Tables;
import io.floe.control.model.DesiredState;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationType;
import io.floe.control.model.OperationView;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.RequestContext;
import io.floe.control.model.SchemaChanges;
import io.floe.control.model.UnresolvablePipelineException;
import io.floe.control.reconcile.Reconciler;
import io.floe.control.store.Events;
import io.floe.control.store.OperationQueue;
import io.floe.control.store.PipelineStore;
import io.floe.loader.schema.WritableTypes;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.TableSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.types.Type;
import org.springframework.stereotype.Service;

/**
 * Reads and changes a pipeline's table schema with Iceberg's schema update API, then restarts the
 * loader with its state so it writes the new schema: no one has to bounce a job by hand.
 */
@Service
public class SchemaService {
  private static final int COMMIT_ATTEMPTS = 10;

  private final PipelineStore pipelines;
  private final LoaderSettingsRenderer renderer;
  private final Tables tables;
  private final OperationQueue queue;
  private final Reconciler reconciler;
  private final Events events;

  public SchemaService(
      PipelineStore pipelines,
      LoaderSettingsRenderer renderer,
      Tables tables,
      OperationQueue queue,
      Reconciler reconciler,
      Events events) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.tables = requireNonNull(tables, "tables is null");
    this.queue = requireNonNull(queue, "queue is null");
    this.reconciler = requireNonNull(reconciler, "reconciler is null");
    this.events = requireNonNull(events, "events is null");
  }

  /** The schema of the pipeline's table, or of one of its routed tables. */
  public SchemaView schema(String name, Optional<String> routedTable) {
    return SchemaView.of(tables.schema(tableSettings(pipeline(name), routedTable)));
  }

  public SchemaChangeView addColumn(
      String name, Optional<String> routedTable, AddColumnRequest request, RequestContext context) {
    Pipeline pipeline = pipeline(name);
    TableSettings settings = tableSettings(pipeline, routedTable);
    if (request.name() == null || request.name().isBlank()) {
      throw new InvalidPipelineException("name", "is required");
    }
    Type type;
    try {
      type = TableDefinitions.type(request.type());
    } catch (IllegalArgumentException e) {
      throw new InvalidPipelineException("type", e.getMessage());
    }
    Table table = tables.load(settings);
    if (table.schema().findField(request.name()) != null) {
      throw new InvalidPipelineException(
          "name", "the table already has a column " + request.name());
    }
    if (request.after() != null && table.schema().findField(request.after()) == null) {
      throw new InvalidPipelineException("after", "the table has no column " + request.after());
    }
    commitWithRetries(
        table,
        "add column " + request.name(),
        current -> {
          UpdateSchema update = current.updateSchema();
          int dot = request.name().lastIndexOf('.');
          if (dot > 0) {
            update.addColumn(
                request.name().substring(0, dot),
                request.name().substring(dot + 1),
                type,
                request.doc());
          } else {
            update.addColumn(request.name(), type, request.doc());
          }
          if (Boolean.TRUE.equals(request.first())) {
            update.moveFirst(request.name());
          } else if (request.after() != null) {
            update.moveAfter(request.name(), request.after());
          }
          List<String> problems = WritableTypes.problems(update.apply());
          if (!problems.isEmpty()) {
            throw new InvalidPipelineException("type", String.join("; ", problems));
          }
          return update;
        });
    return changed(
        pipeline,
        table,
        "Added column " + request.name() + " " + type + in(pipeline, settings),
        context);
  }

  public SchemaChangeView dropColumn(
      String name, Optional<String> routedTable, String column, RequestContext context) {
    Pipeline pipeline = pipeline(name);
    TableSettings target = tableSettings(pipeline, routedTable);
    Table table = tables.load(target);
    if (table.schema().findField(column) == null) {
      throw new InvalidPipelineException("column", "the table has no column " + column);
    }
    LoaderSettings settings = renderer.settings(pipeline);
    if (settings.parsing().projections().containsKey(column)
        || settings.parsing().metadataColumns().containsValue(column)) {
      throw new UnresolvablePipelineException(
          "column", column + " is filled by the pipeline's parsing options; change them first");
    }
    commitWithRetries(
        table, "drop column " + column, current -> current.updateSchema().deleteColumn(column));
    return changed(pipeline, table, "Dropped column " + column + in(pipeline, target), context);
  }

  /**
   * Commits a schema change, retrying on the loader's concurrent commits (the change is rebuilt on
   * the refreshed table each time).
   */
  private static void commitWithRetries(
      Table table, String what, Function<Table, UpdateSchema> change) {
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      try {
        change.apply(table).commit();
        return;
      } catch (CommitFailedException e) {
        if (attempt == COMMIT_ATTEMPTS) {
          throw new UnresolvablePipelineException(
              "column", "could not " + what + " after " + attempt + " attempts: " + e.getMessage());
        }
      } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
        throw new UnresolvablePipelineException(
            "column", "Iceberg refused to " + what + ": " + e.getMessage());
      }
    }
  }

  private SchemaChangeView changed(
      Pipeline pipeline, Table table, String change, RequestContext context) {
    table.refresh();
    events.record(
        pipeline.name(),
        "SCHEMA_CHANGED",
        change
            + " (schema "
            + table.schema().schemaId()
            + ")"
            + (pipeline.spec().table().schemaChangeMode() == SchemaChanges.LIVE
                ? ": the loader follows it at its next checkpoint, without a restart"
                : ""),
        Optional.empty(),
        Optional.of(context.requestId()),
        context.actor());
    Optional<Operation> restart = Optional.empty();
    if (pipeline.desiredState() == DesiredState.RUNNING
        && pipeline.spec().table().schemaChangeMode() != SchemaChanges.LIVE) {
      restart =
          Optional.of(
              queue.enqueue(
                  pipeline.name(),
                  OperationType.RESTART,
                  Map.of("reason", "schema change: " + change),
                  context));
      reconciler.wake(pipeline.name());
    }
    return new SchemaChangeView(
        SchemaView.of(table.schema()), restart.map(OperationView::of).orElse(null));
  }

  private Pipeline pipeline(String name) {
    return pipelines.find(name).orElseThrow(() -> new PipelineNotFoundException(name));
  }

  /**
   * The pipeline's table, or the routed table named: one of its namespace that the pipeline's route
   * can name (a 400 otherwise).
   */
  private TableSettings tableSettings(Pipeline pipeline, Optional<String> routedTable) {
    LoaderSettings settings = renderer.settings(pipeline);
    TableSettings own = settings.table();
    if (routedTable.isEmpty() || routedTable.get().equals(own.name())) {
      return own;
    }
    if (settings.routing().isEmpty()) {
      throw new InvalidPipelineException(
          "table", "the pipeline routes to no other table than " + own.name());
    }
    if (!settings.routing().get().canName(routedTable.get())) {
      throw new InvalidPipelineException(
          "table", "the pipeline's route names no table " + routedTable.get());
    }
    return own.withName(routedTable.get());
  }

  /** " in <table>" for a routed table, "" for the pipeline's own. */
  private String in(Pipeline pipeline, TableSettings table) {
    return table.name().equals(renderer.settings(pipeline).table().name())
        ? ""
        : " in " + table.qualifiedName();
  }
}
