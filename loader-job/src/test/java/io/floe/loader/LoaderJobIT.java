package io.floe.loader;

import static io.floe.loader.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.loader.credentials.CredentialsResolver;
import io.floe.loader.deadletter.DeadLetterSerializer;
import io.floe.loader.sample.SampleMessages;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.testing.LoaderCluster;
import io.floe.loader.testing.TestTables;
import io.floe.local.LocalKafka;
import io.floe.testing.aws.AwsJsonFakeServer;
import io.floe.testing.aws.FakeSecretsManager;
import io.floe.testing.kafka.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The loader end to end: a real Kafka broker, a Flink MiniCluster, Iceberg tables on disk. */
class LoaderJobIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant BASE = Instant.parse("2024-05-01T10:00:00.123456Z");

  @TempDir static Path dir;
  private static LocalKafka kafka;
  private static KafkaTestClient client;
  private static LoaderCluster flink;
  private static TestTables tables;

  @BeforeAll
  static void start() throws Exception {
    kafka =
        LocalKafka.builder(dir.resolve("kafka"))
            .scramUser("loader", "scram-secret")
            .plainUser("plain-loader", "plain-secret")
            .start();
    client = new KafkaTestClient(kafka.bootstrapServers());
    flink = new LoaderCluster(dir.resolve("flink"), 4);
    tables = new TestTables(dir.resolve("warehouse"));
  }

  @AfterEach
  void cancelJobs() throws Exception {
    flink.cancelAll();
  }

  @AfterAll
  static void stop() throws Exception {
    if (tables != null) {
      tables.close();
    }
    if (flink != null) {
      flink.close();
    }
    if (client != null) {
      client.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Map<String, String> settings(String name, String topic, int parallelism) {
    Map<String, String> settings = new HashMap<>(tables.loaderSettings(name));
    settings.put("pipeline.name", name);
    settings.put("source.bootstrap-servers", kafka.bootstrapServers());
    settings.put("source.topics", topic);
    settings.put("job.flush-interval", "500ms");
    settings.put("job.parallelism", Integer.toString(parallelism));
    settings.put("job.restart-delay", "200ms");
    settings.put("job.restart-max-delay", "1s");
    return settings;
  }

  private static Instant timestampOf(long id) {
    return BASE.plusSeconds(id * 37);
  }

  private static byte[] key(long id) {
    return Long.toString(id).getBytes(StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  @Test
  void sampleRowsLandRowForRowWithEveryField() throws Exception {
    client.createTopic("samples", 2);
    Table table =
        tables.create(
            "samples",
            SampleMessages.sampleSchema(),
            SampleMessages.sampleSpec(SampleMessages.sampleSchema()));
    for (long id = 1; id <= 500; id++) {
      client.send("samples", key(id), SampleMessages.sample(id, timestampOf(id)));
    }
    client.flush();

    JobID job = flink.submit(settings("samples", "samples", 2), Optional.empty());
    List<Record> rows =
        await(
            "500 rows", () -> TestTables.rows(table), r -> r.size() >= 500, Duration.ofSeconds(90));
    flink.cancel(job);

    assertThat(rows).hasSize(500);
    for (Record row : rows) {
      long id = (Long) row.getField("id");
      JsonNode expected = JSON.readTree(SampleMessages.sample(id, timestampOf(id)));
      assertSameAsJson(row, expected);
    }
    Snapshot last = tables.load("samples").currentSnapshot();
    assertThat(last.summary())
        .containsEntry(CommitSummary.PIPELINE, "samples")
        .containsEntry(CommitSummary.SCHEMA_ID, Integer.toString(table.schema().schemaId()))
        .containsKeys(
            CommitSummary.LOADER_VERSION,
            CommitSummary.RECORDS_WRITTEN,
            CommitSummary.RECORDS_DEAD_LETTERED,
            CommitSummary.FLINK_JOB_ID,
            CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID);
    assertThat(
            CommitSummary.parseOffsets(last.summary().get(CommitSummary.KAFKA_OFFSETS))
                .values()
                .stream()
                .mapToLong(Long::longValue)
                .sum())
        .isEqualTo(500);
  }

  @SuppressWarnings("unchecked")
  private static void assertSameAsJson(Record row, JsonNode expected) {
    assertThat(row.getField("bool")).isEqualTo(expected.get("bool").booleanValue());
    assertThat(row.getField("floating")).isEqualTo(expected.get("floating").doubleValue());
    assertThat(row.getField("integer")).isEqualTo(expected.get("integer").longValue());
    assertThat(row.getField("string")).isEqualTo(expected.get("string").textValue());
    assertThat((List<Object>) row.getField("bools"))
        .containsExactlyElementsOf(values(expected.get("bools"), JsonNode::booleanValue));
    assertThat((List<Object>) row.getField("floatings"))
        .containsExactlyElementsOf(values(expected.get("floatings"), JsonNode::doubleValue));
    assertThat((List<Object>) row.getField("integers"))
        .containsExactlyElementsOf(values(expected.get("integers"), JsonNode::longValue));
    assertThat((List<Object>) row.getField("strings"))
        .containsExactlyElementsOf(values(expected.get("strings"), JsonNode::textValue));
    Map<String, String> map = new HashMap<>();
    expected
        .get("string_map")
        .fields()
        .forEachRemaining(e -> map.put(e.getKey(), e.getValue().textValue()));
    assertThat((Map<?, ?>) row.getField("string_map")).isEqualTo(map);
    Record nested = (Record) row.getField("nested");
    assertThat(nested.getField("key")).isEqualTo(expected.get("nested").get("key").textValue());
    assertThat(nested.getField("value")).isEqualTo(expected.get("nested").get("value").longValue());
    assertThat(((OffsetDateTime) row.getField("timestamp")).toInstant())
        .isEqualTo(OffsetDateTime.parse(expected.get("timestamp").textValue()).toInstant());
  }

  private static <T> List<Object> values(
      JsonNode array, java.util.function.Function<JsonNode, T> value) {
    List<Object> values = new ArrayList<>();
    array.forEach(element -> values.add(value.apply(element)));
    return values;
  }

  @Test
  void badMessagesReachTheDeadLetterTopicWithTheirReasonAndGoodOnesAreCommitted() throws Exception {
    client.createTopic("mixed", 2);
    client.createTopic("mixed-dlq", 1);
    Table table =
        tables.create(
            "mixed",
            SampleMessages.sampleSchema(),
            SampleMessages.sampleSpec(SampleMessages.sampleSchema()));
    Set<Long> good = new HashSet<>();
    Map<String, Integer> expectedReasons = new HashMap<>();
    String[] reasonOfKind = {
      "MALFORMED_JSON", "WRONG_TYPE", "MISSING_REQUIRED", "INVALID_UTF8", "NOT_AN_OBJECT"
    };
    for (long id = 1; id <= 300; id++) {
      if (id % 10 == 0) {
        int kind = (int) (id / 10 % SampleMessages.MALFORMED_KINDS);
        client.send("mixed", key(id), SampleMessages.malformed(id, kind));
        expectedReasons.merge(reasonOfKind[kind], 1, Integer::sum);
      } else {
        client.send("mixed", key(id), SampleMessages.sample(id, timestampOf(id)));
        good.add(id);
      }
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
    byte[] oversized =
        ("{\"id\": 9999, \"string\": \"" + "x".repeat(5000) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    client.producer().send(new ProducerRecord<>("mixed", 0, key(9999), oversized, headers)).get();
    expectedReasons.merge("OVERSIZED", 1, Integer::sum);
    client.flush();

    Map<String, String> settings = settings("mixed", "mixed", 2);
    settings.put("bad-messages.dead-letter-topic", "mixed-dlq");
    settings.put("parse.max-message-bytes", "4KiB");
    JobID job = flink.submit(settings, Optional.empty());
    await(
        "good rows",
        () -> TestTables.countsOf(table, "id"),
        c -> c.size() >= good.size(),
        Duration.ofSeconds(90));
    List<ConsumerRecord<byte[], byte[]>> dead =
        client.readCommitted("mixed-dlq", 31, Duration.ofSeconds(60));
    flink.cancel(job);

    assertThat(TestTables.countsOf(table, "id"))
        .containsOnlyKeys(good)
        .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(dead).hasSize(31);
    Map<String, Integer> reasons = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : dead) {
      String reason = header(letter, DeadLetterSerializer.ERROR_CLASS);
      reasons.merge(reason, 1, Integer::sum);
      assertThat(header(letter, DeadLetterSerializer.SOURCE_TOPIC)).isEqualTo("mixed");
      assertThat(header(letter, DeadLetterSerializer.SOURCE_PARTITION)).matches("[01]");
      assertThat(header(letter, DeadLetterSerializer.SOURCE_OFFSET)).matches("\\d+");
      assertThat(header(letter, DeadLetterSerializer.ERROR_MESSAGE)).isNotBlank();
      assertThat(header(letter, DeadLetterSerializer.PIPELINE)).isEqualTo("mixed");
      long id = Long.parseLong(new String(letter.key(), StandardCharsets.UTF_8));
      if (id == 9999) {
        assertThat(letter.value()).isEqualTo(oversized);
        assertThat(header(letter, "trace-id")).isEqualTo("abc");
      } else {
        assertThat(letter.value())
            .isEqualTo(
                SampleMessages.malformed(id, (int) (id / 10 % SampleMessages.MALFORMED_KINDS)));
      }
      if (reason.equals("WRONG_TYPE")) {
        assertThat(header(letter, DeadLetterSerializer.ERROR_PATH)).isEqualTo("integer");
      }
      if (reason.equals("MISSING_REQUIRED")) {
        assertThat(header(letter, DeadLetterSerializer.ERROR_PATH)).isEqualTo("id");
      }
    }
    assertThat(reasons).isEqualTo(expectedReasons);
    long deadLettered =
        snapshots(tables.load("mixed")).stream()
            .mapToLong(
                s ->
                    Long.parseLong(
                        s.summary().getOrDefault(CommitSummary.RECORDS_DEAD_LETTERED, "0")))
            .sum();
    assertThat(deadLettered).isEqualTo(31);
  }

  private static List<Snapshot> snapshots(Table table) {
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    return snapshots;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void exactlyOnceThroughTaskManagerCrashesAndACancelRestoredFromItsCheckpoint() throws Exception {
    client.createTopic("stream", 2);
    client.createTopic("stream-dlq", 1);
    Table table =
        tables.create(
            "stream",
            SampleMessages.sampleSchema(),
            SampleMessages.sampleSpec(SampleMessages.sampleSchema()));
    Map<String, String> settings = settings("stream", "stream", 2);
    settings.put("bad-messages.dead-letter-topic", "stream-dlq");
    settings.put("job.flush-interval", "300ms");

    long total = 16_000;
    AtomicLong published = new AtomicLong();
    AtomicBoolean failed = new AtomicBoolean();
    Thread publisher =
        new Thread(
            () -> {
              try {
                for (long id = 1; id <= total; id++) {
                  byte[] value =
                      id % 50 == 0
                          ? SampleMessages.malformed(
                              id, (int) (id % SampleMessages.MALFORMED_KINDS))
                          : SampleMessages.sample(id, timestampOf(id));
                  client.send("stream", key(id), value);
                  published.set(id);
                  if (id % 100 == 0) {
                    client.flush();
                    Thread.sleep(60);
                  }
                }
                client.flush();
              } catch (Exception e) {
                failed.set(true);
              }
            },
            "publisher");

    JobID job = flink.submit(settings, Optional.empty());
    publisher.start();
    await(
        "first commits", () -> TestTables.rows(table).size(), n -> n > 500, Duration.ofSeconds(60));
    for (int crash = 1; crash <= 2; crash++) {
      flink.crashTaskManager();
      int restarts = crash;
      await("restart " + crash, () -> restarts(job), n -> n == restarts, Duration.ofSeconds(60));
      flink.awaitAllTasksRunning(job, Duration.ofSeconds(60));
      awaitMoreRows(table, TestTables.rows(table).size(), "commits of the restored job");
    }
    assertThat(flink.restarts(job)).as("restarts from checkpoints").isEqualTo(2);
    Path checkpoint = flink.cancel(job);
    JobID restored = flink.submit(settings, Optional.of(checkpoint.toUri().toString()));
    publisher.join();
    assertThat(failed).isFalse();

    Set<Long> expected =
        LongStream.rangeClosed(1, total)
            .filter(id -> id % 50 != 0)
            .boxed()
            .collect(Collectors.toSet());
    Map<Long, Integer> counts =
        await(
            "every good id",
            () -> TestTables.countsOf(table, "id"),
            c -> c.size() >= expected.size(),
            Duration.ofSeconds(120));
    List<ConsumerRecord<byte[], byte[]>> dead =
        client.readCommitted("stream-dlq", (int) (total / 50), Duration.ofSeconds(60));
    flink.cancel(restored);

    assertThat(counts.keySet()).isEqualTo(expected);
    assertThat(counts.values()).allMatch(n -> n == 1, "every id exactly once");
    assertThat(TestTables.rows(table)).hasSize(expected.size());
    Map<String, Integer> deadByOffset = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : dead) {
      deadByOffset.merge(
          header(letter, DeadLetterSerializer.SOURCE_PARTITION)
              + "@"
              + header(letter, DeadLetterSerializer.SOURCE_OFFSET),
          1,
          Integer::sum);
    }
    assertThat(dead).hasSize((int) (total / 50));
    assertThat(deadByOffset.values()).allMatch(n -> n == 1, "every bad message exactly once");
  }

  @Test
  void anAddedColumnIsFilledAfterARestartAndADroppedOneIsNoLongerWritten() throws Exception {
    client.createTopic("evolving", 1);
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()),
            Types.NestedField.optional(3, "legacy", Types.StringType.get()));
    Table table = tables.create("evolving", schema, PartitionSpec.unpartitioned());
    for (long id = 1; id <= 100; id++) {
      client.send("evolving", key(id), json(id));
    }
    client.flush();
    Map<String, String> settings = settings("evolving", "evolving", 1);
    JobID job = flink.submit(settings, Optional.empty());
    await("first rows", () -> TestTables.rows(table).size(), n -> n >= 100, Duration.ofSeconds(60));
    String savepoint = flink.stopWithSavepoint(job);
    long snapshotBeforeChange = tables.load("evolving").currentSnapshot().snapshotId();

    table.refresh();
    table.updateSchema().addColumn("added", Types.StringType.get()).deleteColumn("legacy").commit();
    for (long id = 101; id <= 200; id++) {
      client.send("evolving", key(id), json(id));
    }
    client.flush();
    JobID restarted = flink.submit(settings, Optional.of(savepoint));
    List<Record> rows =
        await(
            "all rows", () -> TestTables.rows(table), r -> r.size() >= 200, Duration.ofSeconds(60));
    flink.cancel(restarted);

    assertThat(rows).hasSize(200);
    for (Record row : rows) {
      long id = (Long) row.getField("id");
      assertThat(row.getField("name")).isEqualTo("name-" + id);
      assertThat(row.getField("added")).isEqualTo(id <= 100 ? null : "added-" + id);
      assertThat(row.struct().field("legacy")).isNull();
    }
    Table reloaded = tables.load("evolving");
    assertThat(reloaded.currentSnapshot().summary())
        .containsEntry(CommitSummary.SCHEMA_ID, Integer.toString(reloaded.schema().schemaId()));
    List<DataFile> newFiles = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        reloaded
            .newIncrementalAppendScan()
            .fromSnapshotExclusive(snapshotBeforeChange)
            .includeColumnStats()
            .planFiles()) {
      tasks.forEach(task -> newFiles.add(task.file()));
    }
    assertThat(newFiles).isNotEmpty();
    for (DataFile file : newFiles) {
      assertThat(file.valueCounts()).containsKey(4).doesNotContainKey(3);
    }
  }

  private static int restarts(JobID job) {
    try {
      return flink.restarts(job);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int awaitMoreRows(Table table, int than, String what) {
    return await(what, () -> TestTables.rows(table).size(), n -> n > than, Duration.ofSeconds(90));
  }

  @Test
  void readsThroughSaslSslWithScramCredentialsFromSecretsManager() throws Exception {
    client.createTopic("secured", 2);
    client.createTopic("secured-dlq", 1);
    Table table =
        tables.create(
            "secured",
            SampleMessages.sampleSchema(),
            SampleMessages.sampleSpec(SampleMessages.sampleSchema()));
    for (long id = 1; id <= 200; id++) {
      byte[] value =
          id % 40 == 0
              ? SampleMessages.malformed(id, 0)
              : SampleMessages.sample(id, timestampOf(id));
      client.send("secured", key(id), value);
    }
    client.flush();
    FakeSecretsManager secrets = new FakeSecretsManager("eu-west-1", java.time.Clock.systemUTC());
    try (AwsJsonFakeServer aws = AwsJsonFakeServer.start(secrets)) {
      String arn =
          secrets.putSecret(
              "kafka/loader", "{\"apiKey\": \"loader\", \"apiSecret\": \"scram-secret\"}");
      flink.credentials(
          new CredentialsResolver(
              secretId ->
                  SecretsManagerClient.builder()
                      .endpointOverride(aws.endpoint())
                      .region(Region.EU_WEST_1)
                      .credentialsProvider(
                          StaticCredentialsProvider.create(
                              AwsBasicCredentials.create("test", "test")))
                      .httpClient(UrlConnectionHttpClient.create())
                      .build(),
              System::getenv));
      Map<String, String> settings = settings("secured", "secured", 2);
      settings.put("source.bootstrap-servers", kafka.saslSsl().orElseThrow().bootstrapServers());
      settings.put("source.security-protocol", "sasl-ssl");
      settings.put("source.sasl-mechanism", "scram-sha-512");
      settings.put("source.credentials", "secretsmanager:" + arn);
      settings.put("source.kafka.ssl.truststore.type", "PEM");
      settings.put(
          "source.kafka.ssl.truststore.location",
          kafka.saslSsl().orElseThrow().trustedCertificate().toString());
      settings.put("bad-messages.dead-letter-topic", "secured-dlq");
      JobID job = flink.submit(settings, Optional.empty());
      Map<Long, Integer> counts =
          await(
              "195 rows",
              () -> TestTables.countsOf(table, "id"),
              c -> c.size() >= 195,
              Duration.ofSeconds(90));
      List<ConsumerRecord<byte[], byte[]>> dead =
          client.readCommitted("secured-dlq", 5, Duration.ofSeconds(60));
      flink.cancel(job);

      assertThat(counts).hasSize(195).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
      assertThat(dead).hasSize(5);
    } finally {
      flink.credentials(new CredentialsResolver());
    }
  }

  private static byte[] json(long id) {
    return ("{\"id\": "
            + id
            + ", \"name\": \"name-"
            + id
            + "\", \"legacy\": \"legacy-"
            + id
            + "\", \"added\": \"added-"
            + id
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
