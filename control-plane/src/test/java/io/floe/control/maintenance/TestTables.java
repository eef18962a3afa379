package io.floe.control.maintenance;

import io.floe.control.testing.IdCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;

/**
 * Real Iceberg tables in a temporary Hadoop-catalog warehouse for the maintenance tasks' tests:
 * rows with an id, an event time and a payload, appended one small file per partition per commit as
 * the loader does, and read back as an order-independent checksum.
 */
final class TestTables {
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "ts", Types.TimestampType.withZone()),
          Types.NestedField.optional(3, "payload", Types.StringType.get()));

  private final HadoopCatalog catalog;

  TestTables(Path dir) {
    this(dir, Map.of());
  }

  /** With more catalog properties, such as {@code io-impl}. */
  TestTables(Path dir, Map<String, String> properties) {
    this.catalog = new HadoopCatalog();
    catalog.setConf(new Configuration());
    Map<String, String> all = new HashMap<>(properties);
    all.put("warehouse", dir.toUri().toString());
    catalog.initialize("hadoop", all);
  }

  Table create(String name, boolean dayPartitioned) {
    PartitionSpec spec =
        dayPartitioned
            ? PartitionSpec.builderFor(SCHEMA).day("ts").build()
            : PartitionSpec.unpartitioned();
    return catalog.createTable(
        TableIdentifier.of("db", name), SCHEMA, spec, Map.of("format-version", "2"));
  }

  /** Another instance of a table, as another writer (the loader) has it. */
  Table load(String name) {
    return catalog.loadTable(TableIdentifier.of("db", name));
  }

  static Record row(long id, Instant ts) {
    GenericRecord row = GenericRecord.create(SCHEMA);
    row.setField("id", id);
    row.setField("ts", ts == null ? null : OffsetDateTime.ofInstant(ts, ZoneOffset.UTC));
    row.setField("payload", "payload of row " + id + " " + UUID.nameUUIDFromBytes(longBytes(id)));
    return row;
  }

  /** Appends the rows in one commit, one data file per partition, with summary properties. */
  static void append(Table table, List<Record> rows, Map<String, String> summary) {
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, System.nanoTime()).build();
    GenericAppenderFactory appenders = new GenericAppenderFactory(table.schema(), table.spec());
    Map<PartitionKey, List<Record>> byPartition = new HashMap<>();
    InternalRecordWrapper wrapper = new InternalRecordWrapper(table.schema().asStruct());
    for (Record row : rows) {
      PartitionKey key = new PartitionKey(table.spec(), table.schema());
      key.partition(wrapper.wrap(row));
      byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    AppendFiles append = table.newAppend();
    try {
      for (Map.Entry<PartitionKey, List<Record>> partition : byPartition.entrySet()) {
        DataWriter<Record> writer =
            appenders.newDataWriter(
                files.newOutputFile(table.spec(), partition.getKey()),
                FileFormat.PARQUET,
                partition.getKey());
        try (writer) {
          partition.getValue().forEach(writer::write);
        }
        DataFile file = writer.toDataFile();
        append.appendFile(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    summary.forEach(append::set);
    append.commit();
  }

  /** Row count and an order-independent checksum of every column of every row. */
  static Checksum checksum(Table table) {
    table.refresh();
    long count = 0;
    long sum = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record row : rows) {
        count++;
        sum += hash(row.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Checksum(count, sum);
  }

  static Map<Long, Integer> idCounts(Table table) {
    return IdCounts.of(table);
  }

  static long dataFiles(Table table) {
    table.refresh();
    return Long.parseLong(table.currentSnapshot().summary().get("total-data-files"));
  }

  static long hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = (value << 8) | (digest[i] & 0xff);
      }
      return value;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] longBytes(long value) {
    return Long.toString(value).getBytes(StandardCharsets.UTF_8);
  }

  /** How many rows and what they hash to, in any order. */
  record Checksum(long rows, long sum) {}
}
