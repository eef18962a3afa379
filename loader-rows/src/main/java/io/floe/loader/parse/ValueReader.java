package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Reads the JSON value under the parser's current token into Flink's internal representation of one
 * Iceberg type. Never called for JSON null: containers handle nulls and required fields.
 */
interface ValueReader {
  /**
   * @throws ValueException when the value does not fit the type
   * @throws IOException when the JSON itself is malformed
   */
  Object read(JsonParser parser) throws IOException;
}
