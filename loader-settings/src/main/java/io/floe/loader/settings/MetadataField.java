package io.floe.loader.settings;

import java.util.Locale;

/** Kafka record metadata the loader can write into columns, for audit and deduplication. */
public enum MetadataField {
  TOPIC,
  PARTITION,
  OFFSET,
  TIMESTAMP,
  KEY,
  /** The record's headers, as a map from header key to value (the last of a repeated key). */
  HEADERS;

  /** The column used when the user names none: {@code _kafka_topic}, {@code _kafka_offset}, ... */
  public String defaultColumn() {
    return "_kafka_" + name().toLowerCase(Locale.ROOT);
  }
}
