package io.floe.loader.route;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.BadMessageException.Reason;
import io.floe.loader.settings.RouteSettings;
import io.floe.loader.source.KafkaMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names the table a message goes to from its routing value (a JSON field, a header or the topic),
 * before the message is parsed into a row of that table. A field is found by a streaming read that
 * skips everything else, and the table of a value seen before is remembered. Not thread-safe: one
 * per writer subtask.
 */
public final class MessageRouter {
  private static final JsonFactory JSON = new JsonFactory();

  /** Routing values seen, with their tables: most topics route by a handful of values. */
  private static final int MAX_CACHED_VALUES = 10_000;

  private final RouteSettings route;
  private final List<String> path;
  private final Map<String, Optional<String>> tables = new HashMap<>();

  public MessageRouter(RouteSettings route) {
    this.route = requireNonNull(route, "route is null");
    this.path = route.source() == RouteSettings.Source.FIELD ? route.fieldPath() : List.of();
  }

  /** The table's name (in the pipeline's namespace). */
  public String tableFor(KafkaMessage message) throws BadMessageException {
    String value = value(message);
    Optional<String> table = tables.get(value);
    if (table == null) {
      table = route.tableFor(value);
      if (tables.size() >= MAX_CACHED_VALUES) {
        tables.clear();
      }
      tables.put(value, table);
    }
    if (table.isEmpty()) {
      throw noRoute(route.whyNoTable(value));
    }
    return table.get();
  }

  private String value(KafkaMessage message) throws BadMessageException {
    switch (route.source()) {
      case TOPIC:
        return message.topic();
      case HEADER:
        return header(message);
      default:
        return field(message.value());
    }
  }

  private String header(KafkaMessage message) throws BadMessageException {
    byte[] found = null;
    boolean present = false;
    for (KafkaMessage.Header header : message.headers()) {
      if (header.key().equals(route.name())) {
        found = header.value();
        present = true;
      }
    }
    if (!present || found == null) {
      throw noRoute("the message has no header '" + route.name() + "' to route it by");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(found))
          .toString();
    } catch (CharacterCodingException e) {
      throw noRoute("the header '" + route.name() + "' is not UTF-8 text");
    }
  }

  private String field(byte[] value) throws BadMessageException {
    if (value == null) {
      throw noRoute("the message has no value (a tombstone) to route it by");
    }
    try (JsonParser parser = JSON.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw noRoute("the message is not a JSON object with a field '" + route.name() + "'");
      }
      for (int depth = 0; depth < path.size(); ) {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_OBJECT || token == null) {
          throw noRoute("the message has no field '" + route.name() + "' to route it by");
        }
        String name = parser.currentName();
        JsonToken valueToken = parser.nextToken();
        if (!path.get(depth).equals(name)) {
          parser.skipChildren();
          continue;
        }
        if (depth == path.size() - 1) {
          if (valueToken.isScalarValue() && valueToken != JsonToken.VALUE_NULL) {
            return parser.getText();
          }
          throw noRoute(
              "the field '" + route.name() + "' is " + describe(valueToken) + ", not a value");
        }
        if (valueToken != JsonToken.START_OBJECT) {
          throw noRoute("the message has no field '" + route.name() + "' to route it by");
        }
        depth++;
      }
      throw new IllegalStateException("unreachable: an empty field path");
    } catch (JsonProcessingException e) {
      throw new BadMessageException(
          Reason.MALFORMED_JSON, "", "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadMessageException(Reason.MALFORMED_JSON, "", "unreadable: " + e.getMessage());
    }
  }

  private static String describe(JsonToken token) {
    if (token == JsonToken.VALUE_NULL) {
      return "null";
    }
    return token == JsonToken.START_ARRAY ? "an array" : "an object";
  }

  private BadMessageException noRoute(String why) {
    return new BadMessageException(
        Reason.NO_ROUTE,
        route.source() == RouteSettings.Source.FIELD ? route.name() : "",
        "no route: " + why);
  }
}
