package io.floe.loader.sample;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/** Which sample message a publisher sends, with the table that message loads into. */
public enum SamplePayload {
  /** The shared sample message, table partitioned by {@code day(timestamp)}. */
  SAMPLE,
  /** The 50-column benchmark message, unpartitioned table. */
  WIDE;

  /** The name used on the command line: {@code sample} or {@code wide}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The payload named {@code sample} or {@code wide}. */
  public static SamplePayload fromCliName(String name) {
    requireNonNull(name, "name is null");
    for (SamplePayload payload : values()) {
      if (payload.cliName().equals(name)) {
        return payload;
      }
    }
    throw new IllegalArgumentException("Unknown payload '" + name + "': expected sample or wide");
  }

  public byte[] message(long id, Instant timestamp) {
    return this == SAMPLE
        ? SampleMessages.sample(id, timestamp)
        : SampleMessages.wide(id, timestamp);
  }

  public Schema schema() {
    return this == SAMPLE ? SampleMessages.sampleSchema() : SampleMessages.wideSchema();
  }

  public PartitionSpec spec(Schema schema) {
    requireNonNull(schema, "schema is null");
    return this == SAMPLE ? SampleMessages.sampleSpec(schema) : PartitionSpec.unpartitioned();
  }
}
