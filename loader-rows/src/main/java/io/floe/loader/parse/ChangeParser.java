package io.floe.loader.parse;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import io.floe.loader.settings.Envelope;
import io.floe.loader.settings.MetadataField;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.settings.WriteSettings;
import io.floe.loader.source.KafkaMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Turns one Kafka message into a change of an upserted table: the row that replaces its key's row,
 * or the key whose row it deletes. A message deletes when it is a Kafka tombstone (its record key
 * is the key), when its delete-marker field holds a delete value, or when its change-stream
 * envelope says so; otherwise it is a row, parsed exactly as in append mode. A delete's key is read
 * with the same JSON mapping as a row's, from the key columns alone.
 */
public final class ChangeParser {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonPointer OP = JsonPointer.compile("/op");
  private static final String AFTER = "/after";
  private static final String BEFORE = "/before";
  private static final String SOURCE_TIMESTAMP = "/source/ts_ms";

  private final int arity;
  private final List<String> keyNames;
  private final int[] keyPositions;
  private final RowParser rows;
  private final RowParser messageKeys;
  private final Optional<RowParser> envelopeDeleteKeys;
  private final RowParser tombstoneKeys;
  private final Optional<JsonPointer> deleteField;
  private final Set<String> deleteValues;
  private final boolean deleteOnTombstone;
  private final Envelope envelope;
  private final long maxMessageBytes;

  private ChangeParser(
      int arity,
      List<String> keyNames,
      int[] keyPositions,
      RowParser rows,
      RowParser messageKeys,
      Optional<RowParser> envelopeDeleteKeys,
      RowParser tombstoneKeys,
      WriteSettings writing,
      ParseSettings parsing) {
    this.arity = arity;
    this.keyNames = List.copyOf(keyNames);
    this.keyPositions = keyPositions.clone();
    this.rows = rows;
    this.messageKeys = messageKeys;
    this.envelopeDeleteKeys = envelopeDeleteKeys;
    this.tombstoneKeys = tombstoneKeys;
    this.deleteField = writing.deleteField().map(ChangeParser::pointer);
    this.deleteValues = Set.copyOf(writing.deleteValues());
    this.deleteOnTombstone = writing.deleteOnTombstone();
    this.envelope = parsing.envelope();
    this.maxMessageBytes = parsing.maxMessageBytes();
  }

  /**
   * Compiles a parser of changes to a table keyed by {@code keyColumns}.
   *
   * @param keyColumns top-level columns of the schema, the table's key
   * @throws IllegalArgumentException naming every key column or setting the table cannot serve
   */
  public static ChangeParser create(
      Schema schema, List<String> keyColumns, ParseSettings parsing, WriteSettings writing) {
    requireNonNull(schema, "schema is null");
    requireNonNull(parsing, "parsing is null");
    requireNonNull(writing, "writing is null");
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("Upserts need a key: the table has no identifier fields");
    }
    List<Types.NestedField> columns = schema.columns();
    int[] positions = new int[keyColumns.size()];
    List<Types.NestedField> keyFields = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int k = 0; k < keyColumns.size(); k++) {
      positions[k] = -1;
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).name().equals(keyColumns.get(k))) {
          positions[k] = i;
        }
      }
      if (positions[k] < 0) {
        problems.add("key column " + keyColumns.get(k) + " is not a top-level column of the table");
      } else {
        Types.NestedField column = columns.get(positions[k]);
        if (!column.type().isPrimitiveType()) {
          problems.add("key column " + column.name() + " has type " + column.type());
        }
        // Optional here: the parser says MISSING_KEY, not MISSING_REQUIRED, for a key without
        // value.
        keyFields.add(Types.NestedField.optional(column.fieldId(), column.name(), column.type()));
      }
    }
    parsing
        .envelopeTimestampColumn()
        .filter(column -> schema.findField(column) == null)
        .ifPresent(
            column ->
                problems.add("the source timestamp column " + column + " is not in the table"));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "The table cannot be upserted with these settings: " + String.join("; ", problems));
    }
    Schema keySchema = new Schema(keyFields);
    Map<String, String> keyProjections = new LinkedHashMap<>();
    parsing
        .projections()
        .forEach(
            (column, target) -> {
              if (keyColumns.contains(column)) {
                keyProjections.put(column, target);
              }
            });
    Map<MetadataField, String> keyMetadata = new LinkedHashMap<>();
    parsing
        .metadataColumns()
        .forEach(
            (field, column) -> {
              if (keyColumns.contains(column)) {
                keyMetadata.put(field, column);
              }
            });
    RowParser rows;
    RowParser messageKeys;
    Optional<RowParser> envelopeDeleteKeys = Optional.empty();
    if (parsing.envelope() == Envelope.DEBEZIUM) {
      Map<String, String> timestamp = new HashMap<>();
      parsing
          .envelopeTimestampColumn()
          .ifPresent(column -> timestamp.put(column, SOURCE_TIMESTAMP));
      rows = RowParser.create(schema, parsing.forEnvelopeRow(AFTER, timestamp));
      messageKeys =
          RowParser.create(
              keySchema, parsing.forKey(Optional.of(AFTER), keyProjections, keyMetadata));
      envelopeDeleteKeys =
          Optional.of(
              RowParser.create(
                  keySchema, parsing.forKey(Optional.of(BEFORE), keyProjections, keyMetadata)));
    } else {
      rows = RowParser.create(schema, parsing);
      messageKeys =
          RowParser.create(
              keySchema, parsing.forKey(parsing.unnestPointer(), keyProjections, keyMetadata));
    }
    RowParser tombstoneKeys =
        RowParser.create(keySchema, parsing.forKey(Optional.empty(), Map.of(), keyMetadata));
    return new ChangeParser(
        columns.size(),
        keyColumns,
        positions,
        rows,
        messageKeys,
        envelopeDeleteKeys,
        tombstoneKeys,
        writing,
        parsing);
  }

  private static JsonPointer pointer(List<String> path) {
    StringBuilder text = new StringBuilder();
    for (String name : path) {
      text.append('/').append(name.replace("~", "~0").replace("/", "~1"));
    }
    return JsonPointer.compile(text.toString());
  }

  /**
   * Parses one message into a change.
   *
   * @throws BadMessageException for a message that names no change: the row's reasons, or
   *     MISSING_KEY, MALFORMED_KEY, BAD_ENVELOPE
   */
  public Change parse(KafkaMessage message) throws BadMessageException {
    byte[] value = message.value();
    if (value == null) {
      if (!deleteOnTombstone) {
        return Change.upsert(rows.parse(message));
      }
      return Change.delete(tombstoneKey(message));
    }
    if (value.length > maxMessageBytes || Utf8.firstInvalidByte(value) >= 0) {
      // The row parser names the reason.
      return Change.upsert(row(message));
    }
    try {
      if (deleteField.isPresent()) {
        Optional<String> marker = scalarAt(value, deleteField.get());
        if (marker.isPresent() && deleteValues.contains(marker.get())) {
          return Change.delete(key(messageKeys, message, "the deleted row"));
        }
      }
      if (envelope == Envelope.DEBEZIUM) {
        return envelopeChange(message);
      }
    } catch (IOException e) {
      // Not JSON: the row parser names the reason.
      return Change.upsert(row(message));
    }
    return Change.upsert(row(message));
  }

  private Change envelopeChange(KafkaMessage message) throws IOException, BadMessageException {
    byte[] value = message.value();
    Optional<String> op = scalarAt(value, OP);
    if (op.isEmpty()) {
      throw new BadMessageException(
          BadMessageException.Reason.BAD_ENVELOPE,
          "op",
          "the change event has no op (c, r, u or d)");
    }
    switch (op.get()) {
      case "c":
      case "r":
      case "u":
        requireObject(value, AFTER, op.get());
        return Change.upsert(row(message));
      case "d":
        requireObject(value, BEFORE, op.get());
        return Change.delete(key(envelopeDeleteKeys.orElseThrow(), message, "before"));
      default:
        throw new BadMessageException(
            BadMessageException.Reason.BAD_ENVELOPE,
            "op",
            "the change event's op '" + op.get() + "' is none of c, r, u and d");
    }
  }

  private static void requireObject(byte[] value, String at, String op)
      throws IOException, BadMessageException {
    try (JsonParser parser = FACTORY.createParser(value)) {
      parser.nextToken();
      if (!RowParser.navigate(parser, JsonPointer.compile(at))
          || parser.currentToken() != JsonToken.START_OBJECT) {
        throw new BadMessageException(
            BadMessageException.Reason.BAD_ENVELOPE,
            at.substring(1),
            "the change event (op " + op + ") has no " + at.substring(1) + " row");
      }
    }
  }

  /** The text of the scalar at the pointer (a string's content, a number or boolean as written). */
  private static Optional<String> scalarAt(byte[] value, JsonPointer pointer) throws IOException {
    try (JsonParser parser = FACTORY.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT || !RowParser.navigate(parser, pointer)) {
        return Optional.empty();
      }
      JsonToken token = parser.currentToken();
      return token.isScalarValue() && token != JsonToken.VALUE_NULL
          ? Optional.of(parser.getText())
          : Optional.empty();
    }
  }

  /** An upsert's row; MISSING_KEY names a key column without value. */
  private RowData row(KafkaMessage message) throws BadMessageException {
    RowData row;
    try {
      row = rows.parse(message);
    } catch (BadMessageException e) {
      if (e.reason() == BadMessageException.Reason.MISSING_REQUIRED
          && keyNames.contains(e.path())) {
        throw missingKey(e.path(), "the row");
      }
      throw e;
    }
    for (int k = 0; k < keyPositions.length; k++) {
      if (row.isNullAt(keyPositions[k])) {
        throw missingKey(keyNames.get(k), "the row");
      }
    }
    return row;
  }

  private BadMessageException missingKey(String column, String where) {
    return new BadMessageException(
        BadMessageException.Reason.MISSING_KEY,
        column,
        "key column " + column + " has no value in " + where);
  }

  /** The key read by {@code keys} from the message, as a row of the table's columns. */
  private RowData key(RowParser keys, KafkaMessage message, String where)
      throws BadMessageException {
    RowData key;
    try {
      key = keys.parse(message);
    } catch (BadMessageException e) {
      throw new BadMessageException(
          e.reason() == BadMessageException.Reason.MISSING_REQUIRED
              ? BadMessageException.Reason.MISSING_KEY
              : e.reason(),
          e.path(),
          "the key of " + where + ": " + e.getMessage());
    }
    return expand(key, where);
  }

  private RowData expand(RowData key, String where) throws BadMessageException {
    GenericRowData row = new GenericRowData(arity);
    GenericRowData fields = (GenericRowData) key;
    for (int k = 0; k < keyPositions.length; k++) {
      Object field = fields.getField(k);
      if (field == null) {
        throw missingKey(keyNames.get(k), where);
      }
      row.setField(keyPositions[k], field);
    }
    return row;
  }

  /**
   * A tombstone's key from its record key: a JSON object of the key columns, or, for a one-column
   * key, a JSON scalar or plain text as that column's value.
   */
  private RowData tombstoneKey(KafkaMessage message) throws BadMessageException {
    byte[] recordKey = message.key();
    if (recordKey == null || recordKey.length == 0) {
      throw new BadMessageException(
          BadMessageException.Reason.MISSING_KEY,
          "",
          "the tombstone has no record key, so it names no row to delete");
    }
    if (Utf8.firstInvalidByte(recordKey) >= 0) {
      throw new BadMessageException(
          BadMessageException.Reason.MALFORMED_KEY, "", "the tombstone's record key is not UTF-8");
    }
    byte[] object = keyObject(recordKey);
    KafkaMessage asRow =
        new KafkaMessage(
            message.topic(),
            message.partition(),
            message.offset(),
            message.timestamp(),
            recordKey,
            object,
            message.headers());
    RowData key;
    try {
      key = tombstoneKeys.parse(asRow);
    } catch (BadMessageException e) {
      throw new BadMessageException(
          e.reason() == BadMessageException.Reason.MISSING_REQUIRED
              ? BadMessageException.Reason.MISSING_KEY
              : BadMessageException.Reason.MALFORMED_KEY,
          e.path(),
          "the tombstone's record key: " + e.getMessage());
    }
    return expand(key, "the tombstone's record key");
  }

  /** The record key as a JSON object of the key columns. */
  private byte[] keyObject(byte[] recordKey) throws BadMessageException {
    try (JsonParser parser = FACTORY.createParser(recordKey)) {
      JsonToken first = parser.nextToken();
      if (first == JsonToken.START_OBJECT) {
        return recordKey;
      }
      if (first == JsonToken.VALUE_NULL) {
        throw new BadMessageException(
            BadMessageException.Reason.MISSING_KEY, "", "the tombstone's record key is null");
      }
      if (first == null || !first.isScalarValue()) {
        throw malformedKey("is " + (first == null ? "empty" : "a JSON array"));
      }
      requireOneColumn();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (JsonGenerator generator = FACTORY.createGenerator(bytes)) {
        generator.writeStartObject();
        generator.writeFieldName(keyNames.get(0));
        generator.copyCurrentEvent(parser);
        generator.writeEndObject();
      }
      if (parser.nextToken() != null) {
        throw malformedKey("has content after its JSON value");
      }
      return bytes.toByteArray();
    } catch (IOException notJson) {
      // Plain text: the value of a one-column key.
      requireOneColumn();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (JsonGenerator generator = FACTORY.createGenerator(bytes)) {
        generator.writeStartObject();
        generator.writeStringField(keyNames.get(0), new String(recordKey, StandardCharsets.UTF_8));
        generator.writeEndObject();
      } catch (IOException e) {
        throw malformedKey("cannot be read: " + e.getMessage());
      }
      return bytes.toByteArray();
    }
  }

  private void requireOneColumn() throws BadMessageException {
    if (keyNames.size() != 1) {
      throw malformedKey(
          "is a single value, but the key has the columns "
              + String.join(", ", keyNames)
              + ": give a JSON object of them");
    }
  }

  private static BadMessageException malformedKey(String what) {
    return new BadMessageException(
        BadMessageException.Reason.MALFORMED_KEY, "", "the tombstone's record key " + what);
  }
}
