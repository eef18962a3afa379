package io.floe.loader.table;

import static java.util.Objects.requireNonNull;

import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * Loads a catalog that connects through JDBC after registering the loader's own JDBC drivers (see
 * {@link PackagedJdbcDrivers}), wherever the catalog is opened: the job's main() or a task.
 */
final class JdbcCatalogLoader implements CatalogLoader {
  private static final long serialVersionUID = 1L;

  private final CatalogLoader delegate;

  JdbcCatalogLoader(CatalogLoader delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  @Override
  public Catalog loadCatalog() {
    PackagedJdbcDrivers.register();
    return delegate.loadCatalog();
  }

  @Override
  @SuppressWarnings({"checkstyle:NoClone", "checkstyle:SuperClone"})
  public CatalogLoader clone() {
    return new JdbcCatalogLoader(delegate.clone());
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
