package io.floe.loader.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;

/** A Hadoop catalog on a local directory, and what tests ask of its tables. */
public final class TestTables implements AutoCloseable {
  private final Path warehouse;
  private final HadoopCatalog catalog;

  public TestTables(Path warehouse) {
    this.warehouse = warehouse;
    this.catalog = new HadoopCatalog(new Configuration(), warehouse.toUri().toString());
  }

  /** The loader settings that point at this catalog and a table in namespace {@code db}. */
  public Map<String, String> loaderSettings(String table) {
    Map<String, String> settings = new HashMap<>();
    settings.put("table.catalog.type", "hadoop");
    settings.put("table.catalog.warehouse", warehouse.toUri().toString());
    settings.put("table.namespace", "db");
    settings.put("table.name", table);
    return settings;
  }

  public Table create(String name, Schema schema, PartitionSpec spec) {
    return catalog.createTable(TableIdentifier.of(Namespace.of("db"), name), schema, spec);
  }

  public Table load(String name) {
    return catalog.loadTable(TableIdentifier.of(Namespace.of("db"), name));
  }

  public static List<Record> rows(Table table) {
    table.refresh();
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(r -> rows.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** How often each value of a long column occurs: exactly-once means every count is 1. */
  public static Map<Long, Integer> countsOf(Table table, String column) {
    Map<Long, Integer> counts = new HashMap<>();
    for (Record row : rows(table)) {
      counts.merge((Long) row.getField(column), 1, Integer::sum);
    }
    return counts;
  }

  @Override
  public void close() throws IOException {
    catalog.close();
  }
}
