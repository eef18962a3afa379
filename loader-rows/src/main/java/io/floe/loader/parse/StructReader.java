package io.floe.loader.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.floe.loader.settings.FieldNameCase;
import io.floe.loader.settings.UnknownFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.data.GenericRowData;
import org.apache.iceberg.types.Types;

/**
 * A JSON object into a struct (or into the table's row): fields are matched by name after the
 * configured case conversion, unknown fields are skipped unread (or refused, when the pipeline says
 * so), missing fields stay null, and a missing or null required field is an error.
 */
final class StructReader implements ValueReader {
  private static final int MAX_CACHED_NAMES = 10_000;

  private final int arity;
  private final String[] names;
  private final ValueReader[] readers;
  private final int[] requiredPositions;
  private final Map<String, Integer> positions;
  private final FieldNameCase nameCase;
  private final boolean rejectUnknown;
  private final boolean addUnknown;
  private final Set<String> filledElsewhere;
  private final Map<String, Integer> convertedPositions = new HashMap<>();

  StructReader(Types.StructType struct, FieldNameCase nameCase, UnknownFields unknownFields) {
    this(struct, nameCase, unknownFields, Set.of());
  }

  /**
   * Reads the struct's fields except {@code excluded}, which are filled from elsewhere (a JSON
   * field of that name is skipped, never refused).
   */
  StructReader(
      Types.StructType struct,
      FieldNameCase nameCase,
      UnknownFields unknownFields,
      Set<String> excluded) {
    List<Types.NestedField> fields = struct.fields();
    this.arity = fields.size();
    this.names = new String[arity];
    this.readers = new ValueReader[arity];
    this.positions = new HashMap<>();
    this.nameCase = nameCase;
    this.rejectUnknown = unknownFields == UnknownFields.REJECT;
    this.addUnknown = unknownFields == UnknownFields.ADD;
    this.filledElsewhere = Set.copyOf(excluded);
    List<Integer> required = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    for (int pos = 0; pos < arity; pos++) {
      Types.NestedField field = fields.get(pos);
      names[pos] = field.name();
      if (excluded.contains(field.name())) {
        continue;
      }
      try {
        readers[pos] = ValueReaders.forType(field.type(), nameCase, unknownFields);
      } catch (ValueReaders.UnsupportedTypeException e) {
        unsupported.addAll(e.under(field.name()).problems());
        continue;
      }
      positions.put(field.name(), pos);
      if (field.isRequired()) {
        required.add(pos);
      }
    }
    if (!unsupported.isEmpty()) {
      throw new ValueReaders.UnsupportedTypeException(unsupported);
    }
    this.requiredPositions = required.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public Object read(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw ValueException.wrongType("an object", ValueReaders.describe(parser));
    }
    GenericRowData row = new GenericRowData(arity);
    readFields(parser, row);
    return row;
  }

  /** Reads the object the parser is on (at START_OBJECT) into the positions of {@code row}. */
  void readFields(JsonParser parser, GenericRowData row) throws IOException {
    String name;
    while ((name = parser.nextFieldName()) != null) {
      JsonToken token = parser.nextToken();
      int pos = position(name);
      if (pos < 0) {
        if (rejectUnknown && !filledElsewhere.contains(converted(name))) {
          throw new ValueException(
                  BadMessageException.Reason.UNKNOWN_FIELD,
                  "field is not a column of the table (parsing.unknownFields is reject)")
              .inField(name);
        }
        if (addUnknown && !filledElsewhere.contains(converted(name))) {
          org.apache.iceberg.types.Type type = InferredTypes.infer(parser, nameCase);
          if (type != null) {
            throw new NewColumnException(converted(name), type);
          }
          continue;
        }
        parser.skipChildren();
        continue;
      }
      if (token == JsonToken.VALUE_NULL) {
        row.setField(pos, null);
        continue;
      }
      try {
        row.setField(pos, readers[pos].read(parser));
      } catch (ValueException e) {
        throw e.inField(names[pos]);
      } catch (NewColumnException e) {
        throw e.under(names[pos]);
      }
    }
    for (int pos : requiredPositions) {
      if (row.isNullAt(pos)) {
        throw new ValueException(
                BadMessageException.Reason.MISSING_REQUIRED, "required field is missing or null")
            .inField(names[pos]);
      }
    }
  }

  private String converted(String jsonName) {
    return nameCase == FieldNameCase.NONE ? jsonName : nameCase.convert(jsonName);
  }

  private int position(String jsonName) {
    if (nameCase == FieldNameCase.NONE) {
      Integer pos = positions.get(jsonName);
      return pos == null ? -1 : pos;
    }
    Integer cached = convertedPositions.get(jsonName);
    if (cached != null) {
      return cached;
    }
    Integer pos = positions.get(nameCase.convert(jsonName));
    int result = pos == null ? -1 : pos;
    if (convertedPositions.size() < MAX_CACHED_NAMES) {
      convertedPositions.put(jsonName, result);
    }
    return result;
  }
}
