package io.floe.loader.sink;

import static java.util.Objects.requireNonNull;

import io.floe.loader.deadletter.DeadLetter;
import io.floe.loader.metrics.LoaderMetrics;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.RowParser;
import io.floe.loader.settings.BadMessagePolicy;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.source.KafkaMessage;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.table.PackagedJdbcDrivers;
import io.floe.loader.table.TableAccess;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.OutputTag;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.RowDataTaskWriterFactory;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses each Kafka message against the table's current schema and writes the row into Iceberg data
 * files; bad messages go to the dead-letter side output, are skipped, or fail the job, by policy.
 * Before each checkpoint barrier it closes its files and hands them, with its counters and offsets,
 * to the committer.
 */
public final class TableWriterOperator extends AbstractStreamOperator<WrittenFiles>
    implements OneInputStreamOperator<KafkaMessage, WrittenFiles>, BoundedOneInput {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TableWriterOperator.class);
  private static final int PARSE_TIME_SAMPLE_MASK = 15;

  /** Where bad messages go when the pipeline has a dead-letter topic. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private final HashMap<String, String> settings;

  private transient LoaderSettings loaderSettings;
  private transient TableLoader tableLoader;
  private transient RowParser parser;
  private transient RowDataTaskWriterFactory writerFactory;
  private transient TaskWriter<RowData> writer;
  private transient int schemaId;
  private transient BadMessagePolicy policy;
  private transient LoaderMetrics metrics;
  private transient PartitionOffsets offsets;
  private transient long recordsWritten;
  private transient long recordsDeadLettered;
  private transient long recordsSkipped;
  private transient long maxRecordTimestamp;
  private transient long sampledParseNanos;
  private transient long sampledRecords;
  private transient long seen;

  public TableWriterOperator(Map<String, String> settings) {
    this.settings = new HashMap<>(requireNonNull(settings, "settings is null"));
    // Chained to the Kafka source (same parallelism, forward): messages are handed over by
    // reference instead of being serialized with Kryo between two tasks (measured in benchmarks/).
    setChainingStrategy(ChainingStrategy.ALWAYS);
  }

  @Override
  public void open() throws Exception {
    super.open();
    loaderSettings = LoaderSettings.parse(settings);
    policy = loaderSettings.badMessages().policy();
    tableLoader = TableAccess.tableLoader(loaderSettings.table());
    PackagedJdbcDrivers.deregisterOnRelease(getRuntimeContext());
    tableLoader.open();
    Table table = tableLoader.loadTable();
    schemaId = table.schema().schemaId();
    parser = RowParser.create(table.schema(), loaderSettings.parsing());
    writerFactory =
        TableWriterFactories.create(
            table,
            loaderSettings.table().writeProperties(),
            getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
            getRuntimeContext().getTaskInfo().getAttemptNumber());
    writer = writerFactory.create();
    metrics = LoaderMetrics.register(getMetricGroup(), loaderSettings.pipelineName());
    offsets = new PartitionOffsets();
  }

  @Override
  public void processElement(StreamRecord<KafkaMessage> element) throws Exception {
    KafkaMessage message = element.getValue();
    metrics.recordsIn().inc();
    boolean sample = (seen++ & PARSE_TIME_SAMPLE_MASK) == 0;
    long start = sample ? System.nanoTime() : 0;
    RowData row;
    try {
      row = parser.parse(message);
    } catch (BadMessageException e) {
      handleBadMessage(message, e);
      offsets.record(message.topic(), message.partition(), message.offset());
      return;
    }
    if (sample) {
      sampledParseNanos += System.nanoTime() - start;
      sampledRecords++;
    }
    writer.write(row);
    recordsWritten++;
    metrics.recordsWritten().inc();
    offsets.record(message.topic(), message.partition(), message.offset());
    if (message.timestamp() > maxRecordTimestamp) {
      maxRecordTimestamp = message.timestamp();
    }
  }

  private void handleBadMessage(KafkaMessage message, BadMessageException error) {
    switch (policy) {
      case DEAD_LETTER:
        output.collect(DEAD_LETTERS, new StreamRecord<>(new DeadLetter(message, error)));
        recordsDeadLettered++;
        metrics.recordsDeadLettered().inc();
        break;
      case SKIP:
        recordsSkipped++;
        metrics.recordsSkipped().inc();
        LOG.debug(
            "Skipped {}:{}@{}: {}", message.topic(), message.partition(), message.offset(), error);
        break;
      default:
        throw new BadMessageFailure(message, error);
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush(checkpointId);
  }

  @Override
  public void endInput() throws IOException {
    flush(Long.MAX_VALUE);
  }

  private void flush(long checkpointId) throws IOException {
    WriteResult result = writer.complete();
    writer = writerFactory.create();
    if (sampledRecords > 0) {
      metrics.parseMicrosPerRecord(sampledParseNanos / 1000.0 / sampledRecords);
      sampledParseNanos = 0;
      sampledRecords = 0;
    }
    if (result.dataFiles().length == 0 && recordsDeadLettered == 0 && recordsSkipped == 0) {
      return;
    }
    output.collect(
        new StreamRecord<>(
            new WrittenFiles(
                checkpointId,
                schemaId,
                result.dataFiles(),
                recordsWritten,
                recordsDeadLettered,
                recordsSkipped,
                offsets.drain(),
                maxRecordTimestamp)));
    recordsWritten = 0;
    recordsDeadLettered = 0;
    recordsSkipped = 0;
    maxRecordTimestamp = 0;
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

  /** The next offset to read per partition since the last flush, cheap per record. */
  static final class PartitionOffsets {
    private final Map<String, long[]> next = new TreeMap<>();
    private String lastTopic;
    private int lastPartition = -1;
    private long[] last;

    void record(String topic, int partition, long offset) {
      if (partition != lastPartition || !topic.equals(lastTopic)) {
        last =
            next.computeIfAbsent(
                CommitSummary.topicPartition(topic, partition), k -> new long[] {0});
        lastTopic = topic;
        lastPartition = partition;
      }
      last[0] = offset + 1;
    }

    Map<String, Long> drain() {
      Map<String, Long> drained = new TreeMap<>();
      next.forEach((key, value) -> drained.put(key, value[0]));
      next.clear();
      lastTopic = null;
      lastPartition = -1;
      last = null;
      return drained;
    }
  }

  /** The job fails on a bad message when the policy is fail; the message says which and why. */
  static final class BadMessageFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadMessageFailure(KafkaMessage message, BadMessageException error) {
      super(
          "Bad message at "
              + message.topic()
              + ":"
              + message.partition()
              + "@"
              + message.offset()
              + " ("
              + error
              + "); the pipeline's bad-messages.policy is fail: fix or skip the message, or"
              + " configure a dead-letter topic",
          error);
    }
  }
}
