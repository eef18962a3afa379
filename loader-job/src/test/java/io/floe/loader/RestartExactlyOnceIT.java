package io.floe.loader;

import static io.floe.loader.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.deadletter.DeadLetterSerializer;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.testing.LoaderCluster;
import io.floe.loader.testing.TestTables;
import io.floe.local.LocalKafka;
import io.floe.testing.kafka.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a run starts reading, whatever brought it back: the starting position applies once, later
 * starts (with or without state, with state older than the table) continue after what the table
 * committed, and dead letters stay exactly once. Ids are counted in the table and in the
 * dead-letter topic.
 */
class RestartExactlyOnceIT {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()));
  // Record timestamps within the broker's retention (7 days), which would delete older ones.
  private static final Instant BASE =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  private static LocalKafka kafka;
  private static KafkaTestClient client;
  private static LoaderCluster flink;
  private static TestTables tables;

  @BeforeAll
  static void start() throws Exception {
    kafka = LocalKafka.start(dir.resolve("kafka"));
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

  /**
   * Each mode: messages published before the first start (loaded by the mode's rule), while it
   * runs, while it is down (a start without state must continue after the table, neither skipping
   * nor loading again), and after the second start. Every tenth message is malformed.
   */
  @ParameterizedTest
  @ValueSource(strings = {"committed", "earliest", "latest", "timestamp"})
  void theStartingPositionAppliesOnceAndEveryLaterStartContinuesAfterTheTable(String mode)
      throws Exception {
    String topic = "modes-" + mode;
    client.createTopic(topic, 2);
    client.createTopic(topic + "-dlq", 1);
    Table table = tables.create(topic, SCHEMA, PartitionSpec.unpartitioned());
    Map<String, String> settings = settings(topic, topic, 2);
    settings.put("source.starting-offsets", mode);
    settings.put("bad-messages.dead-letter-topic", topic + "-dlq");
    if (mode.equals("timestamp")) {
      settings.put("source.starting-timestamp", Long.toString(timestampOf(21).toEpochMilli()));
    }

    publish(topic, 1, 40);
    JobID first = flink.submit(settings, Optional.empty());
    publish(topic, 41, 80);
    Set<Long> expected = new TreeSet<>();
    long firstLoaded = mode.equals("latest") ? 41 : mode.equals("timestamp") ? 21 : 1;
    expected.addAll(good(firstLoaded, 80));
    awaitIds(table, expected);
    flink.cancel(first);

    publish(topic, 81, 120);
    JobID second = flink.submit(settings, Optional.empty());
    publish(topic, 121, 140);
    expected.addAll(good(81, 140));
    awaitIds(table, expected);
    awaitDeadLetters(table, bad(firstLoaded, 140).size());
    flink.cancel(second);

    assertExactlyOnce(table, expected, topic + "-dlq", bad(firstLoaded, 140).size());
  }

  @Test
  void partitionsCreatedAfterTheFirstStartAreReadFromTheirBeginning() throws Exception {
    client.createTopic("growing", 1);
    Table table = tables.create("growing", SCHEMA, PartitionSpec.unpartitioned());
    Map<String, String> settings = settings("growing", "growing", 1);
    settings.put("source.starting-offsets", "latest");
    settings.put("source.partition-discovery-interval", "1s");
    settings.put("bad-messages.policy", "skip");
    for (long id = 1; id <= 10; id++) {
      sendTo("growing", 0, id);
    }
    client.flush();
    JobID first = flink.submit(settings, Optional.empty());
    for (long id = 11; id <= 20; id++) {
      sendTo("growing", 0, id);
    }
    client.flush();
    awaitIds(table, good(11, 20));

    addPartitions("growing", 2);
    for (long id = 21; id <= 30; id++) {
      sendTo("growing", 1, id);
    }
    client.flush();
    awaitIds(table, good(11, 30));
    flink.cancel(first);

    addPartitions("growing", 3);
    for (long id = 31; id <= 40; id++) {
      sendTo("growing", 2, id);
    }
    for (long id = 41; id <= 45; id++) {
      sendTo("growing", 0, id);
    }
    client.flush();
    JobID second = flink.submit(settings, Optional.empty());
    awaitIds(table, good(11, 45));
    flink.cancel(second);

    assertExactlyOnce(table, good(11, 45), null, 0);
  }

  private static void addPartitions(String topic, int count) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(count))).all().get();
    }
  }

  @Test
  void aRestoreOfASavepointOlderThanTheTablesLastCommitLoadsNothingTwice() throws Exception {
    client.createTopic("stale", 1);
    client.createTopic("stale-dlq", 1);
    Table table = tables.create("stale", SCHEMA, PartitionSpec.unpartitioned());
    Map<String, String> settings = settings("stale", "stale", 1);
    settings.put("bad-messages.dead-letter-topic", "stale-dlq");

    publish("stale", 1, 50);
    JobID first = flink.submit(settings, Optional.empty());
    awaitIds(table, good(1, 50));
    String older = flink.stopWithSavepoint(first);

    publish("stale", 51, 100);
    JobID second = flink.submit(settings, Optional.of(older));
    awaitIds(table, good(1, 100));
    flink.stopWithSavepoint(second);

    publish("stale", 101, 150);
    JobID third = flink.submit(settings, Optional.of(older));
    awaitIds(table, good(1, 150));
    awaitDeadLetters(table, bad(1, 150).size());
    flink.cancel(third);

    assertExactlyOnce(table, good(1, 150), "stale-dlq", bad(1, 150).size());
  }

  @Test
  void aPartitionTheTableHoldsNoOffsetsForStartsByTheRuleNeverAtTheGroupsOffsets()
      throws Exception {
    client.createTopic("idle", 2);
    Table table = tables.create("idle", SCHEMA, PartitionSpec.unpartitioned());
    Map<String, String> settings = settings("idle", "idle", 2);
    settings.put("bad-messages.policy", "skip");
    for (long id = 1; id <= 20; id++) {
      sendTo("idle", 0, id);
    }
    client.flush();
    JobID first = flink.submit(settings, Optional.empty());
    awaitIds(table, good(1, 20));
    flink.cancel(first);

    for (long id = 21; id <= 30; id++) {
      sendTo("idle", 1, id);
    }
    client.flush();
    // The source commits the group's offsets on every completed checkpoint, also when the table
    // commit of that checkpoint never happened: the group may be ahead of the table.
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .alterConsumerGroupOffsets(
              "floe-idle", Map.of(new TopicPartition("idle", 1), new OffsetAndMetadata(5)))
          .all()
          .get();
    }
    JobID second = flink.submit(settings, Optional.empty());
    await(
        "the last good message of partition 1",
        () -> TestTables.countsOf(table, "id"),
        counts -> counts.containsKey(29L),
        WAIT);
    flink.cancel(second);

    assertExactlyOnce(table, good(1, 30), null, 0);
  }

  @Test
  void aDeadLetterWhoseTransactionTheBrokerAbortedIsNotLost() throws Exception {
    client.createTopic("aborted", 1);
    client.createTopic("aborted-dlq", 1);
    Table table = tables.create("aborted", SCHEMA, PartitionSpec.unpartitioned());
    Map<String, String> settings = settings("aborted", "aborted", 1);
    settings.put("bad-messages.dead-letter-topic", "aborted-dlq");
    // Commits 20 s apart; the broker aborts a transaction 2 s after it began (it checks every
    // 10 s): a dead letter that waited for the end of its interval in an open transaction (as
    // Flink's transactional Kafka sink keeps it) outlives that transaction.
    settings.put("job.flush-interval", "20s");
    settings.put("bad-messages.transaction-timeout", "2s");

    JobID job = flink.submit(settings, Optional.empty());
    sendTo("aborted", 0, 1);
    client.flush();
    awaitIds(table, Set.of(1L));
    sendTo("aborted", 0, 2, "{\"id\": 2, \"name\": ");
    sendTo("aborted", 0, 3);
    client.flush();
    awaitIds(table, Set.of(1L, 3L));
    awaitDeadLetters(table, 1);
    flink.cancel(job);

    assertExactlyOnce(table, Set.of(1L, 3L), "aborted-dlq", 1);
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

  /** Ids from..to, each tenth malformed; partitions by key; record timestamps one second apart. */
  private static void publish(String topic, long from, long to) {
    for (long id = from; id <= to; id++) {
      client
          .producer()
          .send(
              new ProducerRecord<>(
                  topic, null, timestampOf(id).toEpochMilli(), key(id), value(id)));
    }
    client.flush();
  }

  private static void sendTo(String topic, int partition, long id) {
    sendTo(topic, partition, id, new String(value(id), StandardCharsets.UTF_8));
  }

  private static void sendTo(String topic, int partition, long id, String value) {
    client
        .producer()
        .send(
            new ProducerRecord<>(
                topic,
                partition,
                timestampOf(id).toEpochMilli(),
                key(id),
                value.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] key(long id) {
    return Long.toString(id).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(long id) {
    String json =
        id % 10 == 0 ? "{\"id\": " + id + ", \"name\": " : "{\"id\": " + id + ", \"name\": \"n\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static Instant timestampOf(long id) {
    return BASE.plusSeconds(id);
  }

  private static Set<Long> good(long from, long to) {
    return LongStream.rangeClosed(from, to)
        .filter(id -> id % 10 != 0)
        .boxed()
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Long> bad(long from, long to) {
    return LongStream.rangeClosed(from, to)
        .filter(id -> id % 10 == 0)
        .boxed()
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static void awaitIds(Table table, Set<Long> ids) {
    await(
        ids.size() + " ids in " + table.name(),
        () -> TestTables.countsOf(table, "id"),
        counts -> counts.keySet().containsAll(ids),
        WAIT);
  }

  /** Until the table's commits count this many dead letters. */
  private static void awaitDeadLetters(Table table, long count) {
    await(
        count + " dead letters committed to " + table.name(),
        () -> deadLettered(table),
        n -> n >= count,
        WAIT);
  }

  private static long deadLettered(Table table) {
    table.refresh();
    long total = 0;
    for (Snapshot snapshot : table.snapshots()) {
      total +=
          Long.parseLong(snapshot.summary().getOrDefault(CommitSummary.RECORDS_DEAD_LETTERED, "0"));
    }
    return total;
  }

  /**
   * The table holds exactly the expected ids, each once; the dead-letter topic holds each bad
   * message once (by source partition and offset), as many as the table's commits counted.
   */
  private static void assertExactlyOnce(
      Table table, Set<Long> expected, String deadLetterTopic, int deadLetters)
      throws ExecutionException, InterruptedException {
    Map<Long, Integer> counts = TestTables.countsOf(table, "id");
    Map<Long, Integer> twice = new TreeMap<>(counts);
    twice.values().removeIf(n -> n == 1);
    assertThat(twice).as("ids loaded more than once").isEmpty();
    Set<Long> missing = new TreeSet<>(expected);
    missing.removeAll(counts.keySet());
    assertThat(missing).as("ids never loaded").isEmpty();
    Set<Long> unexpected = new TreeSet<>(counts.keySet());
    unexpected.removeAll(expected);
    assertThat(unexpected).as("ids loaded that the starting position excludes").isEmpty();
    if (deadLetterTopic == null) {
      return;
    }
    List<ConsumerRecord<byte[], byte[]>> letters =
        client.readCommitted(deadLetterTopic, deadLetters, Duration.ofSeconds(30));
    Map<String, Integer> bySource = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      bySource.merge(
          header(letter, DeadLetterSerializer.SOURCE_PARTITION)
              + "@"
              + header(letter, DeadLetterSerializer.SOURCE_OFFSET),
          1,
          Integer::sum);
    }
    Map<String, Integer> repeated = new TreeMap<>(bySource);
    repeated.values().removeIf(n -> n == 1);
    assertThat(repeated).as("dead letters sent more than once").isEmpty();
    assertThat(bySource).as("dead letters").hasSize(deadLetters);
    assertThat(deadLettered(table))
        .as("dead letters the table's commits counted")
        .isEqualTo(deadLetters);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
