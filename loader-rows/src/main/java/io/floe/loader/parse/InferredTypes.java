package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.floe.loader.settings.FieldNameCase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg type a JSON value suggests, for a column grown from the data: text is a string, an
 * integer a long, any other number a double, true and false a boolean, an object a struct of its
 * fields, an array a list of its first typed element. Null, an empty object or an empty array
 * suggest nothing yet. Every field is optional; the ids are placeholders the schema update
 * replaces.
 */
final class InferredTypes {
  private final FieldNameCase nameCase;
  private int nextId = 1;

  private InferredTypes(FieldNameCase nameCase) {
    this.nameCase = nameCase;
  }

  /** The type of the value the parser is on, reading past it; null when it suggests none. */
  static Type infer(JsonParser parser, FieldNameCase nameCase) throws IOException {
    return new InferredTypes(nameCase).of(parser);
  }

  private Type of(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case VALUE_STRING:
        return Types.StringType.get();
      case VALUE_NUMBER_INT:
        return Types.LongType.get();
      case VALUE_NUMBER_FLOAT:
        return Types.DoubleType.get();
      case VALUE_TRUE:
      case VALUE_FALSE:
        return Types.BooleanType.get();
      case START_OBJECT:
        return struct(parser);
      case START_ARRAY:
        return list(parser);
      default:
        return null;
    }
  }

  private Type struct(JsonParser parser) throws IOException {
    Map<String, Type> fields = new LinkedHashMap<>();
    String name;
    while ((name = parser.nextFieldName()) != null) {
      parser.nextToken();
      Type type = of(parser);
      String column = nameCase == FieldNameCase.NONE ? name : nameCase.convert(name);
      if (type != null && !fields.containsKey(column)) {
        fields.put(column, type);
      }
    }
    if (fields.isEmpty()) {
      return null;
    }
    List<Types.NestedField> nested = new ArrayList<>();
    fields.forEach(
        (column, type) -> nested.add(Types.NestedField.optional(nextId++, column, type)));
    return Types.StructType.of(nested);
  }

  private Type list(JsonParser parser) throws IOException {
    Type element = null;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (element == null) {
        element = of(parser);
      } else {
        parser.skipChildren();
      }
    }
    return element == null ? null : Types.ListType.ofOptional(nextId++, element);
  }
}
