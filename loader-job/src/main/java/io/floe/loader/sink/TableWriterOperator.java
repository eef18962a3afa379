package io.floe.loader.sink;

import io.floe.loader.deadletter.DeadLetter;
import io.floe.loader.metrics.LoaderMetrics;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.RowParser;
import io.floe.loader.settings.BadMessagePolicy;
import io.floe.loader.source.KafkaMessage;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.table.PackagedJdbcDrivers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses each Kafka message against the table's current schema and writes the row into Iceberg data
 * files; bad messages are kept for the dead-letter topic, skipped, or fail the job, by policy.
 * Before each checkpoint barrier it closes its files and hands them, with the dead letters, its
 * counters and offsets, to the committer. A message below the offsets the table already recorded
 * for the pipeline is dropped unread: restored state older than the table's last commit (a stale
 * savepoint, say) never loads a message twice.
 */
public final class TableWriterOperator extends DataFileWritingOperator<KafkaMessage>
    implements BoundedOneInput {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TableWriterOperator.class);
  private static final int PARSE_TIME_SAMPLE_MASK = 15;

  /** How often, at most, a writer that follows schema changes reads the table at a checkpoint. */
  static final long SCHEMA_CHECK_MILLIS = 5_000;

  private transient RowParser parser;
  private transient BadMessagePolicy policy;
  private transient LoaderMetrics metrics;
  private transient PartitionOffsets offsets;
  private transient CommittedOffsets committed;
  private transient List<DeadLetter> deadLetters;
  private transient long recordsWritten;
  private transient long recordsDeadLettered;
  private transient long recordsSkipped;
  private transient long recordsRuleViolations;
  private transient long maxRecordTimestamp;
  private transient long sampledParseNanos;
  private transient long sampledRecords;
  private transient long seen;
  private transient boolean followSchemaChanges;
  private transient long lastSchemaCheck;

  public TableWriterOperator(Map<String, String> settings) {
    super(settings);
  }

  @Override
  public void open() throws Exception {
    PackagedJdbcDrivers.deregisterOnRelease(getRuntimeContext());
    super.open();
    policy = loaderSettings.badMessages().policy();
    Table table = files.table();
    parser = RowParser.create(table.schema(), loaderSettings.parsing());
    followSchemaChanges = loaderSettings.job().followSchemaChanges();
    lastSchemaCheck = System.currentTimeMillis();
    metrics = LoaderMetrics.register(getMetricGroup(), loaderSettings.pipelineName());
    offsets = new PartitionOffsets();
    deadLetters = new ArrayList<>();
    committed =
        new CommittedOffsets(
            TableCommitterOperator.latestOffsets(table, loaderSettings.pipelineName()));
  }

  @Override
  public void processElement(StreamRecord<KafkaMessage> element) throws Exception {
    KafkaMessage message = element.getValue();
    if (committed.holds(message.topic(), message.partition(), message.offset())) {
      metrics.recordsAlreadyCommitted().inc();
      return;
    }
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
    files.write(row);
    recordsWritten++;
    metrics.recordsWritten().inc();
    offsets.record(message.topic(), message.partition(), message.offset());
    if (message.timestamp() > maxRecordTimestamp) {
      maxRecordTimestamp = message.timestamp();
    }
  }

  private void handleBadMessage(KafkaMessage message, BadMessageException error) {
    if (error.reason() == BadMessageException.Reason.RULE_VIOLATION
        && policy != BadMessagePolicy.FAIL) {
      recordsRuleViolations++;
    }
    switch (policy) {
      case DEAD_LETTER:
        deadLetters.add(new DeadLetter(message, error));
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
    WriteResult result = files.flush();
    try {
      emitIfAny(checkpointId, result);
    } finally {
      followSchemaChange();
    }
  }

  /**
   * Right after a flush, so that each checkpoint's rows have one schema: when the table's schema or
   * partition spec changed (through Floe or any engine), the rows after this checkpoint are parsed
   * and written with the new one. A schema the parser cannot serve is not followed: the writer goes
   * on with the old one, and the control plane, seeing no commit of the new schema, restarts the
   * loader, whose start names the problem.
   */
  private void followSchemaChange() throws IOException {
    long now = System.currentTimeMillis();
    if (!followSchemaChanges || now - lastSchemaCheck < SCHEMA_CHECK_MILLIS) {
      return;
    }
    lastSchemaCheck = now;
    if (!files.tableChanged()) {
      return;
    }
    int before = files.schemaId();
    RowParser next;
    try {
      next = RowParser.create(files.schemaOfTable(), loaderSettings.parsing());
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "The table's schema {} cannot be followed without a restart; writing schema {}: {}",
          files.schemaOfTable().schemaId(),
          before,
          e.getMessage());
      return;
    }
    files.follow();
    parser = next;
    LOG.info(
        "Following the table's schema {} (was {}) and partition spec {} from checkpoint on",
        files.schemaId(),
        before,
        files.table().spec().specId());
  }

  private void emitIfAny(long checkpointId, WriteResult result) {
    if (sampledRecords > 0) {
      metrics.parseMicrosPerRecord(sampledParseNanos / 1000.0 / sampledRecords);
      sampledParseNanos = 0;
      sampledRecords = 0;
    }
    if (result.dataFiles().length == 0 && recordsDeadLettered == 0 && recordsSkipped == 0) {
      return;
    }
    emit(
        new WrittenFiles(
            checkpointId,
            files.schemaId(),
            result.dataFiles(),
            recordsWritten,
            recordsDeadLettered,
            recordsSkipped,
            recordsRuleViolations,
            offsets.drain(),
            maxRecordTimestamp,
            deadLetters));
    deadLetters = new ArrayList<>();
    recordsWritten = 0;
    recordsDeadLettered = 0;
    recordsSkipped = 0;
    recordsRuleViolations = 0;
    maxRecordTimestamp = 0;
  }

  /**
   * The offsets the table recorded for the pipeline when the writer opened: a message below them is
   * in the table already (or was dead-lettered or skipped by a commit). Cheap per record: once a
   * partition's messages pass its mark, the check is one comparison.
   */
  static final class CommittedOffsets {
    private final Map<String, Long> marks;
    private String lastTopic;
    private int lastPartition = -1;
    private long lastMark = -1;
    private final Map<String, Boolean> reported = new HashMap<>();

    CommittedOffsets(Map<String, Long> marks) {
      this.marks = new HashMap<>(marks);
    }

    boolean holds(String topic, int partition, long offset) {
      if (partition != lastPartition || !topic.equals(lastTopic)) {
        Long mark = marks.get(CommitSummary.topicPartition(topic, partition));
        lastMark = mark == null ? -1 : mark;
        lastTopic = topic;
        lastPartition = partition;
      }
      if (offset >= lastMark) {
        return false;
      }
      if (reported.putIfAbsent(topic + ":" + partition, Boolean.TRUE) == null) {
        LOG.warn(
            "{}:{}: skipping messages from offset {} up to {}: the table holds them already (the"
                + " restored state is older than the pipeline's last commit)",
            topic,
            partition,
            offset,
            lastMark);
      }
      return true;
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
