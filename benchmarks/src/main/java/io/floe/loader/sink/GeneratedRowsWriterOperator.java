package io.floe.loader.sink;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.table.TableAccess;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.RowDataTaskWriterFactory;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;

/**
 * The benchmark's write stage: the write half of the loader's {@link TableWriterOperator} (the same
 * {@link TableWriterFactories writer factory}, the same flush before each barrier, the same {@link
 * WrittenFiles} to the loader's {@link TableCommitterOperator}), fed with rows made in memory
 * instead of parsed messages. It lives in the loader's package, in the benchmark's job JAR, because
 * {@code WrittenFiles} and the factory are package-private.
 */
public final class GeneratedRowsWriterOperator extends AbstractStreamOperator<WrittenFiles>
    implements OneInputStreamOperator<RowData, WrittenFiles> {
  private static final long serialVersionUID = 1L;

  private final HashMap<String, String> settings;

  private transient TableLoader tableLoader;
  private transient RowDataTaskWriterFactory writerFactory;
  private transient TaskWriter<RowData> writer;
  private transient int schemaId;
  private transient long recordsWritten;

  public GeneratedRowsWriterOperator(Map<String, String> settings) {
    this.settings = new HashMap<>(requireNonNull(settings, "settings is null"));
    // Chained to the row source: the stage measures the write, not a hand-over between tasks.
    setChainingStrategy(ChainingStrategy.ALWAYS);
  }

  @Override
  public void open() throws Exception {
    super.open();
    LoaderSettings loaderSettings = LoaderSettings.parse(settings);
    tableLoader = TableAccess.tableLoader(loaderSettings.table());
    tableLoader.open();
    Table table = tableLoader.loadTable();
    schemaId = table.schema().schemaId();
    writerFactory =
        TableWriterFactories.create(
            table,
            loaderSettings.table().writeProperties(),
            getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
            getRuntimeContext().getTaskInfo().getAttemptNumber());
    writer = writerFactory.create();
  }

  @Override
  public void processElement(StreamRecord<RowData> element) throws Exception {
    writer.write(element.getValue());
    recordsWritten++;
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    WriteResult result = writer.complete();
    writer = writerFactory.create();
    if (result.dataFiles().length == 0) {
      return;
    }
    output.collect(
        new StreamRecord<>(
            new WrittenFiles(
                checkpointId,
                schemaId,
                result.dataFiles(),
                recordsWritten,
                0,
                0,
                Map.of(),
                System.currentTimeMillis())));
    recordsWritten = 0;
  }

  @Override
  public void close() throws Exception {
    try {
      if (writer != null) {
        writer.close();
      }
      if (tableLoader != null) {
        tableLoader.close();
      }
    } finally {
      super.close();
    }
  }
}
