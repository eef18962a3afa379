package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.table.data.GenericMapData;

/** A JSON object into a map column: field names are keys. */
final class MapReader implements ValueReader {
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
      throw ValueException.wrongType("an object", ValueReaders.describe(parser));
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
      } catch (NewColumnException e) {
        throw e.under("value");
      }
    }
    return new GenericMapData(entries);
  }

  /** Converts a map key (a JSON field name) to the key type. */
  interface KeyReader {
    Object read(String key);
  }
}
