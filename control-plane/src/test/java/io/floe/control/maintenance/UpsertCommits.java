package io.floe.control.maintenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Upserts into a keyed test table committed as the loader's upsert mode commits them: one row delta
 * per commit with, per partition, a data file of the commit's rows, an equality delete of their
 * keys on the identifier field (which removes older rows of those keys) and a position delete of a
 * key's earlier row when the commit wrote the key twice; and a model of what the table must hold.
 */
final class UpsertCommits {
  static final Schema SCHEMA = new Schema(TestTables.SCHEMA.columns(), Set.of(1));
  private static final Schema KEY = SCHEMA.select("id");

  /** Each key lives in one of two days, as a key that includes the partition's source column. */
  private static final Instant DAY = Instant.parse("2026-11-24T06:00:00Z");

  private final Map<Long, String> model = new HashMap<>();

  static Table create(Path dir, String name, Map<String, String> catalogProperties) {
    return create(catalog(dir, catalogProperties), name);
  }

  static Table create(Catalog catalog, String name) {
    if (catalog instanceof SupportsNamespaces namespaces
        && !namespaces.namespaceExists(Namespace.of("db"))) {
      namespaces.createNamespace(Namespace.of("db"));
    }
    return catalog.createTable(
        TableIdentifier.of("db", name),
        SCHEMA,
        PartitionSpec.builderFor(SCHEMA).day("ts").build(),
        Map.of("format-version", "2"));
  }

  static HadoopCatalog catalog(Path dir, Map<String, String> properties) {
    HadoopCatalog catalog = new HadoopCatalog();
    catalog.setConf(new org.apache.hadoop.conf.Configuration());
    Map<String, String> all = new HashMap<>(properties);
    all.put("warehouse", dir.toUri().toString());
    catalog.initialize("hadoop", all);
    return catalog;
  }

  static Record row(long id, String payload) {
    GenericRecord row = GenericRecord.create(SCHEMA);
    row.setField("id", id);
    row.setField(
        "ts", OffsetDateTime.ofInstant(DAY.minusSeconds(86_400 * (id % 2)), ZoneOffset.UTC));
    row.setField("payload", payload);
    return row;
  }

  /** What the table must hold: each live key's last payload. */
  Map<Long, String> model() {
    return Map.copyOf(model);
  }

  /**
   * One commit: the upserts in order (a key twice: the later wins), then the deleted keys.
   *
   * @return the delete files it added
   */
  List<DeleteFile> commit(Table table, List<Record> upserts, List<Long> deletedKeys) {
    Map<PartitionKey, List<Record>> rows = new LinkedHashMap<>();
    Map<PartitionKey, List<Long>> deletes = new LinkedHashMap<>();
    for (Record upsert : upserts) {
      rows.computeIfAbsent(partition(table, upsert), k -> new ArrayList<>()).add(upsert);
      model.put((Long) upsert.getField("id"), (String) upsert.getField("payload"));
    }
    for (long id : deletedKeys) {
      deletes.computeIfAbsent(partition(table, row(id, "")), k -> new ArrayList<>()).add(id);
      model.remove(id);
    }
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, System.nanoTime()).build();
    GenericAppenderFactory appenders = appenders(table);
    List<DataFile> dataFiles = new ArrayList<>();
    List<DeleteFile> added = new ArrayList<>();
    Set<PartitionKey> partitions = new java.util.LinkedHashSet<>(rows.keySet());
    partitions.addAll(deletes.keySet());
    try {
      for (PartitionKey partition : partitions) {
        List<Record> written = rows.getOrDefault(partition, List.of());
        Map<Long, Long> lastPosition = new HashMap<>();
        List<Long> overwritten = new ArrayList<>();
        if (!written.isEmpty()) {
          DataWriter<Record> data =
              appenders.newDataWriter(
                  files.newOutputFile(table.spec(), partition), FileFormat.PARQUET, partition);
          try (data) {
            long position = 0;
            for (Record row : written) {
              Long earlier = lastPosition.put((Long) row.getField("id"), position++);
              if (earlier != null) {
                overwritten.add(earlier);
              }
              data.write(row);
            }
          }
          DataFile file = data.toDataFile();
          dataFiles.add(file);
          if (!overwritten.isEmpty()) {
            PositionDeleteWriter<Record> positions =
                appenders.newPosDeleteWriter(
                    files.newOutputFile(table.spec(), partition), FileFormat.PARQUET, partition);
            try (positions) {
              for (long position : overwritten) {
                positions.write(PositionDelete.<Record>create().set(file.location(), position));
              }
            }
            added.add(positions.toDeleteFile());
          }
        }
        Set<Long> keys = new java.util.LinkedHashSet<>(lastPosition.keySet());
        keys.addAll(deletes.getOrDefault(partition, List.of()));
        EqualityDeleteWriter<Record> equality =
            appenders.newEqDeleteWriter(
                files.newOutputFile(table.spec(), partition), FileFormat.PARQUET, partition);
        try (equality) {
          for (long id : keys) {
            GenericRecord key = GenericRecord.create(KEY);
            key.setField("id", id);
            equality.write(key);
          }
        }
        added.add(equality.toDeleteFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    commitLikeTheLoader(table, dataFiles, added);
    return added;
  }

  /**
   * Commits the files as the loader does: a commit that another writer beat even after Iceberg's
   * retries (a compaction committing in a loop) is made again with the same files, as the loader's
   * committer makes its pending commit again after a restart. A {@link CommitFailedException} means
   * the commit did not land; each one means another writer's commit did.
   */
  private static void commitLikeTheLoader(
      Table table, List<DataFile> rows, List<DeleteFile> deletes) {
    for (int attempt = 1; ; attempt++) {
      RowDelta delta = table.newRowDelta();
      rows.forEach(delta::addRows);
      deletes.forEach(delta::addDeletes);
      try {
        delta.commit();
        return;
      } catch (CommitFailedException e) {
        if (attempt == 100) {
          throw e;
        }
        table.refresh();
      }
    }
  }

  /** A position delete of one row of a data file, as another engine's row-level delete. */
  void deletePosition(Table table, DataFile file, long position, long id) {
    OutputFileFactory files = OutputFileFactory.builderFor(table, 2, System.nanoTime()).build();
    GenericAppenderFactory appenders = appenders(table);
    PositionDeleteWriter<Record> positions =
        appenders.newPosDeleteWriter(
            files.newOutputFile(table.spec(), file.partition()),
            FileFormat.PARQUET,
            file.partition());
    try (positions) {
      positions.write(PositionDelete.<Record>create().set(file.location(), position));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    table.newRowDelta().addDeletes(positions.toDeleteFile()).commit();
    model.remove(id);
  }

  /** The table's rows as key to payload; fails on a key read twice. */
  static Map<Long, String> read(Table table) {
    table.refresh();
    Map<Long, String> rows = new HashMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        String earlier =
            rows.put((Long) record.getField("id"), (String) record.getField("payload"));
        if (earlier != null) {
          throw new AssertionError("key " + record.getField("id") + " read twice");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  static long deleteFiles(Table table) {
    table.refresh();
    return Long.parseLong(
        table.currentSnapshot().summary().getOrDefault("total-delete-files", "0"));
  }

  /**
   * Writers with the table's metrics settings, as the loader's: a position delete file keeps the
   * full path of the data file it names as its bounds, so that it is known to apply to no other.
   */
  private static GenericAppenderFactory appenders(Table table) {
    return new GenericAppenderFactory(
        table, table.schema(), table.spec(), table.properties(), new int[] {1}, KEY, null);
  }

  private static PartitionKey partition(Table table, Record row) {
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    key.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(row));
    return key.copy();
  }
}
