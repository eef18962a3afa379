package io.floe.benchmarks.table;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;

/**
 * The Iceberg catalog benchmarks write through: a Hadoop catalog on a local folder, the simplest
 * catalog the loader supports (no database to start); the loader opens the same warehouse with the
 * properties {@link #loaderProperties()} gives.
 */
public final class BenchmarkCatalog implements AutoCloseable {
  /** The namespace of every benchmark table. */
  public static final String NAMESPACE = "bench";

  private final String warehouse;
  private final HadoopCatalog catalog;

  public BenchmarkCatalog(Path warehouseDir) {
    requireNonNull(warehouseDir, "warehouseDir is null");
    try {
      Files.createDirectories(warehouseDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the warehouse " + warehouseDir, e);
    }
    this.warehouse = warehouseDir.toAbsolutePath().toUri().toString();
    this.catalog = new HadoopCatalog(new Configuration(), warehouse);
    if (!catalog.namespaceExists(Namespace.of(NAMESPACE))) {
      catalog.createNamespace(Namespace.of(NAMESPACE));
    }
  }

  /** The catalog properties the loader takes as {@code table.catalog.*}. */
  public Map<String, String> loaderProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("type", "hadoop");
    properties.put("warehouse", warehouse);
    return properties;
  }

  /** Creates {@code bench.<name>} with these table properties (none: Iceberg's defaults). */
  public Table create(
      String name, Schema schema, PartitionSpec spec, Map<String, String> properties) {
    return catalog.createTable(TableIdentifier.of(NAMESPACE, name), schema, spec, properties);
  }

  @Override
  public void close() {
    try {
      catalog.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
