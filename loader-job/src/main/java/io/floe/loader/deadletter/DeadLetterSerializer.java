package io.floe.loader.deadletter;

import static java.util.Objects.requireNonNull;

import io.floe.loader.source.KafkaMessage;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a dead letter as the original record (key, value, headers, timestamp) plus headers that
 * say where it came from, why it was refused and which table commit it belongs to, so that it can
 * be inspected and replayed, and published exactly once.
 */
public final class DeadLetterSerializer {
  public static final String PIPELINE = DeadLetterHeaders.PIPELINE;
  public static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
  public static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
  public static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;
  public static final String SOURCE_TIMESTAMP = DeadLetterHeaders.SOURCE_TIMESTAMP;
  public static final String ERROR_CLASS = DeadLetterHeaders.ERROR_CLASS;
  public static final String ERROR_MESSAGE = DeadLetterHeaders.ERROR_MESSAGE;
  public static final String ERROR_PATH = DeadLetterHeaders.ERROR_PATH;
  public static final String SNAPSHOT_ID = DeadLetterHeaders.SNAPSHOT_ID;

  private final String topic;
  private final String pipeline;

  public DeadLetterSerializer(String topic, String pipeline) {
    this.topic = requireNonNull(topic, "topic is null");
    this.pipeline = requireNonNull(pipeline, "pipeline is null");
  }

  public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, long snapshotId) {
    KafkaMessage message = letter.message();
    RecordHeaders headers = new RecordHeaders();
    for (KafkaMessage.Header header : message.headers()) {
      headers.add(header.key(), header.value());
    }
    headers.add(PIPELINE, utf8(pipeline));
    headers.add(SOURCE_TOPIC, utf8(message.topic()));
    headers.add(SOURCE_PARTITION, utf8(Integer.toString(message.partition())));
    headers.add(SOURCE_OFFSET, utf8(Long.toString(message.offset())));
    headers.add(SOURCE_TIMESTAMP, utf8(Long.toString(message.timestamp())));
    headers.add(ERROR_CLASS, utf8(letter.reason()));
    headers.add(ERROR_MESSAGE, utf8(letter.errorMessage()));
    headers.add(ERROR_PATH, utf8(letter.path()));
    headers.add(SNAPSHOT_ID, utf8(Long.toString(snapshotId)));
    return new ProducerRecord<>(
        topic, null, message.timestamp(), message.key(), message.value(), headers);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
