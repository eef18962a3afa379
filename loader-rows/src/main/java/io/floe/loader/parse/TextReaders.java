package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Base64;
import org.apache.flink.table.data.StringData;

/**
 * The JSON mapping of strings, UUIDs and binary: scalars and nested JSON kept as text, UUIDs as
 * 8-4-4-4-12 hex digits, binary as base64.
 */
final class TextReaders {
  private static final JsonFactory GENERATORS = new JsonFactory();

  private TextReaders() {}

  static Object readString(JsonParser parser) throws IOException {
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

  static Object readUuid(JsonParser parser) throws IOException {
    return uuidBytes(ValueReaders.text(parser, "a UUID string"));
  }

  static byte[] uuidBytes(String text) {
    if (text.length() != 36) {
      throw ValueException.wrongType(
          "a UUID (8-4-4-4-12 hex digits)", "'" + ValueReaders.abbreviate(text) + "'");
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

  static Object readFixed(JsonParser parser, int length) throws IOException {
    byte[] bytes = base64(parser);
    if (bytes.length != length) {
      throw ValueException.outOfRange(
          "base64 value holds " + bytes.length + " bytes, the column holds exactly " + length);
    }
    return bytes;
  }

  static byte[] base64(JsonParser parser) throws IOException {
    String text = ValueReaders.text(parser, "a base64 string");
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw ValueException.wrongType("a base64 string", "text that is not base64");
    }
  }
}
