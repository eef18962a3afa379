package io.floe.control.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * How often each id occurs in a table, read from its current snapshot: the count by unique id that
 * every exactly-once claim is checked with (exactly once means every count is 1).
 */
public final class IdCounts {
  private IdCounts() {}

  public static Map<Long, Integer> of(Table table) {
    table.refresh();
    Map<Long, Integer> counts = new HashMap<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).select("id").build()) {
      for (Record row : rows) {
        counts.merge((Long) row.getField("id"), 1, Integer::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counts;
  }

  /** The counts of a table in a catalog; none while the table does not exist yet. */
  public static Map<Long, Integer> of(Catalog catalog, TableIdentifier identifier) {
    return catalog.tableExists(identifier) ? of(catalog.loadTable(identifier)) : new HashMap<>();
  }
}
