package io.floe.loader.sink;

import io.floe.loader.settings.TableSettings;
import io.floe.loader.table.TableAccess;
import java.io.IOException;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.RowDataTaskWriterFactory;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;

/**
 * The data files one writer subtask writes between two checkpoints: rows go into an Iceberg task
 * writer on the table as it was at open, and each flush closes its files and starts new ones. The
 * loader's writer and the benchmark's write stage share it, so they write exactly alike.
 */
final class DataFileWriter implements AutoCloseable {
  private final TableLoader tableLoader;
  private final Table table;
  private final RowDataTaskWriterFactory factory;
  private TaskWriter<RowData> writer;

  private DataFileWriter(TableLoader tableLoader, Table table, RowDataTaskWriterFactory factory) {
    this.tableLoader = tableLoader;
    this.table = table;
    this.factory = factory;
    this.writer = factory.create();
  }

  /** Loads the table and opens a writer for the subtask of {@code context}. */
  static DataFileWriter open(TableSettings settings, RuntimeContext context) throws IOException {
    TableLoader tableLoader = TableAccess.tableLoader(settings);
    try {
      tableLoader.open();
      Table table = tableLoader.loadTable();
      RowDataTaskWriterFactory factory =
          TableWriterFactories.create(
              table,
              settings.writeProperties(),
              context.getTaskInfo().getIndexOfThisSubtask(),
              context.getTaskInfo().getAttemptNumber());
      return new DataFileWriter(tableLoader, table, factory);
    } catch (RuntimeException e) {
      tableLoader.close();
      throw e;
    }
  }

  /** The table as it was when the writer opened: rows are written with its schema. */
  Table table() {
    return table;
  }

  int schemaId() {
    return table.schema().schemaId();
  }

  void write(RowData row) throws IOException {
    writer.write(row);
  }

  /** Closes the files written since the last flush and returns them; later rows go to new ones. */
  WriteResult flush() throws IOException {
    WriteResult result = writer.complete();
    writer = factory.create();
    return result;
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
