package io.floe.loader.sink;

import java.util.Map;
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
public final class GeneratedRowsWriterOperator extends DataFileWritingOperator<RowData> {
  private static final long serialVersionUID = 1L;

  private transient long recordsWritten;

  public GeneratedRowsWriterOperator(Map<String, String> settings) {
    super(settings);
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
    emit(
        WrittenFiles.ofRows(
            checkpointId,
            files.schemaId(),
            result.dataFiles(),
            recordsWritten,
            System.currentTimeMillis()));
    recordsWritten = 0;
  }
}
