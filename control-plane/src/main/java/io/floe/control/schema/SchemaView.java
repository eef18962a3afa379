package io.floe.control.schema;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/** A table's current schema as the API shows it: types written as Iceberg prints them. */
public record SchemaView(int schemaId, List<Column> columns) {
  /** One top-level column. */
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
