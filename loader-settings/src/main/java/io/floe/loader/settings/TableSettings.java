package io.floe.loader.settings;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which Iceberg table the loader writes, through which catalog (standard Iceberg catalog
 * properties), and the write properties the loader overrides.
 */
public final class TableSettings {
  private static final Pattern IDENTIFIER_PART = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)*");

  public static final Setting<String> CATALOG_NAME =
      Setting.withDefault(
          "table.catalog-name",
          SettingValues.matching(Pattern.compile("[A-Za-z0-9_-]+"), "a catalog name"),
          "floe",
          "Name the loader gives its catalog instance (appears in logs and metrics)");
  public static final Setting<String> NAMESPACE =
      Setting.optional(
          "table.namespace",
          SettingValues.matching(IDENTIFIER_PART, "a namespace such as db or db.schema"),
          "Namespace (database) of the table; levels separated by dots");
  public static final Setting<String> NAME =
      Setting.optional(
          "table.name",
          SettingValues.matching(Pattern.compile("[^.\\s]+"), "a table name without dots"),
          "Name of the table");

  /** Prefix of the standard Iceberg catalog properties: type, uri, warehouse, io-impl, ... */
  public static final String CATALOG_PREFIX = "table.catalog.";

  /**
   * Prefix of Iceberg write properties that override the table's own: {@code
   * table.write.parquet.compression-codec} sets the table's {@code write.parquet.compression-codec}
   * for this loader only.
   */
  public static final String WRITE_PREFIX = "table.write.";

  static final List<Setting<?>> ALL = List.of(CATALOG_NAME, NAMESPACE, NAME);

  private final String catalogName;
  private final Map<String, String> catalogProperties;
  private final List<String> namespace;
  private final String name;
  private final Map<String, String> writeProperties;

  private TableSettings(
      String catalogName,
      Map<String, String> catalogProperties,
      List<String> namespace,
      String name,
      Map<String, String> writeProperties) {
    this.catalogName = requireNonNull(catalogName, "catalogName is null");
    this.catalogProperties = Map.copyOf(catalogProperties);
    this.namespace = List.copyOf(namespace);
    this.name = requireNonNull(name, "name is null");
    this.writeProperties = Map.copyOf(writeProperties);
  }

  static Optional<TableSettings> read(SettingsReader reader) {
    Optional<String> catalogName = reader.optional(CATALOG_NAME);
    Map<String, String> catalog = reader.withPrefix(CATALOG_PREFIX);
    Optional<String> namespace = reader.required(NAMESPACE);
    Optional<String> name = reader.required(NAME);
    Map<String, String> write = new LinkedHashMap<>();
    reader.withPrefix(WRITE_PREFIX).forEach((key, value) -> write.put("write." + key, value));
    if (!catalog.containsKey("type") && !catalog.containsKey("catalog-impl")) {
      reader.problem(
          CATALOG_PREFIX + "type",
          "is required (glue, jdbc, rest, hadoop, nessie, hive), or give "
              + CATALOG_PREFIX
              + "catalog-impl");
    }
    if (catalogName.isEmpty() || namespace.isEmpty() || name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new TableSettings(
            catalogName.get(), catalog, List.of(namespace.get().split("\\.")), name.get(), write));
  }

  public String catalogName() {
    return catalogName;
  }

  /** Iceberg catalog properties (type, uri, warehouse, io-impl, ...) without the prefix. */
  public Map<String, String> catalogProperties() {
    return catalogProperties;
  }

  /** The namespace levels, outermost first. */
  public List<String> namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  /** Iceberg write properties that override the table's, e.g. write.target-file-size-bytes. */
  public Map<String, String> writeProperties() {
    return writeProperties;
  }

  /** The same catalog, namespace and write overrides for another table (a routed one). */
  public TableSettings withName(String otherName) {
    return new TableSettings(catalogName, catalogProperties, namespace, otherName, writeProperties);
  }

  /** namespace.name, as users write it. */
  public String qualifiedName() {
    return String.join(".", namespace) + "." + name;
  }
}
