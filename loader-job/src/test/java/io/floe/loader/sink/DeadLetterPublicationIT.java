package io.floe.loader.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.loader.deadletter.DeadLetter;
import io.floe.loader.deadletter.DeadLetterPublisher;
import io.floe.loader.deadletter.DeadLetterSerializer;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.source.KafkaMessage;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.summary.CommitterFiles;
import io.floe.loader.testing.TestTables;
import io.floe.local.LocalKafka;
import io.floe.testing.kafka.KafkaTestClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters are published with the commit that counted them, exactly once, whichever moment a
 * run stops at: with Flink's operator harness (snapshot, complete, crash, restore) against a real
 * broker, reading the dead-letter topic as a consumer would (read committed).
 */
class DeadLetterPublicationIT {
  private static final Schema SCHEMA =
      new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));
  private static final OperatorID OPERATOR = new OperatorID();

  @TempDir static Path dir;
  private static LocalKafka kafka;
  private static KafkaTestClient client;
  private static TestTables tables;
  private static int tableCount;

  private String pipeline;
  private String topic;
  private Map<String, String> settings;

  @BeforeAll
  static void start() {
    kafka = LocalKafka.start(dir.resolve("kafka"));
    client = new KafkaTestClient(kafka.bootstrapServers());
    tables = new TestTables(dir.resolve("warehouse"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (tables != null) {
      tables.close();
    }
    if (client != null) {
      client.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @BeforeEach
  void newPipeline() {
    pipeline = "letters-" + ++tableCount;
    topic = pipeline + "-dlq";
    client.createTopic(topic, 2);
    tables.create(pipeline, SCHEMA, PartitionSpec.unpartitioned());
    settings = new HashMap<>(tables.loaderSettings(pipeline));
    settings.put("pipeline.name", pipeline);
    settings.put("source.bootstrap-servers", kafka.bootstrapServers());
    settings.put("source.topics", "events");
    settings.put("bad-messages.dead-letter-topic", topic);
  }

  @Test
  void aCommitsDeadLettersArePublishedRightAfterItNamingItsSnapshot() throws Exception {
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(null)) {
      harness.processElement(written(1, letters(0, 10, 11, 12)), 1);
      harness.processElement(written(1, letters(1, 20)), 1);
      harness.snapshot(1, 1);
      assertThat(published()).as("nothing before the commit").isEmpty();
      harness.notifyOfCompletedCheckpoint(1);
    }

    List<ConsumerRecord<byte[], byte[]>> letters = published();
    assertThat(bySource(letters)).containsOnlyKeys("0@10", "0@11", "0@12", "1@20");
    long snapshot = table().currentSnapshot().snapshotId();
    assertThat(letters)
        .allSatisfy(
            letter -> {
              assertThat(header(letter, DeadLetterSerializer.SNAPSHOT_ID))
                  .isEqualTo(Long.toString(snapshot));
              assertThat(header(letter, DeadLetterSerializer.PIPELINE)).isEqualTo(pipeline);
              assertThat(header(letter, DeadLetterSerializer.ERROR_CLASS))
                  .isEqualTo("MALFORMED_JSON");
            });
    assertThat(table().currentSnapshot().summary())
        .containsEntry(CommitSummary.RECORDS_DEAD_LETTERED, "4");
    assertThat(waitingFiles()).as("files of published dead letters are deleted").isEmpty();
  }

  @Test
  void aRunThatStopsBetweenItsCommitAndThePublicationIsPublishedOnRestoreOnce() throws Exception {
    OperatorSubtaskState checkpoint;
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(null)) {
      harness.processElement(written(1, letters(0, 5, 6)), 1);
      checkpoint = harness.snapshot(1, 1);
      // Another run of the pipeline takes over the transactional id: this run commits the table,
      // then its publication fails, as if it stopped between the two.
      fenceWithNewProducer();
      assertThatThrownBy(() -> harness.notifyOfCompletedCheckpoint(1))
          .isInstanceOf(org.apache.kafka.common.KafkaException.class);
    }
    assertThat(table().currentSnapshot().summary())
        .containsEntry(CommitSummary.RECORDS_DEAD_LETTERED, "2");
    assertThat(published()).isEmpty();
    assertThat(waitingFiles()).hasSize(1);

    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> restored = open(checkpoint)) {
      assertThat(bySource(published())).isEqualTo(Map.of("0@5", 1, "0@6", 1));
    }
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> again = open(checkpoint)) {
      assertThat(bySource(published())).as("restored twice").isEqualTo(Map.of("0@5", 1, "0@6", 1));
    }
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> withoutState = open(null)) {
      assertThat(bySource(published())).as("and a start without state").hasSize(2);
    }
    assertThat(waitingFiles()).isEmpty();
    assertThat(table().currentSnapshot().summary())
        .as("one commit")
        .containsEntry(CommitSummary.RECORDS_DEAD_LETTERED, "2");
  }

  @Test
  void aRunThatStopsAfterThePublicationBeforeDeletingItsFilesIsNotPublishedAgain()
      throws Exception {
    OperatorSubtaskState checkpoint;
    Map<Path, byte[]> files = new LinkedHashMap<>();
    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(null)) {
      harness.processElement(written(1, letters(1, 7)), 1);
      checkpoint = harness.snapshot(1, 1);
      for (Path file : waitingFiles()) {
        files.put(file, Files.readAllBytes(file));
      }
      harness.notifyOfCompletedCheckpoint(1);
    }
    // As if the run stopped after publishing but before deleting the files.
    for (Map.Entry<Path, byte[]> file : files.entrySet()) {
      Files.write(file.getKey(), file.getValue());
    }
    assertThat(waitingFiles()).hasSize(1);

    try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> restored = open(checkpoint)) {
      assertThat(bySource(published())).isEqualTo(Map.of("1@7", 1));
    }
    assertThat(waitingFiles()).isEmpty();
  }

  @Test
  void aTransactionLeftOpenByAnEarlierRunIsAbortedAndNeverRead() throws Exception {
    Properties zombie = new Properties();
    zombie.put("bootstrap.servers", kafka.bootstrapServers());
    zombie.put("transactional.id", DeadLetterPublisher.transactionalId(pipeline));
    try (KafkaProducer<byte[], byte[]> earlier =
        new KafkaProducer<>(zombie, new ByteArraySerializer(), new ByteArraySerializer())) {
      earlier.initTransactions();
      earlier.beginTransaction();
      earlier.send(new ProducerRecord<>(topic, "left open".getBytes(StandardCharsets.UTF_8)));
      earlier.flush();

      try (OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness = open(null)) {
        harness.processElement(written(1, letters(0, 3)), 1);
        harness.snapshot(1, 1);
        harness.notifyOfCompletedCheckpoint(1);
      }
    }
    assertThat(bySource(published())).isEqualTo(Map.of("0@3", 1));
  }

  private OneInputStreamOperatorTestHarness<WrittenFiles, Void> open(
      OperatorSubtaskState restoreFrom) throws Exception {
    MockEnvironment environment =
        new MockEnvironmentBuilder()
            .setJobID(new JobID())
            .setParallelism(1)
            .setMaxParallelism(1)
            .setSubtaskIndex(0)
            .build();
    Properties kafkaProperties = new Properties();
    kafkaProperties.put("bootstrap.servers", kafka.bootstrapServers());
    OneInputStreamOperatorTestHarness<WrittenFiles, Void> harness =
        new OneInputStreamOperatorTestHarness<>(
            new TableCommitterOperator(settings, "test", Map.of(), kafkaProperties), environment);
    harness.getStreamConfig().setOperatorID(OPERATOR);
    harness.setup();
    harness.initializeState(restoreFrom);
    harness.open();
    return harness;
  }

  private void fenceWithNewProducer() {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", kafka.bootstrapServers());
    properties.put("transactional.id", DeadLetterPublisher.transactionalId(pipeline));
    try (KafkaProducer<byte[], byte[]> other =
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
      other.initTransactions();
    }
  }

  private static WrittenFiles written(long checkpoint, List<DeadLetter> letters) {
    Map<String, Long> offsets = new TreeMap<>();
    for (DeadLetter letter : letters) {
      offsets.merge(
          "events:" + letter.message().partition(), letter.message().offset() + 1, Math::max);
    }
    return new WrittenFiles(
        checkpoint, 0, new DataFile[0], 0, letters.size(), 0, offsets, 1000, letters);
  }

  private static List<DeadLetter> letters(int partition, long... offsets) {
    List<DeadLetter> letters = new ArrayList<>();
    for (long offset : offsets) {
      KafkaMessage message =
          new KafkaMessage(
              "events",
              partition,
              offset,
              1000 + offset,
              Long.toString(offset).getBytes(StandardCharsets.UTF_8),
              "{\"id\": ".getBytes(StandardCharsets.UTF_8),
              List.of(new KafkaMessage.Header("trace", null)));
      letters.add(
          new DeadLetter(
              message,
              new BadMessageException(
                  BadMessageException.Reason.MALFORMED_JSON, "", "unexpected end of input")));
    }
    return letters;
  }

  private Table table() {
    return tables.load(pipeline);
  }

  private List<Path> waitingFiles() throws Exception {
    Path metadata = Path.of(URI.create(table().location())).resolve("metadata");
    try (Stream<Path> files = Files.list(metadata)) {
      return files
          .filter(f -> CommitterFiles.isDeadLetterFile(f.getFileName().toString()))
          .collect(Collectors.toList());
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> published() {
    return client.readCommittedToEnd(topic);
  }

  private static Map<String, Integer> bySource(List<ConsumerRecord<byte[], byte[]>> letters) {
    Map<String, Integer> counts = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      counts.merge(
          header(letter, DeadLetterSerializer.SOURCE_PARTITION)
              + "@"
              + header(letter, DeadLetterSerializer.SOURCE_OFFSET),
          1,
          Integer::sum);
    }
    return counts;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
