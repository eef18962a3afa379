package io.floe.control.catalog;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Iceberg catalogs pipelines can write to, by name, each with the standard Iceberg catalog
 * properties ({@code type}, {@code uri}, {@code warehouse}, {@code io-impl}, ...): for example
 * {@code floe.catalogs.default.type=glue}.
 */
@ConfigurationProperties("floe")
public record CatalogProperties(Map<String, Map<String, String>> catalogs) {
  public CatalogProperties {
    catalogs = catalogs == null ? Map.of() : Map.copyOf(catalogs);
  }
}
