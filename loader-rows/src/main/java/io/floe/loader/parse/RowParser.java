package io.floe.loader.parse;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.floe.loader.schema.WritableTypes;
import io.floe.loader.settings.MetadataField;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.source.KafkaMessage;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Turns one Kafka message into a row of the table, with the Iceberg schema as the only schema, or
 * says exactly why not. Every value is read from a streaming parser, never from a tree, so numbers
 * keep their exact text; an unnest pointer or a projection is one more streaming pass that walks to
 * its pointer. A row that parsed must then pass the pipeline's data-quality rules.
 */
public final class RowParser {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
          .build();

  private final int arity;
  private final StructReader rowReader;
  private final Optional<JsonPointer> unnest;
  private final List<Projection> projections;
  private final List<Metadata> metadata;
  private final long maxMessageBytes;
  private final RowRules rules;

  private RowParser(
      int arity,
      StructReader rowReader,
      Optional<JsonPointer> unnest,
      List<Projection> projections,
      List<Metadata> metadata,
      long maxMessageBytes,
      RowRules rules) {
    this.arity = arity;
    this.rowReader = rowReader;
    this.unnest = unnest;
    this.projections = List.copyOf(projections);
    this.metadata = List.copyOf(metadata);
    this.maxMessageBytes = maxMessageBytes;
    this.rules = rules;
  }

  /**
   * Compiles a parser for the table's schema.
   *
   * @throws IllegalArgumentException listing every column the settings or the loader cannot serve
   */
  public static RowParser create(Schema schema, ParseSettings settings) {
    return create(schema, settings, Clock.systemUTC());
  }

  /**
   * Compiles a parser for the table's schema, with freshness rules measured from the clock.
   *
   * @throws IllegalArgumentException listing every column the settings or the loader cannot serve
   */
  public static RowParser create(Schema schema, ParseSettings settings, Clock clock) {
    requireNonNull(schema, "schema is null");
    requireNonNull(settings, "settings is null");
    List<String> problems = new ArrayList<>();
    for (String problem : WritableTypes.problems(schema)) {
      problems.add("column " + problem);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "The table cannot be loaded with these settings: " + String.join("; ", problems));
    }
    List<Types.NestedField> columns = schema.columns();
    Set<String> filledElsewhere = new HashSet<>();
    List<Projection> projections = new ArrayList<>();
    for (Map.Entry<String, String> entry : settings.projections().entrySet()) {
      int pos = position(columns, entry.getKey());
      if (pos < 0) {
        problems.add("parse.projections: column " + entry.getKey() + " is not in the table");
        continue;
      }
      Types.NestedField column = columns.get(pos);
      try {
        projections.add(
            new Projection(
                pos,
                column.name(),
                column.isRequired(),
                JsonPointer.compile(entry.getValue()),
                ValueReaders.forType(
                    column.type(), settings.fieldNameCase(), settings.unknownFields())));
        filledElsewhere.add(column.name());
      } catch (ValueReaders.UnsupportedTypeException e) {
        for (String problem : e.under(column.name()).problems()) {
          problems.add("column " + problem);
        }
      }
    }
    List<Metadata> metadata = new ArrayList<>();
    for (Map.Entry<MetadataField, String> entry : settings.metadataColumns().entrySet()) {
      int pos = position(columns, entry.getValue());
      if (pos < 0) {
        problems.add(
            "parse.metadata-columns: column "
                + entry.getValue()
                + " for the Kafka "
                + entry.getKey().name().toLowerCase()
                + " is not in the table");
        continue;
      }
      Types.NestedField column = columns.get(pos);
      Optional<String> incompatible = Metadata.incompatibility(entry.getKey(), column.type());
      if (incompatible.isPresent()) {
        problems.add("parse.metadata-columns: column " + column.name() + " " + incompatible.get());
        continue;
      }
      metadata.add(
          new Metadata(pos, column.name(), entry.getKey(), column.type(), column.isRequired()));
      filledElsewhere.add(column.name());
    }
    StructReader rowReader = null;
    try {
      rowReader =
          new StructReader(
              schema.asStruct(),
              settings.fieldNameCase(),
              settings.unknownFields(),
              filledElsewhere);
    } catch (ValueReaders.UnsupportedTypeException e) {
      for (String problem : e.problems()) {
        problems.add("column " + problem);
      }
    }
    RowRules rules = RowRules.compile(schema, settings.rules(), clock, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "The table cannot be loaded with these settings: " + String.join("; ", problems));
    }
    return new RowParser(
        columns.size(),
        rowReader,
        settings.unnestPointer().map(JsonPointer::compile),
        projections,
        metadata,
        settings.maxMessageBytes(),
        rules);
  }

  private static int position(List<Types.NestedField> columns, String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Parses one message.
   *
   * @throws BadMessageException naming the reason and the failing column or position
   * @throws NewColumnException under {@code parse.unknown-fields: add}, for a field the table lacks
   */
  public RowData parse(KafkaMessage message) throws BadMessageException {
    byte[] value = message.value();
    if (value == null) {
      throw new BadMessageException(
          BadMessageException.Reason.NOT_AN_OBJECT, "", "the message has no value (a tombstone)");
    }
    if (value.length > maxMessageBytes) {
      throw new BadMessageException(
          BadMessageException.Reason.OVERSIZED,
          "",
          "the message has " + value.length + " bytes, more than the limit of " + maxMessageBytes);
    }
    int invalidAt = Utf8.firstInvalidByte(value);
    if (invalidAt >= 0) {
      throw new BadMessageException(
          BadMessageException.Reason.INVALID_UTF8,
          "",
          "the message is not valid UTF-8 (at byte " + invalidAt + ")");
    }
    GenericRowData row = new GenericRowData(arity);
    try {
      readRow(value, row);
      for (Projection projection : projections) {
        projection.fill(value, row);
      }
      for (Metadata column : metadata) {
        column.fill(message, row);
      }
    } catch (ValueException e) {
      throw e.toBadMessage();
    } catch (JsonProcessingException e) {
      throw new BadMessageException(BadMessageException.Reason.MALFORMED_JSON, "", describe(e));
    } catch (IOException e) {
      throw new BadMessageException(
          BadMessageException.Reason.MALFORMED_JSON, "", String.valueOf(e.getMessage()));
    }
    rules.check(row);
    return row;
  }

  /**
   * Reads the row (at the unnest pointer, if any) and checks that the whole message is JSON: a
   * message that is not JSON is MALFORMED_JSON even when a value before the break did not fit.
   */
  private void readRow(byte[] value, GenericRowData row) throws IOException {
    try (JsonParser parser = FACTORY.createParser(value)) {
      try {
        readRow(parser, row);
      } catch (ValueException e) {
        while (parser.nextToken() != null) {
          // a JsonProcessingException here means the message is not JSON at all
        }
        throw e;
      }
    }
  }

  private void readRow(JsonParser parser, GenericRowData row) throws IOException {
    JsonToken first = parser.nextToken();
    if (first != JsonToken.START_OBJECT) {
      throw new ValueException(
          BadMessageException.Reason.NOT_AN_OBJECT,
          "the message is "
              + (first == null ? "empty" : ValueReaders.describe(parser))
              + ", not a JSON object");
    }
    if (unnest.isPresent()) {
      if (!navigate(parser, unnest.get()) || parser.currentToken() != JsonToken.START_OBJECT) {
        throw new ValueException(
            BadMessageException.Reason.NOT_AN_OBJECT,
            "no JSON object at the unnest pointer " + unnest.get());
      }
      rowReader.readFields(parser, row);
      // Read the rest of the message up to the end of the outermost object.
      while (!parser.getParsingContext().inRoot()) {
        JsonToken token = parser.nextToken();
        if (token != null && token.isStructStart()) {
          parser.skipChildren();
        }
      }
    } else {
      rowReader.readFields(parser, row);
    }
    if (parser.nextToken() != null) {
      throw new ValueException(
          BadMessageException.Reason.MALFORMED_JSON,
          "unexpected content after the JSON object" + at(parser));
    }
  }

  /**
   * Moves a parser that is on the first token of a value to the value at {@code pointer}, skipping
   * everything else unread; false when nothing is there.
   */
  static boolean navigate(JsonParser parser, JsonPointer pointer) throws IOException {
    JsonPointer rest = pointer;
    while (!rest.matches()) {
      JsonToken token = parser.currentToken();
      boolean found = false;
      if (token == JsonToken.START_OBJECT) {
        String wanted = rest.getMatchingProperty();
        String name;
        while ((name = parser.nextFieldName()) != null) {
          parser.nextToken();
          if (name.equals(wanted)) {
            found = true;
            break;
          }
          parser.skipChildren();
        }
      } else if (token == JsonToken.START_ARRAY && rest.getMatchingIndex() >= 0) {
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          if (index++ == rest.getMatchingIndex()) {
            found = true;
            break;
          }
          parser.skipChildren();
        }
      }
      if (!found) {
        return false;
      }
      rest = rest.tail();
    }
    return true;
  }

  private static String at(JsonParser parser) {
    return " (line "
        + parser.currentTokenLocation().getLineNr()
        + ", column "
        + parser.currentTokenLocation().getColumnNr()
        + ")";
  }

  private static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (e.getLocation() != null) {
      message +=
          " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")";
    }
    return message;
  }

  /** A column read from a JSON pointer into the whole message. */
  private static final class Projection {
    private final int position;
    private final String column;
    private final boolean required;
    private final JsonPointer pointer;
    private final ValueReader reader;

    Projection(
        int position, String column, boolean required, JsonPointer pointer, ValueReader reader) {
      this.position = position;
      this.column = column;
      this.required = required;
      this.pointer = pointer;
      this.reader = reader;
    }

    void fill(byte[] message, GenericRowData row) throws IOException {
      try (JsonParser parser = FACTORY.createParser(message)) {
        parser.nextToken();
        if (!navigate(parser, pointer) || parser.currentToken() == JsonToken.VALUE_NULL) {
          if (required) {
            throw new ValueException(
                BadMessageException.Reason.MISSING_REQUIRED,
                "required column has no value at " + pointer);
          }
          return;
        }
        row.setField(position, reader.read(parser));
      } catch (ValueException e) {
        throw e.inField(column);
      }
    }
  }

  /** A column filled from the Kafka record's metadata. */
  private static final class Metadata {
    private final int position;
    private final String column;
    private final MetadataField field;
    private final Type.TypeID type;
    private final boolean required;
    private final boolean binaryHeaderValues;
    private final boolean headerValuesRequired;

    Metadata(int position, String column, MetadataField field, Type type, boolean required) {
      this.position = position;
      this.column = column;
      this.field = field;
      this.type = type.typeId();
      this.required = required;
      this.binaryHeaderValues =
          type.isMapType() && type.asMapType().valueType().typeId() == Type.TypeID.BINARY;
      this.headerValuesRequired = type.isMapType() && type.asMapType().isValueRequired();
    }

    static Optional<String> incompatibility(MetadataField field, Type type) {
      Set<Type.TypeID> allowed;
      switch (field) {
        case TOPIC:
          allowed = Set.of(Type.TypeID.STRING);
          break;
        case PARTITION:
          allowed = Set.of(Type.TypeID.INTEGER, Type.TypeID.LONG);
          break;
        case OFFSET:
          allowed = Set.of(Type.TypeID.LONG);
          break;
        case TIMESTAMP:
          allowed = Set.of(Type.TypeID.TIMESTAMP, Type.TypeID.LONG);
          break;
        case HEADERS:
          boolean fits =
              type.isMapType()
                  && type.asMapType().keyType().typeId() == Type.TypeID.STRING
                  && Set.of(Type.TypeID.STRING, Type.TypeID.BINARY)
                      .contains(type.asMapType().valueType().typeId());
          return fits
              ? Optional.empty()
              : Optional.of(
                  "has type "
                      + type
                      + " but the Kafka headers need map<string, string> or map<string, binary>");
        default:
          allowed = Set.of(Type.TypeID.STRING, Type.TypeID.BINARY);
      }
      return allowed.contains(type.typeId())
          ? Optional.empty()
          : Optional.of(
              "has type "
                  + type
                  + " but the Kafka "
                  + field.name().toLowerCase()
                  + " needs one of "
                  + allowed);
    }

    void fill(KafkaMessage message, GenericRowData row) {
      Object value;
      switch (field) {
        case TOPIC:
          value = StringData.fromString(message.topic());
          break;
        case PARTITION:
          value =
              type == Type.TypeID.LONG
                  ? (Object) (long) message.partition()
                  : (Object) message.partition();
          break;
        case OFFSET:
          value = message.offset();
          break;
        case TIMESTAMP:
          value =
              type == Type.TypeID.LONG
                  ? (Object) message.timestamp()
                  : TimestampData.fromEpochMillis(message.timestamp());
          break;
        case HEADERS:
          value = headers(message);
          break;
        default:
          byte[] key = message.key();
          try {
            value =
                key == null
                    ? null
                    : type == Type.TypeID.BINARY ? key : StringData.fromBytes(keyAsUtf8(key));
          } catch (ValueException e) {
            throw e.inField(column);
          }
      }
      if (value == null && required) {
        throw new ValueException(
                BadMessageException.Reason.MISSING_REQUIRED, "the Kafka record has no key")
            .inField(column);
      }
      row.setField(position, value);
    }

    /** The headers as a map: UTF-8 text or bytes by the column's value type; a repeat wins. */
    private GenericMapData headers(KafkaMessage message) {
      Map<Object, Object> values = new LinkedHashMap<>();
      for (KafkaMessage.Header header : message.headers()) {
        byte[] bytes = header.value();
        Object value;
        if (bytes == null) {
          if (headerValuesRequired) {
            throw new ValueException(
                    BadMessageException.Reason.MISSING_REQUIRED, "the header has no value")
                .inElement(header.key())
                .inField(column);
          }
          value = null;
        } else if (binaryHeaderValues) {
          value = bytes;
        } else if (Utf8.firstInvalidByte(bytes) >= 0) {
          throw new ValueException(
                  BadMessageException.Reason.INVALID_UTF8,
                  "the header's value is not valid UTF-8 (a map<string, binary> column takes any"
                      + " bytes)")
              .inElement(header.key())
              .inField(column);
        } else {
          value = StringData.fromBytes(bytes);
        }
        values.put(StringData.fromString(header.key()), value);
      }
      return new GenericMapData(values);
    }

    private static byte[] keyAsUtf8(byte[] key) {
      if (Utf8.firstInvalidByte(key) >= 0) {
        throw new ValueException(
            BadMessageException.Reason.INVALID_UTF8, "the Kafka key is not valid UTF-8");
      }
      return key;
    }
  }
}
