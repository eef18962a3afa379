package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.floe.loader.settings.FieldNameCase;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The JSON mapping of every Iceberg type, one reader per type (see docs/json-mapping.md): numbers
 * must fit exactly, temporals are ISO-8601 (or epoch milliseconds for timestamps), binary is
 * base64, nested types recurse.
 */
final class ValueReaders {
  private static final JsonFactory GENERATORS = new JsonFactory();

  private ValueReaders() {}

  static ValueReader forType(Type type, FieldNameCase nameCase) {
    switch (type.typeId()) {
      case BOOLEAN:
        return ValueReaders::readBoolean;
      case INTEGER:
        return ValueReaders::readInt;
      case LONG:
        return ValueReaders::readLong;
      case FLOAT:
        return ValueReaders::readFloat;
      case DOUBLE:
        return ValueReaders::readDouble;
      case DECIMAL:
        Types.DecimalType decimal = (Types.DecimalType) type;
        return parser -> readDecimal(parser, decimal.precision(), decimal.scale());
      case DATE:
        return parser -> IsoTemporals.epochDay(text(parser, "a date string (yyyy-MM-dd)"));
      case TIME:
        return parser -> IsoTemporals.millisOfDay(text(parser, "a time string (HH:mm:ss[.SSS])"));
      case TIMESTAMP:
        return ValueReaders::readTimestamp;
      case STRING:
        return ValueReaders::readString;
      case UUID:
        return ValueReaders::readUuid;
      case FIXED:
        int length = ((Types.FixedType) type).length();
        return parser -> readFixed(parser, length);
      case BINARY:
        return parser -> base64(parser);
      case STRUCT:
        return new StructReader(type.asStructType(), nameCase);
      case LIST:
        Types.ListType list = type.asListType();
        return new ListReader(forType(list.elementType(), nameCase), list.isElementRequired());
      case MAP:
        Types.MapType map = type.asMapType();
        return new MapReader(
            keyReader(map.keyType()), forType(map.valueType(), nameCase), map.isValueRequired());
      default:
        throw new UnsupportedTypeException(type);
    }
  }

  /** Map keys arrive as JSON field names: text that must parse as the key type. */
  private static KeyReader keyReader(Type type) {
    switch (type.typeId()) {
      case STRING:
        return StringData::fromString;
      case INTEGER:
        return key -> exactInt(parseInteger(key));
      case LONG:
        return key -> exactLong(parseInteger(key));
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
        return ValueReaders::uuidBytes;
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

  private static Object readInt(JsonParser parser) throws IOException {
    return exactInt(wholeNumber(parser));
  }

  private static Object readLong(JsonParser parser) throws IOException {
    return exactLong(wholeNumber(parser));
  }

  private static int exactInt(Number number) {
    if (number instanceof Integer) {
      return (Integer) number;
    }
    long value = exactLong(number);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw ValueException.outOfRange(value + " does not fit an int (32 bits)");
    }
    return (int) value;
  }

  private static long exactLong(Number number) {
    if (number instanceof Integer || number instanceof Long) {
      return number.longValue();
    }
    BigInteger big = (BigInteger) number;
    if (big.bitLength() > 63) {
      throw ValueException.outOfRange(
          abbreviate(big.toString()) + " does not fit a long (64 bits)");
    }
    return big.longValue();
  }

  /** A JSON integer, or a JSON number with no fractional part (3.0, 1e3), that fits 64 bits. */
  private static Number wholeNumber(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType type = parser.getNumberType();
      if (type == JsonParser.NumberType.INT) {
        return parser.getIntValue();
      }
      if (type == JsonParser.NumberType.LONG) {
        return parser.getLongValue();
      }
      throw ValueException.outOfRange(
          abbreviate(parser.getText()) + " does not fit a long (64 bits)");
    }
    if (token == JsonToken.VALUE_NUMBER_FLOAT) {
      BigDecimal value = exactDecimal(parser);
      if (value.signum() == 0) {
        return 0;
      }
      // Decide by digit counts first: building 1e10000000 as an integer would take seconds.
      if (value.precision() - value.scale() > 19) {
        throw ValueException.outOfRange(
            abbreviate(parser.getText()) + " does not fit a long (64 bits)");
      }
      BigDecimal stripped = value.stripTrailingZeros();
      if (stripped.scale() > 0) {
        throw ValueException.wrongType("a whole number", abbreviate(parser.getText()));
      }
      BigInteger integer = stripped.toBigIntegerExact();
      if (integer.bitLength() > 63) {
        throw ValueException.outOfRange(
            abbreviate(parser.getText()) + " does not fit a long (64 bits)");
      }
      return integer.longValue();
    }
    throw ValueException.wrongType("a whole number", describe(parser));
  }

  /** The number exactly as written; exponents beyond what BigDecimal holds are out of range. */
  private static BigDecimal exactDecimal(JsonParser parser) throws IOException {
    try {
      return parser.getDecimalValue();
    } catch (NumberFormatException | ArithmeticException e) {
      throw ValueException.outOfRange(abbreviate(parser.getText()) + " is out of range");
    }
  }

  private static Number parseInteger(String text) {
    if (text.length() > 20) {
      throw ValueException.outOfRange(abbreviate(text) + " does not fit a long (64 bits)");
    }
    try {
      return new BigInteger(text);
    } catch (NumberFormatException e) {
      throw ValueException.wrongType("a whole number", "'" + abbreviate(text) + "'");
    }
  }

  private static Object readFloat(JsonParser parser) throws IOException {
    double value = number(parser);
    if (Math.abs(value) > Float.MAX_VALUE) {
      throw ValueException.outOfRange(abbreviate(parser.getText()) + " does not fit a float");
    }
    if ((float) value == 0 && exactDecimal(parser).signum() != 0) {
      throw ValueException.outOfRange(
          abbreviate(parser.getText()) + " is too small for a float (underflow)");
    }
    return (float) value;
  }

  private static Object readDouble(JsonParser parser) throws IOException {
    return number(parser);
  }

  private static double number(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
      throw ValueException.wrongType("a number", describe(parser));
    }
    double value = parser.getDoubleValue();
    if (Double.isInfinite(value)) {
      throw ValueException.outOfRange(abbreviate(parser.getText()) + " does not fit a double");
    }
    if (value == 0 && exactDecimal(parser).signum() != 0) {
      throw ValueException.outOfRange(
          abbreviate(parser.getText()) + " is too small for a double (underflow)");
    }
    return value;
  }

  private static Object readDecimal(JsonParser parser, int precision, int scale)
      throws IOException {
    JsonToken token = parser.currentToken();
    BigDecimal value;
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      value = exactDecimal(parser);
    } else if (token == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      try {
        value = new BigDecimal(text);
      } catch (NumberFormatException | ArithmeticException e) {
        throw ValueException.wrongType("a decimal number", "'" + abbreviate(text) + "'");
      }
    } else {
      throw ValueException.wrongType("a decimal number", describe(parser));
    }
    if (value.signum() != 0 && value.precision() - value.scale() > precision - scale) {
      throw ValueException.outOfRange(
          abbreviate(parser.getText())
              + " has more than "
              + (precision - scale)
              + " digits before the decimal point (decimal("
              + precision
              + ","
              + scale
              + "))");
    }
    if (value.scale() > scale && value.stripTrailingZeros().scale() > scale) {
      throw ValueException.outOfRange(
          abbreviate(parser.getText()) + " has more than " + scale + " fractional digits");
    }
    return DecimalData.fromBigDecimal(value.setScale(scale), precision, scale);
  }

  private static Object readTimestamp(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    long micros;
    if (token == JsonToken.VALUE_STRING) {
      micros = IsoTemporals.micros(parser.getText());
    } else if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      micros = IsoTemporals.microsOfEpochMillis(exactLong(wholeNumber(parser)));
    } else {
      throw ValueException.wrongType(
          "an ISO-8601 timestamp string or epoch milliseconds", describe(parser));
    }
    return TimestampData.fromEpochMillis(
        Math.floorDiv(micros, 1000L), (int) Math.floorMod(micros, 1000L) * 1000);
  }

  private static Object readString(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_STRING
        || token == JsonToken.VALUE_NUMBER_INT
        || token == JsonToken.VALUE_NUMBER_FLOAT
        || token == JsonToken.VALUE_TRUE
        || token == JsonToken.VALUE_FALSE) {
      return StringData.fromString(parser.getText());
    }
    // An object or array kept as its JSON text, for semi-structured columns, numbers as written.
    StringWriter json = new StringWriter();
    try (JsonGenerator generator = GENERATORS.createGenerator(json)) {
      copyExactly(parser, generator);
    }
    return StringData.fromString(json.toString());
  }

  /** Copies the structure under the parser, keeping each number's text as written. */
  private static void copyExactly(JsonParser parser, JsonGenerator generator) throws IOException {
    int depth = 0;
    while (true) {
      JsonToken token = parser.currentToken();
      switch (token) {
        case START_OBJECT:
          generator.writeStartObject();
          depth++;
          break;
        case START_ARRAY:
          generator.writeStartArray();
          depth++;
          break;
        case END_OBJECT:
          generator.writeEndObject();
          depth--;
          break;
        case END_ARRAY:
          generator.writeEndArray();
          depth--;
          break;
        case FIELD_NAME:
          generator.writeFieldName(parser.currentName());
          break;
        case VALUE_NUMBER_INT:
        case VALUE_NUMBER_FLOAT:
          generator.writeNumber(parser.getText());
          break;
        case VALUE_STRING:
          generator.writeString(parser.getText());
          break;
        case VALUE_TRUE:
          generator.writeBoolean(true);
          break;
        case VALUE_FALSE:
          generator.writeBoolean(false);
          break;
        default:
          generator.writeNull();
      }
      if (depth == 0) {
        return;
      }
      parser.nextToken();
    }
  }

  private static Object readUuid(JsonParser parser) throws IOException {
    return uuidBytes(text(parser, "a UUID string"));
  }

  private static byte[] uuidBytes(String text) {
    if (text.length() != 36) {
      throw ValueException.wrongType(
          "a UUID (8-4-4-4-12 hex digits)", "'" + abbreviate(text) + "'");
    }
    byte[] bytes = new byte[16];
    int nibble = 0;
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          throw ValueException.wrongType("a UUID (8-4-4-4-12 hex digits)", "'" + text + "'");
        }
        continue;
      }
      int digit = Character.digit(c, 16);
      if (digit < 0 || c > 'f') {
        throw ValueException.wrongType("a UUID (8-4-4-4-12 hex digits)", "'" + text + "'");
      }
      bytes[nibble / 2] |= (byte) (nibble % 2 == 0 ? digit << 4 : digit);
      nibble++;
    }
    return bytes;
  }

  private static Object readFixed(JsonParser parser, int length) throws IOException {
    byte[] bytes = base64(parser);
    if (bytes.length != length) {
      throw ValueException.outOfRange(
          "base64 value holds " + bytes.length + " bytes, the column holds exactly " + length);
    }
    return bytes;
  }

  private static byte[] base64(JsonParser parser) throws IOException {
    String text = text(parser, "a base64 string");
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw ValueException.wrongType("a base64 string", "text that is not base64");
    }
  }

  private static String text(JsonParser parser, String expected) throws IOException {
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

  /** Converts a map key (a JSON field name) to the key type. */
  private interface KeyReader {
    Object read(String key);
  }

  /** A JSON array into a list column. */
  private static final class ListReader implements ValueReader {
    private final ValueReader element;
    private final boolean elementRequired;

    ListReader(ValueReader element, boolean elementRequired) {
      this.element = element;
      this.elementRequired = elementRequired;
    }

    @Override
    public Object read(JsonParser parser) throws IOException {
      if (parser.currentToken() != JsonToken.START_ARRAY) {
        throw ValueException.wrongType("an array", describe(parser));
      }
      List<Object> values = new ArrayList<>();
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        int index = values.size();
        if (token == JsonToken.VALUE_NULL) {
          if (elementRequired) {
            throw new ValueException(
                    BadMessageException.Reason.MISSING_REQUIRED, "element is null but required")
                .inElement(Integer.toString(index));
          }
          values.add(null);
          continue;
        }
        try {
          values.add(element.read(parser));
        } catch (ValueException e) {
          throw e.inElement(Integer.toString(index));
        }
      }
      return new GenericArrayData(values.toArray());
    }
  }

  /** A JSON object into a map column: field names are keys. */
  private static final class MapReader implements ValueReader {
    private final KeyReader key;
    private final ValueReader value;
    private final boolean valueRequired;

    MapReader(KeyReader key, ValueReader value, boolean valueRequired) {
      this.key = key;
      this.value = value;
      this.valueRequired = valueRequired;
    }

    @Override
    public Object read(JsonParser parser) throws IOException {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw ValueException.wrongType("an object", describe(parser));
      }
      Map<Object, Object> entries = new LinkedHashMap<>();
      String name;
      while ((name = parser.nextFieldName()) != null) {
        JsonToken token = parser.nextToken();
        Object mapKey;
        try {
          mapKey = key.read(name);
        } catch (ValueException e) {
          throw e.inElement(name);
        }
        if (token == JsonToken.VALUE_NULL) {
          if (valueRequired) {
            throw new ValueException(
                    BadMessageException.Reason.MISSING_REQUIRED, "value is null but required")
                .inElement(name);
          }
          entries.put(mapKey, null);
          continue;
        }
        try {
          entries.put(mapKey, value.read(parser));
        } catch (ValueException e) {
          throw e.inElement(name);
        }
      }
      return new GenericMapData(entries);
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
