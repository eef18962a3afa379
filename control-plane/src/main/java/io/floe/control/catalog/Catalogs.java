package io.floe.control.catalog;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.UnknownCatalogException;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** The configured Iceberg catalogs, opened once each and shared. */
@Component
public class Catalogs implements DisposableBean {
  private final Map<String, Map<String, String>> properties;
  private final Map<String, Catalog> open = new ConcurrentHashMap<>();

  public Catalogs(CatalogProperties properties) {
    this.properties = requireNonNull(properties, "properties is null").catalogs();
  }

  /** The Iceberg properties of a catalog, as the loader receives them. */
  public Map<String, String> properties(String name) {
    Map<String, String> catalog = properties.get(name);
    if (catalog == null) {
      throw new UnknownCatalogException(
          "no catalog '"
              + name
              + "' is configured (floe.catalogs."
              + name
              + ".*); known: "
              + names());
    }
    return catalog;
  }

  public Set<String> names() {
    return properties.keySet();
  }

  /** The catalog, opened on first use. */
  public Catalog catalog(String name) {
    Map<String, String> catalog = properties(name);
    return open.computeIfAbsent(
        name,
        key -> {
          Map<String, String> withDefaults = new HashMap<>(catalog);
          if ("jdbc".equalsIgnoreCase(catalog.get("type"))) {
            // Creating the JDBC catalog's own tables is the control plane's job, not the loader's.
            withDefaults.putIfAbsent("jdbc.init-catalog-tables", "true");
          }
          if ("glue".equalsIgnoreCase(catalog.get("type"))
              || CatalogUtil.ICEBERG_CATALOG_GLUE.equals(catalog.get("catalog-impl"))) {
            // As the loader does: no archived Glue table version per commit (a table holds at most
            // 100,000; its history is Iceberg's snapshot log).
            withDefaults.putIfAbsent("glue.skip-archive", "true");
          }
          return CatalogUtil.buildIcebergCatalog(name, withDefaults, new Configuration());
        });
  }

  @Override
  public void destroy() throws IOException {
    for (Catalog catalog : open.values()) {
      if (catalog instanceof Closeable) {
        ((Closeable) catalog).close();
      }
    }
  }
}
