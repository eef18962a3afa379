package io.floe.loader.sink;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.LoaderSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.io.WriteResult;

/**
 * The benchmark's write stage: the write half of the loader's {@link TableWriterOperator} (the same
 * {@link DataFileWriter}, the same flush before each barrier, the same {@link WrittenFiles} to the
 * loader's {@link TableCommitterOperator}), fed with rows made in memory instead of parsed
 * messages. It lives in the loader's package, in the benchmark's job JAR, because {@code
 * WrittenFiles} and the factory are package-private.
 */
public final class GeneratedRowsWriterOperator extends AbstractStreamOperator<WrittenFiles>
    implements OneInputStreamOperator<RowData, WrittenFiles> {
  private static final long serialVersionUID = 1L;

  private final HashMap<String, String> settings;

  private transient DataFileWriter files;
  private transient long recordsWritten;

  public GeneratedRowsWriterOperator(Map<String, String> settings) {
    this.settings = new HashMap<>(requireNonNull(settings, "settings is null"));
    // Chained to the row source: the stage measures the write, not a hand-over between tasks.
    setChainingStrategy(ChainingStrategy.ALWAYS);
  }

  @Override
  public void open() throws Exception {
    super.open();
    files = DataFileWriter.open(LoaderSettings.parse(settings).table(), getRuntimeContext());
  }

  @Override
  public void processElement(StreamRecord<RowData> element) throws Exception {
    files.write(element.getValue());
    recordsWritten++;
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    WriteResult result = files.flush();
    if (result.dataFiles().length == 0) {
      return;
    }
    output.collect(
        new StreamRecord<>(
            new WrittenFiles(
                checkpointId,
                files.schemaId(),
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
      if (files != null) {
        files.close();
      }
    } finally {
      super.close();
    }
  }
}
