package io.floe.control.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * What changed from one schema of a table to another, by field id, in words for an event: columns
 * added (with their types), dropped, renamed, retyped, made optional.
 */
final class SchemaDiff {
  private SchemaDiff() {}

  static String describe(Schema before, Schema after) {
    Map<Integer, Types.NestedField> old = new TreeMap<>(TypeUtil.indexById(before.asStruct()));
    Map<Integer, Types.NestedField> now = new TreeMap<>(TypeUtil.indexById(after.asStruct()));
    Map<Integer, Integer> oldParents = TypeUtil.indexParents(before.asStruct());
    Map<Integer, Integer> newParents = TypeUtil.indexParents(after.asStruct());
    List<String> changes = new ArrayList<>();
    now.forEach(
        (id, field) -> {
          Types.NestedField was = old.get(id);
          if (was == null) {
            Integer parent = newParents.get(id);
            // A field under a column added too is in that column's type already.
            if (parent == null || old.containsKey(parent)) {
              changes.add("added " + after.findColumnName(id) + " (" + name(field.type()) + ")");
            }
            return;
          }
          String oldName = before.findColumnName(id);
          String newName = after.findColumnName(id);
          if (!oldName.equals(newName)) {
            changes.add("renamed " + oldName + " to " + newName);
          }
          if (field.type().isPrimitiveType() && !field.type().equals(was.type())) {
            changes.add(
                "changed " + newName + " from " + name(was.type()) + " to " + name(field.type()));
          }
          if (was.isRequired() && field.isOptional()) {
            changes.add("made " + newName + " optional");
          }
        });
    old.forEach(
        (id, field) -> {
          Integer parent = oldParents.get(id);
          if (!now.containsKey(id) && (parent == null || now.containsKey(parent))) {
            changes.add("dropped " + before.findColumnName(id));
          }
        });
    return changes.isEmpty() ? "no column changed" : String.join(", ", changes);
  }

  /** A type as users write it, without field ids: struct<lat: double>, list<string>. */
  static String name(Type type) {
    if (type.isPrimitiveType()) {
      return type.toString();
    }
    if (type.isListType()) {
      return "list<" + name(type.asListType().elementType()) + ">";
    }
    if (type.isMapType()) {
      return "map<"
          + name(type.asMapType().keyType())
          + ", "
          + name(type.asMapType().valueType())
          + ">";
    }
    return type.asStructType().fields().stream()
        .map(field -> field.name() + ": " + name(field.type()))
        .collect(Collectors.joining(", ", "struct<", ">"));
  }
}
