package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.apache.flink.table.data.TimestampData;

/** The JSON mapping of the temporal types: ISO-8601 text, or epoch milliseconds for timestamps. */
final class TemporalReaders {
  private TemporalReaders() {}

  static Object readDate(JsonParser parser) throws IOException {
    return IsoTemporals.epochDay(ValueReaders.text(parser, "a date string (yyyy-MM-dd)"));
  }

  static Object readTime(JsonParser parser) throws IOException {
    return IsoTemporals.millisOfDay(ValueReaders.text(parser, "a time string (HH:mm:ss[.SSS])"));
  }

  static Object readTimestamp(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    long micros;
    if (token == JsonToken.VALUE_STRING) {
      micros = IsoTemporals.micros(parser.getText());
    } else if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      micros =
          IsoTemporals.microsOfEpochMillis(
              NumberReaders.exactLong(NumberReaders.wholeNumber(parser)));
    } else {
      throw ValueException.wrongType(
          "an ISO-8601 timestamp string or epoch milliseconds", ValueReaders.describe(parser));
    }
    return TimestampData.fromEpochMillis(
        Math.floorDiv(micros, 1000L), (int) Math.floorMod(micros, 1000L) * 1000);
  }
}
