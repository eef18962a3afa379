package io.floe.loader.sink;

import io.floe.loader.deadletter.DeadLetter;
import io.floe.loader.metrics.LoaderMetrics;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.Change;
import io.floe.loader.parse.ChangeParser;
import io.floe.loader.parse.NewColumnException;
import io.floe.loader.parse.RowParser;
import io.floe.loader.route.MessageRouter;
import io.floe.loader.settings.BadMessagePolicy;
import io.floe.loader.settings.RouteSettings;
import io.floe.loader.settings.TableSettings;
import io.floe.loader.source.KafkaMessage;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.table.PackagedJdbcDrivers;
import io.floe.loader.table.TableAccess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses each Kafka message against the table's current schema and writes the row into Iceberg data
 * files; bad messages are kept for the dead-letter topic, skipped, or fail the job, by policy.
 * Before each checkpoint barrier it closes its files and hands them, with the dead letters, its
 * counters and offsets, to the committer. A message below the offsets the table already recorded
 * for the pipeline is dropped unread: restored state older than the table's last commit (a stale
 * savepoint, say) never loads a message twice. With routing, each message is first routed to a
 * table and parsed against that table's schema; a message below the offsets its table recorded is
 * dropped in the same way. In upsert mode each message is a change by key (a row that replaces its
 * key's row, or a delete), written by Iceberg's equality-delta writer: data files plus equality and
 * position delete files, committed as one row delta per checkpoint.
 */
public final class TableWriterOperator extends DataFileWritingOperator<KafkaMessage>
    implements BoundedOneInput {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TableWriterOperator.class);
  private static final int PARSE_TIME_SAMPLE_MASK = 15;

  /** How often, at most, a writer that follows schema changes reads the table at a checkpoint. */
  static final long SCHEMA_CHECK_MILLIS = 5_000;

  /** At most this many tables per writer subtask: a route that names more is refused. */
  static final int MAX_ROUTED_TABLES = 1000;

  /** At most this many columns one message adds (parse.unknown-fields add); more is refused. */
  static final int MAX_NEW_COLUMNS_PER_MESSAGE = 100;

  private transient RowParser parser;
  private transient ChangeParser changes;
  private transient long recordsDeleted;
  private transient MessageRouter router;
  private transient Map<String, RoutedTarget> routed;
  private transient Map<String, String> missingTables;
  private transient Map<String, String> refusedColumns;
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
    if (loaderSettings.writing().upsert()) {
      changes =
          ChangeParser.create(
              table.schema(), files.key(), loaderSettings.parsing(), loaderSettings.writing());
    }
    followSchemaChanges = loaderSettings.job().followSchemaChanges();
    lastSchemaCheck = System.currentTimeMillis();
    metrics = LoaderMetrics.register(getMetricGroup(), loaderSettings.pipelineName());
    offsets = new PartitionOffsets();
    deadLetters = new ArrayList<>();
    committed =
        new CommittedOffsets(
            TableCommitterOperator.latestOffsets(table, loaderSettings.pipelineName()));
    router = loaderSettings.routing().map(MessageRouter::new).orElse(null);
    routed = new HashMap<>();
    missingTables = new HashMap<>();
    refusedColumns = new HashMap<>();
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
    Change change = null;
    RoutedTarget target = null;
    try {
      if (changes != null) {
        change = changes.parse(message);
      } else if (router != null) {
        target = target(router.tableFor(message));
        if (target != null
            && target.committed.holds(message.topic(), message.partition(), message.offset())) {
          metrics.recordsAlreadyCommitted().inc();
          offsets.record(message.topic(), message.partition(), message.offset());
          return;
        }
      }
      row = change != null ? change.row() : parse(message, target);
    } catch (BadMessageException e) {
      handleBadMessage(message, e);
      offsets.record(message.topic(), message.partition(), message.offset());
      return;
    }
    if (sample) {
      sampledParseNanos += System.nanoTime() - start;
      sampledRecords++;
    }
    if (change != null && change.kind() == Change.Kind.DELETE) {
      files.write(row);
      recordsDeleted++;
    } else if (target == null) {
      files.write(row);
      recordsWritten++;
    } else {
      target.write(row, message.timestamp());
    }
    // The pipeline's table records the newest row of every table: its commits speak for all.
    if (message.timestamp() > maxRecordTimestamp) {
      maxRecordTimestamp = message.timestamp();
    }
    metrics.recordsWritten().inc();
    offsets.record(message.topic(), message.partition(), message.offset());
  }

  /**
   * Parses the message for its table; under {@code parse.unknown-fields: add} a field the table
   * lacks first becomes a new optional column, and the message is parsed again with it.
   */
  private RowData parse(KafkaMessage message, RoutedTarget target)
      throws BadMessageException, IOException {
    for (int added = 0; ; added++) {
      RowParser current = target == null ? parser : target.parser;
      try {
        return current.parse(message);
      } catch (NewColumnException e) {
        DataFileWriter writer = target == null ? files : target.files;
        String column = writer.table().name() + ":" + e.path();
        String refusal = refusedColumns.get(column);
        if (refusal == null && added >= MAX_NEW_COLUMNS_PER_MESSAGE) {
          refusal = "more than " + MAX_NEW_COLUMNS_PER_MESSAGE + " new columns in one message";
        }
        if (refusal != null) {
          throw new BadMessageException(
              BadMessageException.Reason.UNKNOWN_FIELD, e.path(), "cannot be added: " + refusal);
        }
        try {
          writer.addColumn(e.parent(), e.name(), e.type());
        } catch (IllegalArgumentException refused) {
          refusedColumns.put(column, String.valueOf(refused.getMessage()));
          throw new BadMessageException(
              BadMessageException.Reason.UNKNOWN_FIELD,
              e.path(),
              "cannot be added: " + refused.getMessage());
        }
        RowParser grown = RowParser.create(writer.schema(), loaderSettings.parsing());
        if (target == null) {
          parser = grown;
        } else {
          target.parser = grown;
        }
        LOG.info(
            "{} has the column {} {} from the data now (schema {})",
            writer.table().name(),
            e.path(),
            e.type(),
            writer.schemaId());
      }
    }
  }

  /**
   * The routed table a message goes to, opened (and created, when the route may) at its first
   * message; null for the pipeline's own table.
   */
  private RoutedTarget target(String table) throws BadMessageException, IOException {
    if (table.equals(loaderSettings.table().name())) {
      return null;
    }
    RoutedTarget target = routed.get(table);
    if (target != null) {
      return target;
    }
    String missing = missingTables.get(table);
    if (missing != null) {
      throw new BadMessageException(BadMessageException.Reason.NO_ROUTE, "", missing);
    }
    if (routed.size() >= MAX_ROUTED_TABLES) {
      throw new BadMessageException(
          BadMessageException.Reason.NO_ROUTE,
          "",
          "no route: the message names table "
              + table
              + ", beyond the "
              + MAX_ROUTED_TABLES
              + " tables one writer writes");
    }
    TableSettings settings = loaderSettings.table().withName(table);
    DataFileWriter writer;
    try {
      writer = DataFileWriter.open(settings, loaderSettings.writing(), getRuntimeContext());
    } catch (NoSuchTableException e) {
      if (!loaderSettings.routing().orElseThrow().createTables()) {
        // Until the next checkpoint: a table created meanwhile is found then.
        String why =
            "no route: the table "
                + settings.qualifiedName()
                + " does not exist ("
                + RouteSettings.CREATE_TABLES.key()
                + " is false)";
        missingTables.put(table, why);
        throw new BadMessageException(BadMessageException.Reason.NO_ROUTE, "", why);
      }
      TableAccess.createLike(settings, files.table());
      LOG.info("Created {} like {} for the route", settings.qualifiedName(), files.table().name());
      writer = DataFileWriter.open(settings, loaderSettings.writing(), getRuntimeContext());
    }
    RowParser tableParser;
    try {
      tableParser = RowParser.create(writer.schema(), loaderSettings.parsing());
    } catch (IllegalArgumentException e) {
      try {
        writer.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw new BadMessageException(
          BadMessageException.Reason.NO_ROUTE,
          "",
          "no route: the table "
              + settings.qualifiedName()
              + " cannot be written: "
              + e.getMessage());
    }
    target =
        new RoutedTarget(
            writer,
            tableParser,
            new CommittedOffsets(
                TableCommitterOperator.latestOffsets(
                    writer.table(), loaderSettings.pipelineName())));
    routed.put(table, target);
    return target;
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
    Map<String, WrittenFiles.RoutedFiles> routedFiles = new HashMap<>();
    for (Map.Entry<String, RoutedTarget> target : routed.entrySet()) {
      target.getValue().flush().ifPresent(flushed -> routedFiles.put(target.getKey(), flushed));
    }
    missingTables.clear();
    try {
      emitIfAny(checkpointId, result, routedFiles);
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
    RowParser next = follow(files, parser);
    if (next != null) {
      parser = next;
      if (changes != null) {
        changes =
            ChangeParser.create(
                files.schema(), files.key(), loaderSettings.parsing(), loaderSettings.writing());
      }
    }
    for (RoutedTarget target : routed.values()) {
      RowParser routedNext = follow(target.files, target.parser);
      if (routedNext != null) {
        target.parser = routedNext;
      }
    }
  }

  /** The parser of the table's new schema once the writer follows it; null if it does not. */
  private RowParser follow(DataFileWriter writer, RowParser current) throws IOException {
    if (!writer.tableChanged()) {
      return null;
    }
    int before = writer.schemaId();
    RowParser next;
    try {
      next = RowParser.create(writer.schemaOfTable(), loaderSettings.parsing());
      if (changes != null) {
        ChangeParser.create(
            writer.schemaOfTable(),
            writer.keyOfTable(),
            loaderSettings.parsing(),
            loaderSettings.writing());
      }
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "The schema {} of {} cannot be followed without a restart; writing schema {}: {}",
          writer.schemaOfTable().schemaId(),
          writer.table().name(),
          before,
          e.getMessage());
      return null;
    }
    writer.follow();
    LOG.info(
        "Following the schema {} (was {}) and partition spec {} of {} from checkpoint on",
        writer.schemaId(),
        before,
        writer.table().spec().specId(),
        writer.table().name());
    return next;
  }

  private void emitIfAny(
      long checkpointId, WriteResult result, Map<String, WrittenFiles.RoutedFiles> routedFiles) {
    if (sampledRecords > 0) {
      metrics.parseMicrosPerRecord(sampledParseNanos / 1000.0 / sampledRecords);
      sampledParseNanos = 0;
      sampledRecords = 0;
    }
    if (result.dataFiles().length == 0
        && result.deleteFiles().length == 0
        && recordsDeleted == 0
        && recordsDeadLettered == 0
        && recordsSkipped == 0
        && routedFiles.isEmpty()) {
      return;
    }
    emit(
        new WrittenFiles(
            checkpointId,
            files.schemaId(),
            result.dataFiles(),
            result.deleteFiles(),
            recordsWritten,
            recordsDeleted,
            recordsDeadLettered,
            recordsSkipped,
            recordsRuleViolations,
            offsets.drain(),
            maxRecordTimestamp,
            deadLetters,
            routedFiles));
    deadLetters = new ArrayList<>();
    recordsWritten = 0;
    recordsDeleted = 0;
    recordsDeadLettered = 0;
    recordsSkipped = 0;
    recordsRuleViolations = 0;
    maxRecordTimestamp = 0;
  }

  @Override
  public void close() throws Exception {
    try {
      if (routed != null) {
        for (RoutedTarget target : routed.values()) {
          target.files.close();
        }
      }
    } finally {
      super.close();
    }
  }

  /**
   * A routed table other than the pipeline's: its writer, its parser (of its own schema) and the
   * offsets its commits recorded, below which a message routed to it is in it already.
   */
  private static final class RoutedTarget {
    private final DataFileWriter files;
    private final CommittedOffsets committed;
    private RowParser parser;
    private long recordsWritten;
    private long maxRecordTimestamp;

    RoutedTarget(DataFileWriter files, RowParser parser, CommittedOffsets committed) {
      this.files = files;
      this.parser = parser;
      this.committed = committed;
    }

    void write(RowData row, long timestamp) throws IOException {
      files.write(row);
      recordsWritten++;
      maxRecordTimestamp = Math.max(maxRecordTimestamp, timestamp);
    }

    /** The files written since the last flush; empty if none. */
    Optional<WrittenFiles.RoutedFiles> flush() throws IOException {
      WriteResult result = files.flush();
      if (result.dataFiles().length == 0) {
        return Optional.empty();
      }
      WrittenFiles.RoutedFiles flushed =
          new WrittenFiles.RoutedFiles(
              files.schemaId(), result.dataFiles(), recordsWritten, maxRecordTimestamp);
      recordsWritten = 0;
      maxRecordTimestamp = 0;
      return Optional.of(flushed);
    }
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
