package io.floe.loader.sink;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.LoaderSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * What the loader's writer and the benchmark's write stage share: the loader's settings, a place
 * chained to their source, and the {@link DataFileWriter} they hand {@link WrittenFiles} from.
 */
abstract class DataFileWritingOperator<IN> extends AbstractStreamOperator<WrittenFiles>
    implements OneInputStreamOperator<IN, WrittenFiles> {
  private static final long serialVersionUID = 1L;

  private final HashMap<String, String> settings;

  /** The settings, parsed at open. */
  protected transient LoaderSettings loaderSettings;

  /** The data files written since the last checkpoint, open after {@link #open()}. */
  protected transient DataFileWriter files;

  DataFileWritingOperator(Map<String, String> settings) {
    this.settings = new HashMap<>(requireNonNull(settings, "settings is null"));
    // Chained to its source (same parallelism, forward): records are handed over by reference
    // instead of being serialized with Kryo between two tasks (measured in benchmarks/).
    setChainingStrategy(ChainingStrategy.ALWAYS);
  }

  @Override
  public void open() throws Exception {
    super.open();
    loaderSettings = LoaderSettings.parse(settings);
    files =
        DataFileWriter.open(loaderSettings.table(), loaderSettings.writing(), getRuntimeContext());
  }

  /** Hands what the subtask wrote for a checkpoint to the committer. */
  protected final void emit(WrittenFiles written) {
    output.collect(new StreamRecord<>(written));
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
