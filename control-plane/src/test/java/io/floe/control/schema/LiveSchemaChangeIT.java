package io.floe.control.schema;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.TestStack;
import io.floe.control.testing.Warehouse;
import io.floe.loader.deadletter.DeadLetterHeaders;
import io.floe.loader.summary.CommitSummary;
import io.floe.testing.kafka.EventPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Schema changes followed live, end to end on a Flink session cluster: with {@code
 * table.schemaChanges: live}, a column added through Floe's API and one dropped directly in the
 * catalog are followed by the running loader at a checkpoint, with no restart: the same run, every
 * id exactly once, the new column filled from the next rows on and the dropped one no longer
 * written.
 */
class LiveSchemaChangeIT {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final String PIPELINE = "live";
  private static final String GROWN = "grown";

  @TempDir static Path dir;
  static TestStack stack;
  static ApiClient api;
  static Warehouse warehouse;

  @BeforeAll
  static void start() {
    stack =
        TestStack.in(dir)
            .flinkCluster(cluster -> cluster)
            .topic(PIPELINE, 2)
            .topic(GROWN, 2)
            .topic(GROWN + "-dlq", 1)
            .start();
    api = stack.api();
    warehouse = stack.warehouse();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aColumnAddedThroughTheApiAndOneDroppedInTheCatalogAreFollowedWithoutARestart()
      throws Exception {
    Map<String, Object> body = stack.pipeline(PIPELINE, PIPELINE).runtime(1, "1s").body();
    @SuppressWarnings("unchecked")
    Map<String, Object> table = (Map<String, Object>) body.get("table");
    table.put("schemaChanges", "live");
    ApiClient.Response created = api.put("/pipelines/" + PIPELINE, body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    // Events carry extra and more besides the table's columns id, name and at.
    EventPublisher publisher = stack.topics().publish(PIPELINE, 1, 40);
    long last;
    try {
      await("rows", LiveSchemaChangeIT::ids, ids -> ids.size() >= 40, LONG);
      String run = runId();

      ApiClient.Response added =
          api.post(
              "/pipelines/" + PIPELINE + "/schema/columns",
              Map.of("name", "extra", "type", "string"));
      assertThat(added.status()).as("applied live: no restart").isEqualTo(200);
      assertThat(added.body().path("restart").path("id").asString("")).isEmpty();
      int withExtra = schemaId();
      Snapshot followed = awaitCommitWithSchema(withExtra);
      long publishedThen = publisher.published();

      warehouse.updateSchema("db", PIPELINE, update -> update.deleteColumn("name"));
      int withoutName = schemaId();
      Snapshot followedAgain = awaitCommitWithSchema(withoutName);
      long publishedLater = publisher.published();
      await(
          "rows after the drop",
          LiveSchemaChangeIT::ids,
          ids -> ids.containsKey(publishedLater + 40),
          LONG);
      last = publisher.stop();
      long lastId = last;
      Map<Long, Integer> ids =
          await(
              "ids 1.." + lastId,
              LiveSchemaChangeIT::ids,
              counts -> counts.keySet().stream().filter(id -> id <= lastId).count() == lastId,
              LONG);
      assertThat(ids.values()).as("exactly once").containsOnly(1);

      assertThat(runId()).as("the same run throughout").isEqualTo(run);
      assertThat(
              api.get("/pipelines/" + PIPELINE + "/operations")
                  .body()
                  .valueStream()
                  .map(o -> o.path("type").asString())
                  .collect(Collectors.toList()))
          .as("operations: no restart")
          .containsExactly("START");
      assertThat(
              stack.flinkRest().jobs().stream()
                  .filter(job -> job.name().equals("floe-" + PIPELINE))
                  .count())
          .as("one job on the cluster")
          .isEqualTo(1);

      Map<Long, Object> extra = column("extra");
      for (long id = publishedThen + 1; id <= lastId; id++) {
        assertThat(extra.get(id)).as("id " + id + " after the change").isEqualTo("extra-" + id);
      }
      int nameField = warehouse.table("db", PIPELINE).schemas().get(0).findField("name").fieldId();
      assertThat(filesAddedSince(followedAgain))
          .as("files written after the drop")
          .isNotEmpty()
          .allSatisfy(file -> assertThat(file.valueCounts()).doesNotContainKey(nameField));
      assertThat(followed.sequenceNumber()).isLessThan(followedAgain.sequenceNumber());
    } finally {
      publisher.stop();
    }
  }

  /**
   * Under {@code parsing.unknownFields: add} the loader grows the table from the data: new fields
   * (top-level, an object, an array, one in an existing struct) become columns of the types their
   * values suggest, without a restart; a value its column cannot take is dead-lettered with the
   * reason; each change is a SCHEMA_CHANGED event.
   */
  @Test
  void newFieldsBecomeColumnsWithoutARestartAndAConflictingTypeIsDeadLettered() throws Exception {
    Map<String, Object> body =
        stack.pipeline(GROWN, GROWN).runtime(1, "1s").deadLetterTopic(GROWN + "-dlq").body();
    @SuppressWarnings("unchecked")
    Map<String, Object> table = (Map<String, Object>) body.get("table");
    table.put("schemaChanges", "live");
    body.put("parsing", Map.of("unknownFields", "add"));
    ApiClient.Response created = api.put("/pipelines/" + GROWN, body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    send(1, 20, id -> "{\"id\": " + id + ", \"name\": \"n-" + id + "\"}");
    await("the first rows", () -> grownIds().size(), n -> n >= 20, LONG);
    String run = runId(GROWN);
    send(
        21,
        40,
        id ->
            "{\"id\": "
                + id
                + ", \"name\": \"n\", \"country\": \"DE\", \"count\": "
                + id
                + ", \"geo\": {\"lat\": 1.5, \"tags\": [\"a\", \"b\"]}}");
    // The conflicting value once the column exists: across partitions, order is not kept.
    await("ids 1..40", () -> grownIds().size(), n -> n >= 40, LONG);
    send(41, 41, id -> "{\"id\": 41, \"geo\": 5}");
    send(42, 50, id -> "{\"id\": " + id + ", \"country\": \"FR\"}");

    Map<Long, Integer> ids =
        await(
            "ids 1..50 but 41", LiveSchemaChangeIT::grownIds, counts -> counts.size() >= 49, LONG);
    assertThat(ids.keySet()).doesNotContain(41L).hasSize(49);
    assertThat(ids.values()).as("exactly once").containsOnly(1);
    Schema schema = warehouse.table("db", GROWN).schema();
    assertThat(schema.findField("country").type()).isEqualTo(Types.StringType.get());
    assertThat(schema.findField("count").type()).isEqualTo(Types.LongType.get());
    assertThat(schema.findField("geo.lat").type()).isEqualTo(Types.DoubleType.get());
    assertThat(schema.findField("geo.tags").type().toString()).isEqualTo("list<string>");
    Map<Long, Object> country = warehouse.columnById("db", GROWN, "country");
    Map<Long, Object> count = warehouse.columnById("db", GROWN, "count");
    for (long id = 21; id <= 40; id++) {
      assertThat(country.get(id)).as("country of " + id).isEqualTo("DE");
      assertThat(count.get(id)).as("count of " + id).isEqualTo(id);
    }
    assertThat(country.get(45L)).isEqualTo("FR");
    assertThat(country.get(5L)).isNull();

    assertThat(runId(GROWN)).as("the same run throughout").isEqualTo(run);
    assertThat(
            api.get("/pipelines/" + GROWN + "/operations")
                .body()
                .valueStream()
                .map(o -> o.path("type").asString())
                .collect(Collectors.toList()))
        .as("operations: no restart")
        .containsExactly("START");
    List<ConsumerRecord<byte[], byte[]>> letters =
        stack.topics().readCommitted(GROWN + "-dlq", 1, LONG);
    assertThat(letters).hasSize(1);
    assertThat(header(letters.get(0), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("WRONG_TYPE");
    assertThat(header(letters.get(0), DeadLetterHeaders.ERROR_PATH)).isEqualTo("geo");
    List<String> changes =
        await(
            "SCHEMA_CHANGED events naming the new columns",
            () -> schemaEvents(GROWN),
            messages -> String.join(" ", messages).contains("added geo (struct<lat: double, tags:"),
            LONG);
    assertThat(String.join(" ", changes))
        .contains("added country (string)")
        .contains("added count (long)")
        .contains("the loader follows it without a restart");
  }

  private static void send(long from, long to, java.util.function.LongFunction<String> json) {
    for (long id = from; id <= to; id++) {
      stack
          .topics()
          .send(
              GROWN,
              Long.toString(id).getBytes(StandardCharsets.UTF_8),
              json.apply(id).getBytes(StandardCharsets.UTF_8));
    }
    stack.topics().flush();
  }

  private static Map<Long, Integer> grownIds() {
    return warehouse.idCounts("db", GROWN);
  }

  private static List<String> schemaEvents(String pipeline) {
    List<String> messages = new ArrayList<>();
    for (JsonNode event : api.get("/pipelines/" + pipeline + "/events?limit=1000").body()) {
      if (event.path("type").asString().equals("SCHEMA_CHANGED")) {
        messages.add(event.path("message").asString());
      }
    }
    return messages;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String runId(String pipeline) {
    return api.get("/pipelines/" + pipeline).body().path("status").path("runId").asString();
  }

  private static Map<Long, Integer> ids() {
    return warehouse.idCounts("db", PIPELINE);
  }

  private static String runId() {
    return api.get("/pipelines/" + PIPELINE).body().path("status").path("runId").asString();
  }

  private static int schemaId() {
    return warehouse.table("db", PIPELINE).schema().schemaId();
  }

  /** The first loader commit written with the schema, once there is one. */
  private static Snapshot awaitCommitWithSchema(int schemaId) {
    return await(
            "a loader commit written with schema " + schemaId,
            () -> commitWithSchema(schemaId),
            Optional::isPresent,
            LONG)
        .orElseThrow();
  }

  private static Optional<Snapshot> commitWithSchema(int schemaId) {
    Table table = warehouse.table("db", PIPELINE);
    return StreamSupport.stream(table.snapshots().spliterator(), false)
        .filter(s -> Integer.toString(schemaId).equals(s.summary().get(CommitSummary.SCHEMA_ID)))
        .findFirst();
  }

  /** The data files of the loader's commits from {@code first} on. */
  private static List<DataFile> filesAddedSince(Snapshot first) {
    Table table = warehouse.table("db", PIPELINE);
    List<DataFile> files = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      if (snapshot.sequenceNumber() >= first.sequenceNumber()
          && snapshot.summary().containsKey(CommitSummary.SCHEMA_ID)) {
        snapshot.addedDataFiles(table.io()).forEach(files::add);
      }
    }
    return files;
  }

  private static Map<Long, Object> column(String name) {
    return warehouse.columnById("db", PIPELINE, name);
  }
}
