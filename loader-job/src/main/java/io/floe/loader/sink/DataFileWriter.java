package io.floe.loader.sink;

import io.floe.loader.settings.TableSettings;
import io.floe.loader.settings.WriteSettings;
import io.floe.loader.table.TableAccess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.RowDataTaskWriterFactory;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.types.Type;

/**
 * The data files one writer subtask writes between two checkpoints: rows go into an Iceberg task
 * writer on the table's schema and partition spec as they were at open (or at the last {@link
 * #follow}), and each flush closes its files and starts new ones. The loader's writer and the
 * benchmark's write stage share it, so they write exactly alike.
 */
final class DataFileWriter implements AutoCloseable {
  private final TableLoader tableLoader;
  private final Table table;
  private final Map<String, String> writeOverrides;
  private final WriteSettings writing;
  private final int subtask;
  private final int attempt;
  private RowDataTaskWriterFactory factory;
  private Schema schema;
  private int specId;
  private List<String> key;
  private TaskWriter<RowData> writer;
  private final List<WriteResult> held = new ArrayList<>();

  private DataFileWriter(
      TableLoader tableLoader,
      Table table,
      Map<String, String> writeOverrides,
      WriteSettings writing,
      int subtask,
      int attempt) {
    this.tableLoader = tableLoader;
    this.table = table;
    this.writeOverrides = writeOverrides;
    this.writing = writing;
    this.subtask = subtask;
    this.attempt = attempt;
    start();
  }

  private void start() {
    this.schema = table.schema();
    this.specId = table.spec().specId();
    this.key = writing.upsert() ? TableKey.columns(table, writing) : List.of();
    this.factory =
        TableWriterFactories.create(
            table, writeOverrides, subtask, attempt, TableKey.fieldIds(table, key));
    this.writer = factory.create();
  }

  /**
   * Loads the table and opens a writer for the subtask of {@code context}: an appending one, or an
   * upserting one by the table's key.
   *
   * @throws IllegalArgumentException when the table cannot be upserted (see {@link TableKey})
   */
  static DataFileWriter open(TableSettings settings, WriteSettings writing, RuntimeContext context)
      throws IOException {
    TableLoader tableLoader = TableAccess.tableLoader(settings);
    try {
      tableLoader.open();
      Table table = tableLoader.loadTable();
      return new DataFileWriter(
          tableLoader,
          table,
          settings.writeProperties(),
          writing,
          context.getTaskInfo().getIndexOfThisSubtask(),
          context.getTaskInfo().getAttemptNumber());
    } catch (RuntimeException e) {
      tableLoader.close();
      throw e;
    }
  }

  /** The table, as it was when the writer opened or last refreshed. */
  Table table() {
    return table;
  }

  /** The schema rows are written with now. */
  Schema schema() {
    return schema;
  }

  int schemaId() {
    return schema.schemaId();
  }

  /**
   * Reads the table again; true when its schema or partition spec is no longer the one written, and
   * then {@link #schemaOfTable()} is the new schema. Call {@link #follow()} to write it.
   */
  boolean tableChanged() {
    table.refresh();
    return table.schema().schemaId() != schema.schemaId() || table.spec().specId() != specId;
  }

  /** The key rows are upserted by; empty when appending. */
  List<String> key() {
    return key;
  }

  /**
   * The key of the table as last read, to be checked before {@link #follow()}.
   *
   * @throws IllegalArgumentException when the table can no longer be upserted
   */
  List<String> keyOfTable() {
    return writing.upsert() ? TableKey.columns(table, writing) : List.of();
  }

  /** The table's schema as last read. */
  Schema schemaOfTable() {
    return table.schema();
  }

  /**
   * Writes the table's current schema and partition spec from now on. Only right after a {@link
   * #flush()}: the rows of one checkpoint all have one schema.
   */
  void follow() throws IOException {
    writer.close();
    start();
  }

  /**
   * Adds an optional column to the table (unless another writer just did) and writes the new schema
   * from now on. The files written so far are completed and kept for the next {@link #flush()}, so
   * that one checkpoint's files may have two schemas, each file one.
   *
   * @throws IllegalArgumentException when Iceberg refuses the column (an ambiguous name, or a field
   *     of that name with another type)
   */
  void addColumn(List<String> parent, String name, Type type) throws IOException {
    held.add(writer.complete());
    table.refresh();
    String path = parent.isEmpty() ? name : String.join(".", parent) + "." + name;
    if (table.schema().findField(path) == null) {
      try {
        UpdateSchema update = table.updateSchema();
        if (parent.isEmpty()) {
          update.addColumn(name, type);
        } else {
          update.addColumn(String.join(".", parent), name, type);
        }
        update.commit();
      } catch (IllegalArgumentException e) {
        table.refresh();
        if (table.schema().findField(path) == null) {
          start();
          throw e;
        }
      }
    }
    start();
  }

  void write(RowData row) throws IOException {
    writer.write(row);
  }

  /** Closes the files written since the last flush and returns them; later rows go to new ones. */
  WriteResult flush() throws IOException {
    WriteResult result = writer.complete();
    writer = factory.create();
    if (held.isEmpty()) {
      return result;
    }
    WriteResult.Builder all = WriteResult.builder();
    held.forEach(all::add);
    held.clear();
    return all.add(result).build();
  }

  @Override
  public void close() throws Exception {
    try {
      writer.close();
    } finally {
      tableLoader.close();
    }
  }
}
