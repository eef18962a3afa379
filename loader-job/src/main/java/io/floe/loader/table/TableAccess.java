package io.floe.loader.table;

import io.floe.loader.settings.TableSettings;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;

/**
 * Opens the pipeline's table through any Iceberg catalog, chosen by the standard catalog properties
 * ({@code type} or {@code catalog-impl}), with the defaults a streaming writer needs.
 */
public final class TableAccess {
  /** Table properties of the control plane's redrives: a table's own, never copied. */
  private static final String REDRIVEN_PREFIX = "floe.redriven.";

  private TableAccess() {}

  /** A serializable loader of the table, for operators to open on the task managers. */
  public static TableLoader tableLoader(TableSettings settings) {
    return TableLoader.fromCatalog(catalogLoader(settings), identifier(settings));
  }

  /**
   * Creates the table of {@code settings} like {@code template} (schema, partition spec, sort
   * order, properties but Floe's redrive bookkeeping), unless another writer just did.
   */
  public static void createLike(TableSettings settings, Table template) throws IOException {
    Catalog catalog = catalogLoader(settings).loadCatalog();
    try {
      Map<String, String> properties = new HashMap<>();
      template.properties().entrySet().stream()
          .filter(entry -> !entry.getKey().startsWith(REDRIVEN_PREFIX))
          .forEach(entry -> properties.put(entry.getKey(), entry.getValue()));
      catalog
          .buildTable(identifier(settings), template.schema())
          .withPartitionSpec(template.spec())
          .withSortOrder(template.sortOrder())
          .withProperties(properties)
          .create();
    } catch (AlreadyExistsException e) {
      // Another writer subtask created it first.
    } finally {
      if (catalog instanceof Closeable) {
        ((Closeable) catalog).close();
      }
    }
  }

  public static TableIdentifier identifier(TableSettings settings) {
    return TableIdentifier.of(
        Namespace.of(settings.namespace().toArray(new String[0])), settings.name());
  }

  public static CatalogLoader catalogLoader(TableSettings settings) {
    Map<String, String> properties = withStreamingDefaults(settings.catalogProperties());
    String impl = properties.get(CatalogProperties.CATALOG_IMPL);
    if (impl == null) {
      impl = implementationOf(properties.get(CatalogUtil.ICEBERG_CATALOG_TYPE));
      properties.remove(CatalogUtil.ICEBERG_CATALOG_TYPE);
    }
    CatalogLoader loader =
        CatalogLoader.custom(settings.catalogName(), properties, new Configuration(), impl);
    String uri = properties.getOrDefault(CatalogProperties.URI, "");
    return uri.startsWith("jdbc:") ? new JdbcCatalogLoader(loader) : loader;
  }

  /**
   * Adds what a loader that commits every few seconds needs, where the user did not say otherwise:
   * Glue skips archiving a table version per commit; a JDBC catalog never creates its own tables
   * (the table must exist already, and SQLite catalogs fail when several instances try).
   */
  static Map<String, String> withStreamingDefaults(Map<String, String> given) {
    Map<String, String> properties = new HashMap<>(given);
    String type = properties.getOrDefault(CatalogUtil.ICEBERG_CATALOG_TYPE, "");
    String impl = properties.getOrDefault(CatalogProperties.CATALOG_IMPL, "");
    if (type.equalsIgnoreCase("glue") || impl.equals(CatalogUtil.ICEBERG_CATALOG_GLUE)) {
      properties.putIfAbsent("glue.skip-archive", "true");
    }
    if (type.equalsIgnoreCase("jdbc") || impl.equals(CatalogUtil.ICEBERG_CATALOG_JDBC)) {
      properties.putIfAbsent("jdbc.init-catalog-tables", "false");
    }
    return properties;
  }

  private static String implementationOf(String type) {
    switch (type == null ? "" : type.toLowerCase(Locale.ROOT)) {
      case CatalogUtil.ICEBERG_CATALOG_TYPE_GLUE:
        return CatalogUtil.ICEBERG_CATALOG_GLUE;
      case CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC:
        return CatalogUtil.ICEBERG_CATALOG_JDBC;
      case CatalogUtil.ICEBERG_CATALOG_TYPE_REST:
        return CatalogUtil.ICEBERG_CATALOG_REST;
      case CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP:
        return CatalogUtil.ICEBERG_CATALOG_HADOOP;
      case CatalogUtil.ICEBERG_CATALOG_TYPE_NESSIE:
        return CatalogUtil.ICEBERG_CATALOG_NESSIE;
      default:
        throw new IllegalArgumentException(
            TableSettings.CATALOG_PREFIX
                + CatalogUtil.ICEBERG_CATALOG_TYPE
                + ": '"
                + type
                + "' is not one of glue, jdbc, rest, hadoop, nessie (or give "
                + TableSettings.CATALOG_PREFIX
                + CatalogProperties.CATALOG_IMPL
                + ")");
    }
  }
}
