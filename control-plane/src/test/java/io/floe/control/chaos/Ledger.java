package io.floe.control.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a topic holds and what a table and a dead-letter topic hold, counted by unique id (rows) and
 * by source partition and offset (dead letters): the checker of every chaos run.
 */
public final class Ledger {
  /** One message of the source topic; its key is its id. */
  public record Message(int partition, long offset, long id, boolean malformed) {
    String source() {
      return partition + "@" + offset;
    }
  }

  /** What one pipeline should hold and what it holds. */
  public record Verdict(
      String pipeline,
      int expectedRows,
      Set<Long> rowsLost,
      Map<Long, Integer> rowsDuplicated,
      Set<Long> rowsUnexpected,
      int expectedDeadLetters,
      Set<String> deadLettersLost,
      Map<String, Integer> deadLettersDuplicated,
      Set<String> deadLettersUnexpected) {
    public boolean exact() {
      return rowsLost.isEmpty()
          && rowsDuplicated.isEmpty()
          && rowsUnexpected.isEmpty()
          && deadLettersLost.isEmpty()
          && deadLettersDuplicated.isEmpty()
          && deadLettersUnexpected.isEmpty();
    }

    public long duplicatedRows() {
      return rowsDuplicated.values().stream().mapToLong(n -> n - 1).sum();
    }

    public long duplicatedDeadLetters() {
      return deadLettersDuplicated.values().stream().mapToLong(n -> n - 1).sum();
    }

    @Override
    public String toString() {
      return String.format(
          "%s: %d rows expected, %d lost %s, %d duplicated %s, %d unexpected; %d dead letters"
              + " expected, %d lost %s, %d duplicated %s, %d unexpected",
          pipeline,
          expectedRows,
          rowsLost.size(),
          first(rowsLost),
          duplicatedRows(),
          first(rowsDuplicated.keySet()),
          rowsUnexpected.size(),
          expectedDeadLetters,
          deadLettersLost.size(),
          first(deadLettersLost),
          duplicatedDeadLetters(),
          first(deadLettersDuplicated.keySet()),
          deadLettersUnexpected.size());
    }

    private static String first(Set<?> values) {
      return values.stream().limit(10).toList().toString();
    }
  }

  private Ledger() {}

  /** Every committed message of the topic, from its beginning to its end now. */
  public static List<Message> read(String bootstrapServers, String topic) {
    List<Message> messages = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : readAll(bootstrapServers, topic)) {
      long id = Long.parseLong(new String(record.key(), StandardCharsets.UTF_8));
      messages.add(
          new Message(record.partition(), record.offset(), id, SteadyPublisher.malformed(id)));
    }
    return messages;
  }

  /** How often each source message (partition@offset) is in the dead-letter topic. */
  public static Map<String, Integer> deadLetters(String bootstrapServers, String topic) {
    Map<String, Integer> counts = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : readAll(bootstrapServers, topic)) {
      counts.merge(
          header(record, "floe.source.partition") + "@" + header(record, "floe.source.offset"),
          1,
          Integer::sum);
    }
    return counts;
  }

  /** How often each id is in the table. */
  public static Map<Long, Integer> rows(Table table) {
    table.refresh();
    Map<Long, Integer> counts = new HashMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).select("id").build()) {
      for (Record record : records) {
        counts.merge((Long) record.getField("id"), 1, Integer::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counts;
  }

  /**
   * Compares what a pipeline holds with the messages it should have loaded: each good one a row,
   * each malformed one a dead letter, each exactly once.
   */
  public static Verdict verdict(
      String pipeline,
      List<Message> expected,
      Map<Long, Integer> rows,
      Map<String, Integer> deadLetters) {
    Set<Long> good = new TreeSet<>();
    Set<String> bad = new TreeSet<>();
    for (Message message : expected) {
      if (message.malformed()) {
        bad.add(message.source());
      } else {
        good.add(message.id());
      }
    }
    Set<Long> rowsLost = new TreeSet<>(good);
    rowsLost.removeAll(rows.keySet());
    Map<Long, Integer> rowsDuplicated = new TreeMap<>(rows);
    rowsDuplicated.values().removeIf(n -> n == 1);
    Set<Long> rowsUnexpected = new TreeSet<>(rows.keySet());
    rowsUnexpected.removeAll(good);
    Set<String> lettersLost = new TreeSet<>(bad);
    lettersLost.removeAll(deadLetters.keySet());
    Map<String, Integer> lettersDuplicated = new TreeMap<>(deadLetters);
    lettersDuplicated.values().removeIf(n -> n == 1);
    Set<String> lettersUnexpected = new TreeSet<>(deadLetters.keySet());
    lettersUnexpected.removeAll(bad);
    return new Verdict(
        pipeline,
        good.size(),
        rowsLost,
        rowsDuplicated,
        rowsUnexpected,
        bad.size(),
        lettersLost,
        lettersDuplicated,
        lettersUnexpected);
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrapServers, String topic) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrapServers);
    properties.put("isolation.level", "read_committed");
    properties.put("enable.auto.commit", "false");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = highWatermarks(bootstrapServers, partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Cannot read " + topic + " to its end within 2 min");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
            records.add(record);
          }
        }
      }
    }
    return records;
  }

  /**
   * Where the topic's partitions end now, transactions open or not: a read-committed consumer's own
   * end (the last stable offset) stays behind a committed transaction until the broker has written
   * its markers, which it does after the producer's commit returned.
   */
  private static Map<TopicPartition, Long> highWatermarks(
      String bootstrapServers, List<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      Map<TopicPartition, Long> end = new HashMap<>();
      admin
          .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
          .all()
          .get()
          .forEach((partition, info) -> end.put(partition, info.offset()));
      return end;
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Cannot list the end offsets of " + partitions, e);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
