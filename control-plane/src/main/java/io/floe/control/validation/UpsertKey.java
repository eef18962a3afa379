package io.floe.control.validation;

import io.floe.control.model.FieldProblem;
import io.floe.control.model.SpecFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Whether a table can be upserted into by a key, checked when a pipeline is saved so that the
 * loader never starts to fail on it: the key's columns exist at the top level, are required, can be
 * a key (Iceberg's identifier fields: a primitive, not float or double), include every column the
 * table is partitioned by, and are the table's identifier fields when it has some. When it has
 * none, Floe sets them to the key on save.
 */
final class UpsertKey {
  /** What the check found: its problems, and the identifier fields the table needs set. */
  record Check(List<FieldProblem> problems, Optional<List<String>> identifierFieldsToSet) {}

  private UpsertKey() {}

  /**
   * @param keySetting the key the pipeline gives, if any
   * @param tableField the API field that names the table (or its columns, for a table to create)
   */
  static Check check(
      Schema schema,
      PartitionSpec spec,
      int formatVersion,
      Optional<List<String>> keySetting,
      String tableField) {
    List<FieldProblem> problems = new ArrayList<>();
    if (formatVersion != 2) {
      problems.add(
          new FieldProblem(
              tableField,
              "the table has Iceberg format version "
                  + formatVersion
                  + "; upserts (equality deletes) need format version 2"));
    }
    Set<String> identifier = new TreeSet<>(schema.identifierFieldNames());
    List<String> key = keySetting.orElseGet(() -> topLevelIn(schema, identifier));
    if (key.isEmpty()) {
      problems.add(
          new FieldProblem(
              SpecFields.TABLE_WRITE_KEY,
              "is required: the table has no identifier fields to upsert by"));
      return new Check(problems, Optional.empty());
    }
    if (new HashSet<>(key).size() != key.size()) {
      problems.add(new FieldProblem(SpecFields.TABLE_WRITE_KEY, "names a column twice"));
    }
    for (int i = 0; i < key.size(); i++) {
      String column = key.get(i);
      String field = SpecFields.TABLE_WRITE_KEY + "[" + i + "]";
      Types.NestedField found = schema.findField(column);
      if (found == null || schema.asStruct().field(found.fieldId()) == null) {
        problems.add(
            new FieldProblem(
                field,
                found == null
                    ? "the table has no column " + column
                    : column + " is nested; a key is of top-level columns"));
      } else if (found.isOptional()) {
        problems.add(
            new FieldProblem(field, column + " is optional; a key column must be required"));
      } else if (!canBeKey(found.type())) {
        problems.add(
            new FieldProblem(
                field,
                column
                    + " is a "
                    + found.type()
                    + "; a key column is a primitive but float or double"));
      }
    }
    if (!identifier.isEmpty() && !identifier.equals(new TreeSet<>(key))) {
      problems.add(
          new FieldProblem(
              SpecFields.TABLE_WRITE_KEY,
              "is "
                  + String.join(", ", key)
                  + " but the table's identifier fields are "
                  + String.join(", ", identifier)
                  + "; give those, or change the table's identifier fields"));
    }
    for (PartitionField partition : spec.fields()) {
      String source = schema.findColumnName(partition.sourceId());
      if (!key.contains(source)) {
        problems.add(
            new FieldProblem(
                SpecFields.TABLE_WRITE_KEY,
                "must include "
                    + source
                    + ": the table is partitioned by it ("
                    + partition.name()
                    + "), and a row whose "
                    + source
                    + " changed would keep its old copy in the old partition"));
      }
    }
    return new Check(
        problems,
        problems.isEmpty() && identifier.isEmpty()
            ? Optional.of(List.copyOf(key))
            : Optional.empty());
  }

  /** The schema with the key as its identifier fields: for a table Floe creates. */
  static Schema withIdentifier(Schema schema, List<String> key) {
    Set<Integer> ids = new HashSet<>();
    for (String column : key) {
      ids.add(schema.findField(column).fieldId());
    }
    return new Schema(schema.columns(), ids);
  }

  private static List<String> topLevelIn(Schema schema, Set<String> names) {
    List<String> columns = new ArrayList<>();
    for (Types.NestedField column : schema.columns()) {
      if (names.contains(column.name())) {
        columns.add(column.name());
      }
    }
    return columns;
  }

  private static boolean canBeKey(Type type) {
    return type.isPrimitiveType()
        && type.typeId() != Type.TypeID.FLOAT
        && type.typeId() != Type.TypeID.DOUBLE;
  }
}
