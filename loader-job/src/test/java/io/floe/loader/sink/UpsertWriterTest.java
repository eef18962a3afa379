package io.floe.loader.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.source.KafkaMessage;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.testing.TestTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's upsert path on real Iceberg tables, with Flink's operator harnesses: the writer
 * turns messages into data and delete files, the committer commits them as row deltas, and
 * Iceberg's generic reader, which applies the deletes, sees one row per live key with its last
 * values.
 */
class UpsertWriterTest {
  private static final Schema ACCOUNTS =
      new Schema(
          List.of(
              Types.NestedField.required(1, "id", Types.LongType.get()),
              Types.NestedField.optional(2, "name", Types.StringType.get()),
              Types.NestedField.optional(3, "region", Types.StringType.get())),
          Set.of(1));
  private static final OperatorID WRITER = new OperatorID();
  private static final OperatorID COMMITTER = new OperatorID();

  @TempDir Path dir;
  private TestTables tables;
  private Map<String, String> settings;
  private final JobID job = new JobID();
  private long nextOffset;

  @BeforeEach
  void settings() {
    tables = new TestTables(dir);
    settings = new HashMap<>(tables.loaderSettings("accounts"));
    settings.put("pipeline.name", "accounts");
    settings.put("source.bootstrap-servers", "localhost:9092");
    settings.put("source.topics", "accounts");
    settings.put("write.mode", "upsert");
    settings.put("write.delete-field", "op");
    settings.put("write.delete-values", "d");
  }

  @AfterEach
  void closeTables() throws Exception {
    tables.close();
  }

  @Test
  void theLastMessageOfAKeyWinsAndDeletesRemoveIt() throws Exception {
    Table table =
        tables.create(
            "accounts", ACCOUNTS, PartitionSpec.builderFor(ACCOUNTS).bucket("id", 4).build());
    try (Harnesses loader = new Harnesses(null)) {
      loader.send("1", "{\"id\": 1, \"name\": \"a\"}");
      loader.send("2", "{\"id\": 2, \"name\": \"b\"}");
      loader.send("1", "{\"id\": 1, \"name\": \"a2\"}");
      loader.send("3", null); // a tombstone of a key the table never had
      loader.checkpoint(1);
      assertThat(model(table)).isEqualTo(Map.of(1L, "a2", 2L, "b"));

      loader.send("2", "{\"id\": 2, \"name\": \"b2\"}");
      loader.send("1", "{\"id\": 1, \"op\": \"d\"}");
      loader.send("4", "{\"id\": 4, \"name\": \"d\"}");
      loader.send("4", null); // written and deleted in one checkpoint
      loader.send("5", "{\"id\": 5, \"name\": \"e\"}");
      loader.send("1", "{\"id\": 1, \"name\": \"back\"}"); // deleted, then back
      loader.send("1", "{\"id\": 1, \"name\": \"back again\"}");
      loader.checkpoint(2);
    }

    assertThat(model(table)).isEqualTo(Map.of(1L, "back again", 2L, "b2", 5L, "e"));
    Map<String, String> summary = table.currentSnapshot().summary();
    assertThat(summary)
        .containsEntry(CommitSummary.RECORDS_WRITTEN, "5")
        .containsEntry(CommitSummary.RECORDS_DELETED, "2")
        .containsEntry(CommitSummary.KAFKA_OFFSETS, "accounts:0=" + nextOffset)
        .containsEntry(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID, "2")
        .containsKey("added-equality-delete-files")
        .containsKey("added-position-delete-files");
    assertThat(table.currentSnapshot().operation()).isEqualTo("overwrite");
  }

  @Test
  void checkpointsCommittedTogetherAreCommittedOneAfterTheOther() throws Exception {
    Table table = tables.create("accounts", ACCOUNTS, PartitionSpec.unpartitioned());
    try (Harnesses loader = new Harnesses(null)) {
      loader.send("6", "{\"id\": 6, \"name\": \"x\"}");
      loader.snapshot(3);
      loader.send("6", "{\"id\": 6, \"name\": \"y\"}");
      loader.send("7", "{\"id\": 7, \"name\": \"z\"}");
      loader.snapshot(4);
      loader.complete(4);
    }

    assertThat(model(table)).isEqualTo(Map.of(6L, "y", 7L, "z"));
    List<String> checkpoints = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      checkpoints.add(snapshot.summary().get(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID));
    }
    assertThat(checkpoints).containsExactly("3", "4");
  }

  @Test
  void aCrashBeforeTheCommitCommitsTheDeletesOnRestoreExactlyOnce() throws Exception {
    Table table = tables.create("accounts", ACCOUNTS, PartitionSpec.unpartitioned());
    OperatorSubtaskState committerState;
    try (Harnesses loader = new Harnesses(null)) {
      loader.send("1", "{\"id\": 1, \"name\": \"a\"}");
      loader.send("2", "{\"id\": 2, \"name\": \"b\"}");
      loader.checkpoint(1);
      loader.send("1", "{\"id\": 1, \"name\": \"a2\"}");
      loader.send("2", null);
      committerState = loader.snapshot(2);
      // The checkpoint completes in Flink, but the committer dies before being told.
    }
    assertThat(model(table)).isEqualTo(Map.of(1L, "a", 2L, "b"));

    try (Harnesses restored = new Harnesses(committerState)) {
      assertThat(model(table)).isEqualTo(Map.of(1L, "a2"));
    }
    try (Harnesses again = new Harnesses(committerState)) {
      assertThat(model(table))
          .as("a second restore from the same state")
          .isEqualTo(Map.of(1L, "a2"));
    }
    List<Snapshot> snapshots = new ArrayList<>();
    table.refresh();
    table.snapshots().forEach(snapshots::add);
    assertThat(snapshots).hasSize(2);
  }

  @Test
  void debeziumEventsUpsertAndDeleteWithTheirSourceTimestamp() throws Exception {
    Schema schema =
        new Schema(
            List.of(
                Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "name", Types.StringType.get()),
                Types.NestedField.optional(3, "changed_at", Types.TimestampType.withZone())),
            Set.of(1));
    Table table = tables.create("accounts", schema, PartitionSpec.unpartitioned());
    settings.remove("write.delete-field");
    settings.remove("write.delete-values");
    settings.put("parse.envelope", "debezium");
    settings.put("parse.envelope.source-timestamp-column", "changed_at");
    try (Harnesses loader = new Harnesses(null)) {
      loader.send("{\"id\": 1}", event("c", null, "{\"id\": 1, \"name\": \"a\"}", 1000));
      loader.send("{\"id\": 2}", event("r", null, "{\"id\": 2, \"name\": \"b\"}", 2000));
      loader.checkpoint(1);
      loader.send(
          "{\"id\": 1}",
          event("u", "{\"id\": 1, \"name\": \"a\"}", "{\"id\": 1, \"name\": \"a2\"}", 3000));
      loader.send("{\"id\": 2}", event("d", "{\"id\": 2, \"name\": \"b\"}", null, 4000));
      loader.send("{\"id\": 2}", null); // Debezium's tombstone after a delete: deletes again
      loader.checkpoint(2);
    }

    List<Record> rows = TestTables.rows(table);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getField("id")).isEqualTo(1L);
    assertThat(rows.get(0).getField("name")).isEqualTo("a2");
    assertThat(rows.get(0).getField("changed_at"))
        .isEqualTo(java.time.OffsetDateTime.parse("1970-01-01T00:00:03Z"));
  }

  private static String event(String op, String before, String after, long sourceMillis) {
    return "{\"before\": "
        + before
        + ", \"after\": "
        + after
        + ", \"source\": {\"ts_ms\": "
        + sourceMillis
        + "}, \"op\": \""
        + op
        + "\"}";
  }

  @Test
  void theWriterRefusesTablesItCannotUpsert() {
    tables.create("accounts", new Schema(ACCOUNTS.columns()), PartitionSpec.unpartitioned());
    assertThat(rootMessage(() -> new Harnesses(null).close()))
        .contains(
            "the table has no identifier fields (ALTER TABLE ... SET IDENTIFIER FIELDS <key"
                + " columns>) to upsert by");

    settings.put("write.key-columns", "id, name");
    tables.load("accounts").updateSchema().setIdentifierFields("id").commit();
    assertThat(rootMessage(() -> new Harnesses(null).close()))
        .contains("write.key-columns is id, name but the table's identifier fields are id");

    settings.remove("write.key-columns");
    tables.load("accounts").updateSpec().addField("region").commit();
    assertThat(rootMessage(() -> new Harnesses(null).close()))
        .contains(
            "the partition field region is of the column region, which is not in the key (id)");
  }

  @Test
  void theWriterRefusesFormatVersionOne() {
    HadoopCatalog catalog =
        new HadoopCatalog(new org.apache.hadoop.conf.Configuration(), dir.toUri().toString());
    catalog.createTable(
        TableIdentifier.of(Namespace.of("db"), "accounts"),
        ACCOUNTS,
        PartitionSpec.unpartitioned(),
        Map.of(TableProperties.FORMAT_VERSION, "1"));
    assertThat(rootMessage(() -> new Harnesses(null).close()))
        .contains("it has Iceberg format version 1");
  }

  private static String rootMessage(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(thrown).isNotNull();
    while (thrown.getCause() != null) {
      thrown = thrown.getCause();
    }
    return thrown.getMessage();
  }

  /** The table as read by Iceberg's generic reader (deletes applied): id to name, each id once. */
  private static Map<Long, String> model(Table table) {
    Map<Long, String> rows = new TreeMap<>();
    for (Record row : TestTables.rows(table)) {
      String previous = rows.put((Long) row.getField("id"), (String) row.getField("name"));
      assertThat(previous).as("a second row of id " + row.getField("id")).isNull();
      assertThat(rows).isNotNull();
    }
    return rows;
  }

  /** A writer harness feeding a committer harness, as the loader's graph does. */
  private final class Harnesses implements AutoCloseable {
    private final OneInputStreamOperatorTestHarness<KafkaMessage, WrittenFiles> writer;
    private final OneInputStreamOperatorTestHarness<WrittenFiles, Void> committer;
    private int handedOver;

    Harnesses(OperatorSubtaskState committerState) throws Exception {
      committer =
          new OneInputStreamOperatorTestHarness<>(
              new TableCommitterOperator(settings, "test", Map.of(), new Properties()),
              environment());
      committer.getStreamConfig().setOperatorID(COMMITTER);
      committer.setup();
      committer.initializeState(committerState);
      committer.open();
      writer =
          new OneInputStreamOperatorTestHarness<>(new TableWriterOperator(settings), environment());
      writer.getStreamConfig().setOperatorID(WRITER);
      try {
        writer.setup();
        writer.open();
      } catch (Exception e) {
        committer.close();
        throw e;
      }
    }

    private MockEnvironment environment() {
      return new MockEnvironmentBuilder()
          .setJobID(job)
          .setParallelism(1)
          .setMaxParallelism(1)
          .setSubtaskIndex(0)
          .build();
    }

    void send(String key, String value) throws Exception {
      writer.processElement(
          new StreamRecord<>(
              new KafkaMessage(
                  "accounts",
                  0,
                  nextOffset++,
                  1_700_000_000_000L,
                  key == null ? null : key.getBytes(UTF_8),
                  value == null ? null : value.getBytes(UTF_8),
                  List.of())));
    }

    /** The writer's flush before the barrier, handed to the committer, and its snapshot. */
    OperatorSubtaskState snapshot(long checkpointId) throws Exception {
      writer.prepareSnapshotPreBarrier(checkpointId);
      List<WrittenFiles> output = writer.extractOutputValues();
      for (WrittenFiles written : output.subList(handedOver, output.size())) {
        committer.processElement(new StreamRecord<>(written));
      }
      handedOver = output.size();
      return committer.snapshot(checkpointId, checkpointId);
    }

    void complete(long checkpointId) throws Exception {
      committer.notifyOfCompletedCheckpoint(checkpointId);
    }

    void checkpoint(long checkpointId) throws Exception {
      snapshot(checkpointId);
      complete(checkpointId);
    }

    @Override
    public void close() throws Exception {
      try {
        writer.close();
      } finally {
        committer.close();
      }
    }
  }
}
