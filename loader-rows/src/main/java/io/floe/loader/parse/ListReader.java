package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.data.GenericArrayData;

/** A JSON array into a list column. */
final class ListReader implements ValueReader {
  private final ValueReader element;
  private final boolean elementRequired;

  ListReader(ValueReader element, boolean elementRequired) {
    this.element = element;
    this.elementRequired = elementRequired;
  }

  @Override
  public Object read(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw ValueException.wrongType("an array", ValueReaders.describe(parser));
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
      } catch (NewColumnException e) {
        throw e.under("element");
      }
    }
    return new GenericArrayData(values.toArray());
  }
}
