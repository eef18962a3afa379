package io.floe.control.schema;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * A table's current schema as the API shows it: types written as Iceberg prints them.
 *
 * @param schemaId the id of the table's current schema
 * @param columns its top-level columns, in order
 */
public record SchemaView(int schemaId, List<Column> columns) {
  /**
   * One top-level column.
   *
   * @param id the column's field id
   * @param name its name
   * @param type its type, as Iceberg prints it (long, string, a struct of fields, ...)
   * @param required whether it is required (NOT NULL)
   * @param doc its comment, if any
   */
  @io.swagger.v3.oas.annotations.media.Schema(name = "SchemaColumn")
  public record Column(int id, String name, String type, boolean required, String doc) {}

  static SchemaView of(Schema schema) {
    List<Column> columns = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      columns.add(
          new Column(
              field.fieldId(),
              field.name(),
              field.type().toString(),
              field.isRequired(),
              field.doc()));
    }
    return new SchemaView(schema.schemaId(), columns);
  }
}
