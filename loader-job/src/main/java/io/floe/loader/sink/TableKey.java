package io.floe.loader.sink;

import io.floe.loader.settings.WriteSettings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

/**
 * The key an upserting loader writes a table by, checked against the table before the first row:
 * the table's identifier fields (which the key setting, when given, must name), top-level, on a
 * format-version 2 table whose partition columns are all in the key, so that a key's delete always
 * lands in the partition of its row.
 */
final class TableKey {
  private TableKey() {}

  /**
   * The key columns, in the order of the setting (else of the schema).
   *
   * @throws IllegalArgumentException saying what to change in the table or the settings
   */
  static List<String> columns(Table table, WriteSettings writing) {
    Schema schema = table.schema();
    int formatVersion = ((HasTableOperations) table).operations().current().formatVersion();
    if (formatVersion != 2) {
      throw new IllegalArgumentException(
          "Cannot upsert into "
              + table.name()
              + ": it has Iceberg format version "
              + formatVersion
              + ", and the loader upserts (equality deletes) into format version 2 tables only");
    }
    Set<String> identifier = new TreeSet<>(schema.identifierFieldNames());
    List<String> key = new ArrayList<>();
    if (writing.keyColumns().isPresent()) {
      key.addAll(writing.keyColumns().get());
      if (!identifier.equals(new TreeSet<>(key))) {
        throw new IllegalArgumentException(
            "Cannot upsert into "
                + table.name()
                + ": "
                + WriteSettings.KEY_COLUMNS.key()
                + " is "
                + String.join(", ", key)
                + " but the table's identifier fields are "
                + (identifier.isEmpty() ? "none" : String.join(", ", identifier))
                + " (ALTER TABLE ... SET IDENTIFIER FIELDS "
                + String.join(", ", key)
                + ", or change the setting)");
      }
    } else {
      if (identifier.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot upsert into "
                + table.name()
                + ": the table has no identifier fields (ALTER TABLE ... SET IDENTIFIER FIELDS"
                + " <key columns>) to upsert by");
      }
      for (Types.NestedField column : schema.columns()) {
        if (identifier.contains(column.name())) {
          key.add(column.name());
        }
      }
    }
    Set<String> topLevel = new LinkedHashSet<>();
    schema.columns().forEach(column -> topLevel.add(column.name()));
    for (String column : key) {
      if (!topLevel.contains(column)) {
        throw new IllegalArgumentException(
            "Cannot upsert into "
                + table.name()
                + ": the key field "
                + column
                + " is nested; the loader upserts by top-level columns only");
      }
    }
    for (PartitionField field : table.spec().fields()) {
      String source = schema.findColumnName(field.sourceId());
      if (!key.contains(source)) {
        throw new IllegalArgumentException(
            "Cannot upsert into "
                + table.name()
                + ": the partition field "
                + field.name()
                + " is of the column "
                + source
                + ", which is not in the key ("
                + String.join(", ", key)
                + "): a row whose "
                + source
                + " changed would keep its old copy in the old partition");
      }
    }
    return List.copyOf(key);
  }

  /** The field ids of the key columns. */
  static Set<Integer> fieldIds(Table table, List<String> key) {
    Set<Integer> ids = new LinkedHashSet<>();
    for (String column : key) {
      ids.add(table.schema().findField(column).fieldId());
    }
    return ids;
  }
}
