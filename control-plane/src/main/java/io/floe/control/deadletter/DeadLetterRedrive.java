package io.floe.control.deadletter;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.Tables;
import io.floe.control.kafka.KafkaTopics;
import io.floe.control.kafka.KafkaUnavailableException;
import io.floe.control.kafka.TopicReader;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Operation;
import io.floe.control.model.Pipeline;
import io.floe.control.reconcile.DataStep;
import io.floe.control.store.Events;
import io.floe.control.store.OperationStore;
import io.floe.loader.credentials.CredentialsResolver;
import io.floe.loader.credentials.KafkaSecurityProperties;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.NewColumnException;
import io.floe.loader.parse.RowParser;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.sink.TableWriterFactories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Carries out a REDRIVE, one batch of dead letters per step: read them from the dead-letter topic
 * (up to its end when the redrive began), parse each original message with the pipeline's parser on
 * the table's current schema, and commit the rows that now parse in one Iceberg transaction
 * together with the record of which dead letters they were ({@link RedrivenOffsets}). Dead letters
 * recorded there are never loaded again; those that still fail stay where they are and are
 * reported, not dead-lettered again.
 */
@Component
public class DeadLetterRedrive implements DataStep {
  static final String PHASE = "phase";
  static final String UNTIL = "until";
  static final String POSITION = "position";
  static final String REPORT = "report";
  static final String WAITING = "waiting";

  /** Dead letters read per step: one commit each, well within a reconcile lease. */
  static final int BATCH_SIZE = 2_000;

  /** Snapshot summary properties of a redrive's commit. */
  static final String SUMMARY_OPERATION = "floe.redrive.operation";

  static final String SUMMARY_PIPELINE = "floe.redrive.pipeline";
  static final String SUMMARY_RECORDS = "floe.redrive.records";
  static final String SUMMARY_BATCH = "floe.redrive.batch";

  private final LoaderSettingsRenderer renderer;
  private final Tables tables;
  private final KafkaTopics kafka;
  private final TopicReader reader;
  private final CredentialsResolver credentials;
  private final OperationStore operations;
  private final Events events;
  private final Clock clock;
  private final JsonMapper json;

  public DeadLetterRedrive(
      LoaderSettingsRenderer renderer,
      Tables tables,
      KafkaTopics kafka,
      TopicReader reader,
      CredentialsResolver credentials,
      OperationStore operations,
      Events events,
      Clock clock,
      JsonMapper json) {
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.tables = requireNonNull(tables, "tables is null");
    this.kafka = requireNonNull(kafka, "kafka is null");
    this.reader = requireNonNull(reader, "reader is null");
    this.credentials = requireNonNull(credentials, "credentials is null");
    this.operations = requireNonNull(operations, "operations is null");
    this.events = requireNonNull(events, "events is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.json = requireNonNull(json, "json is null");
  }

  @Override
  public Optional<String> advance(Operation operation, Pipeline pipeline) {
    LoaderSettings settings = renderer.settings(pipeline.name(), pipeline.spec());
    String topic =
        settings
            .badMessages()
            .deadLetterTopic()
            .orElseThrow(
                () ->
                    new DataStepFailedException(
                        "Pipeline " + pipeline.name() + " has no dead-letter topic"));
    RedriveFilter filter = RedriveFilter.fromParameters(pipeline.name(), operation.parameters());
    Properties client = new KafkaSecurityProperties(credentials).forClient(settings.source());
    try {
      Optional<String> until = operation.progress(UNTIL);
      if (until.isEmpty()) {
        begin(operation, topic, client, filter.dryRun());
        return Optional.empty();
      }
      return batch(operation, settings, topic, filter, client, Offsets.parse(until.get()));
    } catch (KafkaUnavailableException e) {
      // Brokers away for a moment: the next round tries the same batch again. One event per
      // reason, not one per round.
      String reason = "Cannot read " + topic + ": " + e.getMessage();
      if (!operation.progress(WAITING).equals(Optional.of(reason))) {
        events.record(
            save(operation.withProgress(WAITING, reason, clock.instant())),
            "REDRIVE_WAITING",
            reason);
      }
      return Optional.empty();
    }
  }

  /** Fixes where the redrive ends (the topic's end now) and where it starts (its beginning). */
  private void begin(Operation operation, String topic, Properties client, boolean dryRun) {
    Map<Integer, Long> from = new TreeMap<>();
    Map<Integer, Long> until = new TreeMap<>();
    kafka
        .offsetRanges(client, List.of(topic))
        .forEach(
            (key, range) -> {
              int partition = Integer.parseInt(key.substring(key.lastIndexOf(':') + 1));
              from.put(partition, range.earliest());
              until.put(partition, range.end());
            });
    long total = 0;
    for (Map.Entry<Integer, Long> entry : until.entrySet()) {
      total += entry.getValue() - from.get(entry.getKey());
    }
    Operation saved =
        save(
            operation
                .withProgress(PHASE, "redrive", clock.instant())
                .withProgress(POSITION, Offsets.format(from), clock.instant())
                .withProgress(UNTIL, Offsets.format(until), clock.instant())
                .withProgress(REPORT, write(RedriveReport.empty()), clock.instant()));
    events.record(
        saved,
        "REDRIVE_STARTED",
        "Reading up to "
            + total
            + " records of "
            + topic
            + (dryRun ? " (dry run: nothing is written)" : ""));
  }

  private Optional<String> batch(
      Operation operation,
      LoaderSettings settings,
      String topic,
      RedriveFilter filter,
      Properties client,
      Map<Integer, Long> until) {
    Map<Integer, Long> position = Offsets.parse(operation.progress(POSITION).orElse(""));
    RedriveReport report = read(operation.progress(REPORT).orElse(""));
    List<ConsumerRecord<byte[], byte[]>> records =
        reader.read(client, topic, position, until, BATCH_SIZE);
    boolean last = records.size() < BATCH_SIZE;

    Table table = tables.load(settings.table());
    String property = RedrivenOffsets.property(topic);
    RedrivenOffsets loadedBefore;
    try {
      loadedBefore = RedrivenOffsets.parse(Optional.ofNullable(table.properties().get(property)));
    } catch (IllegalArgumentException e) {
      throw new DataStepFailedException(
          "The table property " + property + " is not Floe's: " + e.getMessage());
    }
    RowParser parser;
    try {
      parser = RowParser.create(table.schema(), settings.parsing());
    } catch (IllegalArgumentException e) {
      throw new DataStepFailedException(e.getMessage());
    }

    RedriveReport.Tally tally = new RedriveReport.Tally(report);
    RedrivenOffsets loaded = loadedBefore.copy();
    List<RowData> rows = new ArrayList<>();
    Map<Integer, Long> next = new TreeMap<>(position);
    for (ConsumerRecord<byte[], byte[]> record : records) {
      next.put(record.partition(), record.offset() + 1);
      Optional<StoredDeadLetter> stored = StoredDeadLetter.of(record);
      if (stored.isEmpty() || !filter.matches(stored.get())) {
        continue;
      }
      StoredDeadLetter letter = stored.get();
      if (loadedBefore.contains(letter.partition(), letter.offset())) {
        tally.alreadyLoaded(letter);
        continue;
      }
      try {
        rows.add(parser.parse(letter.message()));
        loaded.add(letter.partition(), letter.offset());
        tally.loaded(letter);
      } catch (BadMessageException e) {
        tally.stillFailing(letter, e.reason().name(), e.path(), e.getMessage());
      } catch (NewColumnException e) {
        // The loader adds columns (parsing.unknownFields add); a redrive does not.
        tally.stillFailing(
            letter,
            BadMessageException.Reason.UNKNOWN_FIELD.name(),
            e.path(),
            "the table has no column "
                + e.path()
                + " yet; the loader adds it when a message brings it, a redrive does not");
      }
    }
    if (last) {
      next.putAll(until);
    }
    Optional<Long> snapshot = Optional.empty();
    if (!filter.dryRun() && !rows.isEmpty()) {
      snapshot = Optional.of(commit(operation, settings, table, rows, property, loaded));
    }
    RedriveReport updated = tally.report();
    Operation saved =
        save(
            operation
                .withProgress(POSITION, Offsets.format(next), clock.instant())
                .withProgress(REPORT, write(updated), clock.instant()));
    if (snapshot.isPresent()) {
      events.record(
          saved,
          "REDRIVE_COMMITTED",
          "Loaded "
              + rows.size()
              + " dead letters in snapshot "
              + snapshot.get()
              + "; "
              + updated.examined()
              + " examined so far");
    }
    return last ? Optional.of(outcome(updated, filter.dryRun())) : Optional.empty();
  }

  /** Writes the rows and commits them with the record of their dead letters; the snapshot id. */
  private static long commit(
      Operation operation,
      LoaderSettings settings,
      Table table,
      List<RowData> rows,
      String property,
      RedrivenOffsets loaded) {
    WriteResult written;
    try (TaskWriter<RowData> writer =
        TableWriterFactories.create(table, settings.table().writeProperties(), 0, 0).create()) {
      for (RowData row : rows) {
        writer.write(row);
      }
      written = writer.complete();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the redriven rows of " + table.name(), e);
    }
    String batch = UUID.randomUUID().toString();
    Transaction transaction = table.newTransaction();
    AppendFiles append = transaction.newAppend();
    for (DataFile file : written.dataFiles()) {
      append.appendFile(file);
    }
    append
        .set(SUMMARY_OPERATION, operation.id())
        .set(SUMMARY_PIPELINE, operation.pipeline())
        .set(SUMMARY_RECORDS, Integer.toString(rows.size()))
        .set(SUMMARY_BATCH, batch)
        .commit();
    transaction.updateProperties().set(property, loaded.toString()).commit();
    transaction.commitTransaction();
    table.refresh();
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (batch.equals(snapshot.summary().get(SUMMARY_BATCH))) {
        return snapshot.snapshotId();
      }
    }
    throw new IllegalStateException(
        "The redrive's commit is not in " + table.name() + "'s history");
  }

  private static String outcome(RedriveReport report, boolean dryRun) {
    StringBuilder text = new StringBuilder();
    text.append(dryRun ? "would load " : "loaded ")
        .append(report.loaded())
        .append(" of ")
        .append(report.examined())
        .append(" dead letters examined; ")
        .append(report.stillFailing())
        .append(" still fail; ")
        .append(report.alreadyLoaded())
        .append(" were loaded before");
    if (!report.byErrorClass().isEmpty()) {
      List<String> classes = new ArrayList<>();
      report
          .byErrorClass()
          .forEach(
              (errorClass, counts) ->
                  classes.add(
                      errorClass
                          + ": "
                          + counts.loaded()
                          + " of "
                          + counts.examined()
                          + (counts.stillFailing() > 0
                              ? " (still failing " + counts.stillFailingAs() + ")"
                              : "")));
      text.append(" (").append(String.join("; ", classes)).append(')');
    }
    return text.toString();
  }

  private Operation save(Operation operation) {
    operations.update(operation);
    return operation;
  }

  private String write(RedriveReport report) {
    return json.writeValueAsString(report);
  }

  RedriveReport read(String text) {
    if (text.isEmpty()) {
      return RedriveReport.empty();
    }
    try {
      return json.readValue(text, RedriveReport.class);
    } catch (JacksonException e) {
      throw new IllegalStateException("Unreadable redrive report", e);
    }
  }

  /** Offsets by partition as text: {@code 0:12,1:40}. */
  static final class Offsets {
    private Offsets() {}

    static String format(Map<Integer, Long> offsets) {
      List<String> items = new ArrayList<>();
      new TreeMap<>(offsets).forEach((partition, offset) -> items.add(partition + ":" + offset));
      return String.join(",", items);
    }

    static Map<Integer, Long> parse(String text) {
      Map<Integer, Long> offsets = new TreeMap<>();
      if (text.isBlank()) {
        return offsets;
      }
      for (String item : text.split(",")) {
        int colon = item.indexOf(':');
        offsets.put(
            Integer.parseInt(item.substring(0, colon)), Long.parseLong(item.substring(colon + 1)));
      }
      return offsets;
    }
  }
}
