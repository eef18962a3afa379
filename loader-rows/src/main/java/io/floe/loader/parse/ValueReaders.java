package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.floe.loader.settings.FieldNameCase;
import io.floe.loader.settings.UnknownFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.data.StringData;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The JSON mapping of every Iceberg type, one reader per type (see docs/json-mapping.md): numbers
 * must fit exactly ({@link NumberReaders}), temporals are ISO-8601 or epoch milliseconds for
 * timestamps ({@link TemporalReaders}), binary is base64 ({@link TextReaders}), nested types
 * recurse ({@link StructReader}, {@link ListReader}, {@link MapReader}).
 */
final class ValueReaders {
  private ValueReaders() {}

  static ValueReader forType(Type type, FieldNameCase nameCase, UnknownFields unknownFields) {
    switch (type.typeId()) {
      case BOOLEAN:
        return ValueReaders::readBoolean;
      case INTEGER:
        return NumberReaders::readInt;
      case LONG:
        return NumberReaders::readLong;
      case FLOAT:
        return NumberReaders::readFloat;
      case DOUBLE:
        return NumberReaders::readDouble;
      case DECIMAL:
        Types.DecimalType decimal = (Types.DecimalType) type;
        return parser -> NumberReaders.readDecimal(parser, decimal.precision(), decimal.scale());
      case DATE:
        return TemporalReaders::readDate;
      case TIME:
        return TemporalReaders::readTime;
      case TIMESTAMP:
        return TemporalReaders::readTimestamp;
      case STRING:
        return TextReaders::readString;
      case UUID:
        return TextReaders::readUuid;
      case FIXED:
        int length = ((Types.FixedType) type).length();
        return parser -> TextReaders.readFixed(parser, length);
      case BINARY:
        return parser -> TextReaders.base64(parser);
      case STRUCT:
        return new StructReader(type.asStructType(), nameCase, unknownFields);
      case LIST:
        Types.ListType list = type.asListType();
        return new ListReader(
            forType(list.elementType(), nameCase, unknownFields), list.isElementRequired());
      case MAP:
        Types.MapType map = type.asMapType();
        return new MapReader(
            keyReader(map.keyType()),
            forType(map.valueType(), nameCase, unknownFields),
            map.isValueRequired());
      default:
        throw new UnsupportedTypeException(type);
    }
  }

  /** Map keys arrive as JSON field names: text that must parse as the key type. */
  private static MapReader.KeyReader keyReader(Type type) {
    switch (type.typeId()) {
      case STRING:
        return StringData::fromString;
      case INTEGER:
        return key -> NumberReaders.exactInt(NumberReaders.parseInteger(key));
      case LONG:
        return key -> NumberReaders.exactLong(NumberReaders.parseInteger(key));
      case BOOLEAN:
        return key -> {
          if (key.equals("true") || key.equals("false")) {
            return Boolean.valueOf(key);
          }
          throw ValueException.wrongType("true or false", "'" + key + "'");
        };
      case DATE:
        return IsoTemporals::epochDay;
      case UUID:
        return TextReaders::uuidBytes;
      default:
        throw new UnsupportedTypeException(type);
    }
  }

  private static Object readBoolean(JsonParser parser) {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_TRUE) {
      return Boolean.TRUE;
    }
    if (token == JsonToken.VALUE_FALSE) {
      return Boolean.FALSE;
    }
    throw ValueException.wrongType("true or false", describe(parser));
  }

  static String text(JsonParser parser, String expected) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw ValueException.wrongType(expected, describe(parser));
    }
    return parser.getText();
  }

  /** Keeps error messages short whatever the message held. */
  static String abbreviate(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }

  /** Names what the parser is on, for error messages: "an object", "the number 12", ... */
  static String describe(JsonParser parser) {
    JsonToken token = parser.currentToken();
    try {
      switch (token) {
        case START_OBJECT:
          return "an object";
        case START_ARRAY:
          return "an array";
        case VALUE_STRING:
          String text = parser.getText();
          return "the string '" + abbreviate(text) + "'";
        case VALUE_NUMBER_INT:
        case VALUE_NUMBER_FLOAT:
          return "the number " + abbreviate(parser.getText());
        case VALUE_TRUE:
        case VALUE_FALSE:
          return "the boolean " + parser.getText();
        default:
          return String.valueOf(token);
      }
    } catch (IOException e) {
      return String.valueOf(token);
    }
  }

  /** Column types the loader cannot write, each with its path; refused when the loader starts. */
  static final class UnsupportedTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    UnsupportedTypeException(Type type) {
      this(List.of(": the loader cannot write columns of type " + type));
    }

    UnsupportedTypeException(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code <path>: <reason>}, the path filled in by the enclosing structs. */
    List<String> problems() {
      return problems;
    }

    UnsupportedTypeException under(String field) {
      List<String> prefixed = new ArrayList<>();
      for (String problem : problems) {
        prefixed.add(field + (problem.startsWith(":") ? "" : ".") + problem);
      }
      return new UnsupportedTypeException(prefixed);
    }
  }
}
