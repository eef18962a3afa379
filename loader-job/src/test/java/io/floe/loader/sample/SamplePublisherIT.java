package io.floe.loader.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.local.LocalKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplePublisherIT {
  @TempDir static Path dir;
  private static LocalKafka kafka;

  private final ObjectMapper mapper = new ObjectMapper();

  @BeforeAll
  static void startKafka() {
    kafka = LocalKafka.start(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void publishesACountWithMalformedMessagesToTwoPartitions() {
    SamplePublisherOptions options =
        new SamplePublisherOptions(
            kafka.bootstrapServers(),
            "samples",
            SamplePayload.SAMPLE,
            1,
            new MalformedShare(0.05),
            Map.of());
    try (SamplePublisher publisher = new SamplePublisher(options, System.out)) {
      assertThat(publisher.createTopicIfAbsent(Optional.of(2))).isTrue();
      assertThat(publisher.createTopicIfAbsent(Optional.of(2))).isFalse();
      PublishedCounts counts = publisher.publishCount(1_000);
      assertThat(counts.messages()).isEqualTo(1_000);
      assertThat(counts.malformed()).isEqualTo(50);
      assertThat(counts.toString()).startsWith("published 1000 messages (50 malformed) in ");
    }

    List<ConsumerRecord<String, byte[]>> records = consumeAll("samples", 1_000);
    assertThat(records).hasSize(1_000);
    assertThat(records.stream().map(ConsumerRecord::key).map(Long::valueOf))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 1_000).boxed().toList());
    assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(0, 1);

    Set<Long> malformedIds = new TreeSet<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      long id = Long.parseLong(record.key());
      Optional<JsonNode> sample = wellFormedSample(record.value(), id);
      if (sample.isEmpty()) {
        malformedIds.add(id);
        continue;
      }
      assertThat(record.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
      long messageMillis =
          OffsetDateTime.parse(sample.get().get("timestamp").textValue())
              .toInstant()
              .toEpochMilli();
      assertThat(record.timestamp()).as("id %d", id).isEqualTo(messageMillis);
    }
    assertThat(malformedIds).hasSize(50).allMatch(id -> id % 20 == 0);
  }

  @Test
  void publishesAtAPacedRateAndContinuesTheIds() {
    SamplePublisherOptions options =
        SamplePublisherOptions.samples(kafka.bootstrapServers(), "paced");
    try (SamplePublisher publisher = new SamplePublisher(options, System.out)) {
      publisher.createTopicIfAbsent(Optional.of(1));
      PublishedCounts paced = publisher.publishAtRate(200, Optional.of(Duration.ofSeconds(2)));
      assertThat(paced.messages()).isEqualTo(400);
      // The last message is due 399 / 200 s after the first: pacing, not a timing benchmark.
      assertThat(paced.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(1_900));
      assertThat(publisher.publishCount(10).messages()).isEqualTo(10);
    }

    List<ConsumerRecord<String, byte[]>> records = consumeAll("paced", 410);
    assertThat(records.stream().map(ConsumerRecord::key).map(Long::valueOf))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 410).boxed().toList());
    for (ConsumerRecord<String, byte[]> record : records) {
      assertThat(wellFormedSample(record.value(), Long.parseLong(record.key()))).isPresent();
    }
  }

  @Test
  void commandLineCreatesTheTopicPublishesAndPrintsTheSummary() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode =
        SamplePublisher.run(
            new String[] {
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--topic",
              "wide",
              "--count",
              "100",
              "--start-id",
              "1000",
              "--payload",
              "wide",
              "--create-topic",
              "--partitions",
              "3"
            },
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8));
    assertThat(exitCode).as(err.toString(UTF_8)).isZero();
    assertThat(out.toString(UTF_8))
        .contains("created topic wide")
        .containsPattern(
            "published 100 messages \\(0 malformed\\) in \\d+\\.\\d s \\(\\d+ msg/s\\)");

    List<ConsumerRecord<String, byte[]>> records = consumeAll("wide", 100);
    assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
        .hasSize(3);
    for (ConsumerRecord<String, byte[]> record : records) {
      JsonNode wide = mapper.readTree(record.value());
      assertThat(wide.size()).isEqualTo(SampleMessages.WIDE_COLUMNS);
      assertThat(wide.get("id").asText()).isEqualTo(record.key());
    }
    assertThat(records.stream().map(ConsumerRecord::key).map(Long::valueOf))
        .containsExactlyInAnyOrderElementsOf(LongStream.range(1_000, 1_100).boxed().toList());
  }

  /**
   * The README's command, as written, run in a shell from the checkout's root (so the JAR glob
   * expands there) with this broker's address: it must work with the built loader JAR alone.
   * Stopping it as Ctrl-C would (a signal) prints the final counts.
   */
  @Test
  void theReadmeCommandRunsWithTheLoaderJarAlone() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    String command = readmeCommand(root.resolve("README.md"), "SamplePublisher");
    assertThat(command).startsWith("java -cp loader-job/target/loader-job-*.jar ");
    String topic = argument(command, "--topic");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    // The JVM running this test, wherever java is on the PATH.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String runnable =
        "exec "
            + java
            + command
                .substring("java".length())
                .replace("localhost:9092", kafka.bootstrapServers());
    Path output = dir.resolve("readme-command.out");
    Process process =
        new ProcessBuilder("bash", "-c", runnable)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (messagesIn(topic) < 2_000 && process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(process.isAlive())
          .as("the command still publishes; its output:%n%s", Files.readString(output))
          .isTrue();
      assertThat(messagesIn(topic)).isGreaterThanOrEqualTo(2_000);
    } finally {
      process.destroy();
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String printed = Files.readString(output);
    assertThat(printed)
        .doesNotContain("Exception")
        .containsPattern("published \\d+ messages \\(\\d+ malformed\\) in ");
    List<ConsumerRecord<String, byte[]>> records = consumeAll(topic, 2_000);
    long malformed =
        records.stream()
            .filter(r -> wellFormedSample(r.value(), Long.parseLong(r.key())).isEmpty())
            .count();
    assertThat(malformed).as("the README's --malformed-share 0.01").isPositive();
  }

  /**
   * The command of the README's code block that mentions {@code word}, continuation lines joined.
   */
  private static String readmeCommand(Path readme, String word) throws IOException {
    String[] blocks = Files.readString(readme).split("```");
    for (int i = 1; i < blocks.length; i += 2) {
      if (blocks[i].contains(word)) {
        return blocks[i].replaceAll("\\\\\\s*\n\\s*", " ").strip();
      }
    }
    throw new AssertionError("No code block with " + word + " in " + readme);
  }

  private static String argument(String command, String name) {
    Matcher matcher = Pattern.compile(Pattern.quote(name) + "\\s+(\\S+)").matcher(command);
    assertThat(matcher.find()).as("%s in %s", name, command).isTrue();
    return matcher.group(1);
  }

  /** How many messages the topic holds (its partitions' end offsets). */
  private static long messagesIn(String topic) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The message as JSON when it is a well-formed sample with this id; empty when malformed. */
  private Optional<JsonNode> wellFormedSample(byte[] value, long id) {
    JsonNode message;
    try {
      message = mapper.readTree(value);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!message.isObject()
        || !message.path("id").isIntegralNumber()
        || !message.path("integer").isIntegralNumber()) {
      return Optional.empty();
    }
    assertThat(message.get("id").longValue()).isEqualTo(id);
    return Optional.of(message);
  }

  /** Reads the topic from the start until {@code expected} records arrived, and a little longer. */
  private static List<ConsumerRecord<String, byte[]>> consumeAll(String topic, int expected) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // Anything beyond the expected records would be a duplicate: look once more.
      consumer.poll(Duration.ofMillis(300)).forEach(records::add);
    }
    return records;
  }
}
