package io.floe.control.deadletter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.deadletter.DeadLetterHeaders;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class StoredDeadLetterTest {
  @Test
  void theOriginalMessageComesBackWithItsOwnHeadersEvenOnesNamedLikeFloes() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", "t-1".getBytes(UTF_8));
    headers.add(DeadLetterHeaders.ERROR_CLASS, "the producer's own".getBytes(UTF_8));
    add(headers, DeadLetterHeaders.PIPELINE, "orders");
    add(headers, DeadLetterHeaders.SOURCE_TOPIC, "orders-in");
    add(headers, DeadLetterHeaders.SOURCE_PARTITION, "3");
    add(headers, DeadLetterHeaders.SOURCE_OFFSET, "42");
    add(headers, DeadLetterHeaders.SOURCE_TIMESTAMP, "1700000000000");
    add(headers, DeadLetterHeaders.ERROR_CLASS, "UNKNOWN_FIELD");
    add(headers, DeadLetterHeaders.ERROR_MESSAGE, "field is not a column of the table");
    add(headers, DeadLetterHeaders.ERROR_PATH, "country");
    add(headers, DeadLetterHeaders.SNAPSHOT_ID, "77");
    ConsumerRecord<byte[], byte[]> record = record(headers);

    StoredDeadLetter letter = StoredDeadLetter.of(record).orElseThrow();
    assertThat(letter.partition()).isEqualTo(1);
    assertThat(letter.offset()).isEqualTo(9);
    assertThat(letter.pipeline()).isEqualTo("orders");
    assertThat(letter.errorClass()).isEqualTo("UNKNOWN_FIELD");
    assertThat(letter.errorPath()).isEqualTo("country");
    assertThat(letter.errorMessage()).isEqualTo("field is not a column of the table");
    assertThat(letter.message().topic()).isEqualTo("orders-in");
    assertThat(letter.message().partition()).isEqualTo(3);
    assertThat(letter.message().offset()).isEqualTo(42);
    assertThat(letter.message().timestamp()).isEqualTo(1_700_000_000_000L);
    assertThat(new String(letter.message().value(), UTF_8)).isEqualTo("{\"id\": 1}");
    assertThat(letter.message().headers())
        .extracting(h -> h.key() + "=" + new String(h.value(), UTF_8))
        .containsExactly("trace=t-1", DeadLetterHeaders.ERROR_CLASS + "=the producer's own");
  }

  @Test
  void aRecordWithoutFloesHeadersIsNotADeadLetter() {
    RecordHeaders headers = new RecordHeaders();
    add(headers, DeadLetterHeaders.PIPELINE, "orders");
    assertThat(StoredDeadLetter.of(record(headers))).isEqualTo(Optional.empty());
  }

  private static void add(RecordHeaders headers, String key, String value) {
    headers.add(key, value.getBytes(UTF_8));
  }

  private static ConsumerRecord<byte[], byte[]> record(RecordHeaders headers) {
    return new ConsumerRecord<>(
        "orders-dlq",
        1,
        9,
        1_700_000_000_000L,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        "k".getBytes(UTF_8),
        "{\"id\": 1}".getBytes(UTF_8),
        headers,
        Optional.empty());
  }
}
