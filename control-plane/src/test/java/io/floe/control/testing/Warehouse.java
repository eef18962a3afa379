package io.floe.control.testing;

import io.floe.loader.summary.CommitSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;

/** The Hadoop-catalog warehouse a test's control plane writes into, read back by the test. */
public final class Warehouse {
  private final HadoopCatalog catalog;

  public Warehouse(Path dir) {
    this.catalog =
        new HadoopCatalog(new Configuration(), dir.resolve("warehouse").toUri().toString());
  }

  public boolean exists(String namespace, String name) {
    return catalog.tableExists(TableIdentifier.of(namespace, name));
  }

  public Table table(String namespace, String name) {
    return catalog.loadTable(TableIdentifier.of(namespace, name));
  }

  /** Changes a table's schema as a user would, retrying while the loader's commits race it. */
  public void updateSchema(
      String namespace,
      String name,
      java.util.function.Consumer<org.apache.iceberg.UpdateSchema> change) {
    for (int attempt = 1; ; attempt++) {
      Table table = table(namespace, name);
      org.apache.iceberg.UpdateSchema update = table.updateSchema();
      change.accept(update);
      try {
        update.commit();
        return;
      } catch (org.apache.iceberg.exceptions.CommitFailedException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * A commit of the pipeline as its loader's committer makes one (the summary keys, no rows), for
   * tests where no loader runs; answers the commit's time as the table records it.
   */
  public Instant recordLoaderCommit(String namespace, String name, String pipeline) {
    Table table = table(namespace, name);
    table
        .newAppend()
        .set(CommitSummary.PIPELINE, pipeline)
        .set(CommitSummary.RECORDS_WRITTEN, "0")
        .set(CommitSummary.RECORDS_DEAD_LETTERED, "0")
        .set(CommitSummary.RECORDS_SKIPPED, "0")
        .commit();
    table.refresh();
    return Instant.ofEpochMilli(table.currentSnapshot().timestampMillis());
  }

  /** The non-null values of a column by the row's id. */
  public Map<Long, Object> columnById(String namespace, String name, String column) {
    Table table = table(namespace, name);
    Map<Long, Object> values = new HashMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        Object value = record.getField(column);
        if (value != null) {
          values.put((Long) record.getField("id"), value);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return values;
  }

  /** How often each id occurs in the table: exactly once means every count is 1. */
  public Map<Long, Integer> idCounts(String namespace, String name) {
    return IdCounts.of(catalog, TableIdentifier.of(namespace, name));
  }
}
