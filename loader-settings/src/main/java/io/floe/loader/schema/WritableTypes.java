package io.floe.loader.schema;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg types the loader can write from JSON, declared once: the loader refuses to start on a
 * table with other types, and the control plane refuses such a pipeline before saving it.
 */
public final class WritableTypes {
  private static final Set<Type.TypeID> PRIMITIVES =
      EnumSet.of(
          Type.TypeID.BOOLEAN,
          Type.TypeID.INTEGER,
          Type.TypeID.LONG,
          Type.TypeID.FLOAT,
          Type.TypeID.DOUBLE,
          Type.TypeID.DECIMAL,
          Type.TypeID.DATE,
          Type.TypeID.TIME,
          Type.TypeID.TIMESTAMP,
          Type.TypeID.STRING,
          Type.TypeID.UUID,
          Type.TypeID.FIXED,
          Type.TypeID.BINARY);

  private static final Set<Type.TypeID> MAP_KEYS =
      EnumSet.of(
          Type.TypeID.STRING,
          Type.TypeID.INTEGER,
          Type.TypeID.LONG,
          Type.TypeID.BOOLEAN,
          Type.TypeID.DATE,
          Type.TypeID.UUID);

  private WritableTypes() {}

  /** One line per column the loader cannot write: {@code <dotted path>: <why>}. */
  public static List<String> problems(Schema schema) {
    List<String> problems = new ArrayList<>();
    for (Types.NestedField column : schema.columns()) {
      collect(column.name(), column.type(), problems);
    }
    return problems;
  }

  private static void collect(String path, Type type, List<String> problems) {
    switch (type.typeId()) {
      case STRUCT:
        for (Types.NestedField field : type.asStructType().fields()) {
          collect(path + "." + field.name(), field.type(), problems);
        }
        return;
      case LIST:
        collect(path + "[]", type.asListType().elementType(), problems);
        return;
      case MAP:
        Type key = type.asMapType().keyType();
        if (!MAP_KEYS.contains(key.typeId())) {
          problems.add(path + ": the loader cannot read map keys of type " + key);
        }
        collect(path + "[]", type.asMapType().valueType(), problems);
        return;
      default:
        if (!PRIMITIVES.contains(type.typeId())) {
          problems.add(path + ": the loader cannot write columns of type " + type);
        }
    }
  }
}
