package io.floe.loader.source;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * One Kafka record as the loader sees it: the raw bytes plus the metadata needed for metadata
 * columns, dead-letter headers and the offsets recorded with each commit.
 */
public final class KafkaMessage implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final int partition;
  private final long offset;
  private final long timestamp;
  private final byte[] key;
  private final byte[] value;
  // An array, not a List: Flink's Kryo fallback copies and serializes arrays, not List.of(...).
  private final Header[] headers;

  public KafkaMessage(
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] key,
      byte[] value,
      List<Header> headers) {
    this.topic = requireNonNull(topic, "topic is null");
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
    this.headers = requireNonNull(headers, "headers is null").toArray(new Header[0]);
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  /** The record's timestamp in epoch milliseconds (CreateTime or LogAppendTime). */
  public long timestamp() {
    return timestamp;
  }

  /** The record key, or null. */
  public byte[] key() {
    return key;
  }

  /** The record value, or null for a tombstone. */
  public byte[] value() {
    return value;
  }

  public List<Header> headers() {
    return Arrays.asList(headers);
  }

  /** One record header; Kafka allows repeated keys and null values. */
  public static final class Header implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final byte[] value;

    public Header(String key, byte[] value) {
      this.key = requireNonNull(key, "key is null");
      this.value = value;
    }

    public String key() {
      return key;
    }

    public byte[] value() {
      return value;
    }
  }
}
