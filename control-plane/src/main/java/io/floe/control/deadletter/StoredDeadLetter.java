package io.floe.control.deadletter;

import static java.util.Objects.requireNonNull;

import io.floe.loader.deadletter.DeadLetterHeaders;
import io.floe.loader.source.KafkaMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record of a dead-letter topic, read back: where it sits in that topic, the original message
 * as the loader received it (key, value, headers, source position, timestamp) and why it was
 * refused, from the headers the loader added.
 *
 * @param partition the dead-letter topic's partition
 * @param offset its offset there
 * @param pipeline the pipeline that refused it (a topic may be shared)
 * @param message the original message, with its source topic, partition and offset
 * @param errorClass the reason, e.g. MALFORMED_JSON
 * @param errorPath the failing column or JSON path; empty when the whole message failed
 * @param errorMessage what was wrong, in words
 */
public record StoredDeadLetter(
    int partition,
    long offset,
    String pipeline,
    KafkaMessage message,
    String errorClass,
    String errorPath,
    String errorMessage) {
  public StoredDeadLetter {
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(message, "message is null");
    requireNonNull(errorClass, "errorClass is null");
    requireNonNull(errorPath, "errorPath is null");
    requireNonNull(errorMessage, "errorMessage is null");
  }

  /**
   * Reads a dead-letter record; empty when it lacks the headers of a Floe dead letter (something
   * else was written to the topic).
   */
  public static Optional<StoredDeadLetter> of(ConsumerRecord<byte[], byte[]> record) {
    List<Header> headers = new ArrayList<>();
    record.headers().forEach(headers::add);
    String[] floe = new String[DeadLetterHeaders.ALL.size()];
    // Floe's headers follow the original ones: the last header of each name is Floe's.
    for (int i = 0; i < floe.length; i++) {
      String name = DeadLetterHeaders.ALL.get(i);
      for (int h = headers.size() - 1; h >= 0; h--) {
        if (headers.get(h).key().equals(name)) {
          byte[] value = headers.remove(h).value();
          floe[i] = value == null ? "" : new String(value, StandardCharsets.UTF_8);
          break;
        }
      }
    }
    String pipeline = floe[0];
    String sourceTopic = floe[1];
    Long sourcePartition = number(floe[2]);
    Long sourceOffset = number(floe[3]);
    String errorClass = floe[5];
    if (pipeline == null
        || sourceTopic == null
        || sourcePartition == null
        || sourceOffset == null
        || errorClass == null) {
      return Optional.empty();
    }
    List<KafkaMessage.Header> original = new ArrayList<>(headers.size());
    for (Header header : headers) {
      original.add(new KafkaMessage.Header(header.key(), header.value()));
    }
    Long sourceTimestamp = number(floe[4]);
    KafkaMessage message =
        new KafkaMessage(
            sourceTopic,
            sourcePartition.intValue(),
            sourceOffset,
            sourceTimestamp == null ? record.timestamp() : sourceTimestamp,
            record.key(),
            record.value(),
            original);
    return Optional.of(
        new StoredDeadLetter(
            record.partition(),
            record.offset(),
            pipeline,
            message,
            errorClass,
            floe[7] == null ? "" : floe[7],
            floe[6] == null ? "" : floe[6]));
  }

  private static Long number(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
