package io.floe.loader.parse;

import static io.floe.loader.parse.BadMessageException.Reason.INVALID_UTF8;
import static io.floe.loader.parse.BadMessageException.Reason.MALFORMED_JSON;
import static io.floe.loader.parse.BadMessageException.Reason.MISSING_REQUIRED;
import static io.floe.loader.parse.BadMessageException.Reason.NOT_AN_OBJECT;
import static io.floe.loader.parse.BadMessageException.Reason.OUT_OF_RANGE;
import static io.floe.loader.parse.BadMessageException.Reason.OVERSIZED;
import static io.floe.loader.parse.BadMessageException.Reason.WRONG_TYPE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.floe.loader.settings.FieldNameCase;
import io.floe.loader.settings.MetadataField;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.settings.UnknownFields;
import io.floe.loader.source.KafkaMessage;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The contract of docs/json-mapping.md, row by row. Most value checks run twice: on the streaming
 * path (a plain message) and on the tree path (the same row under an unnest pointer), which must
 * agree.
 */
class RowParserTest {
  /** A copy of shared/samples/sample-message.json. */
  private static final String SAMPLE =
      """
      {
        "id": 1,
        "bool": true,
        "floating": 0.01,
        "integer": 1,
        "string": "value",
        "bools": [true, false, true],
        "floatings": [0.01, 0.02, 0.03],
        "integers": [1, 2, 3],
        "strings": ["a", "b", "c"],
        "string_map": {"k1": "v1", "k2": "v2"},
        "nested": {"key": "key name", "value": 1},
        "timestamp": "2022-07-26T00:41:48.046773-07:00"
      }
      """;

  private static final String TOPIC = "events";
  private static final int PARTITION = 3;
  private static final long OFFSET = 42L;
  private static final long RECORD_TIMESTAMP = 1_714_558_530_123L;
  private static final byte[] KEY = "key-1".getBytes(UTF_8);
  private static final long ONE_MIB = 1L << 20;

  /** How the parser reads the row: in one streaming pass, or from a tree under /data. */
  private enum Mode {
    STREAMING,
    TREE
  }

  private int nextId = 1;

  private int id() {
    return nextId++;
  }

  // ---------------------------------------------------------------------------------------------
  // The shared sample

  private Schema sampleSchema() {
    return new Schema(
        required(id(), "id", Types.LongType.get()),
        optional(id(), "bool", Types.BooleanType.get()),
        optional(id(), "floating", Types.DoubleType.get()),
        optional(id(), "integer", Types.LongType.get()),
        optional(id(), "string", Types.StringType.get()),
        optional(id(), "bools", Types.ListType.ofOptional(id(), Types.BooleanType.get())),
        optional(id(), "floatings", Types.ListType.ofOptional(id(), Types.DoubleType.get())),
        optional(id(), "integers", Types.ListType.ofOptional(id(), Types.LongType.get())),
        optional(id(), "strings", Types.ListType.ofOptional(id(), Types.StringType.get())),
        optional(
            id(),
            "string_map",
            Types.MapType.ofOptional(id(), id(), Types.StringType.get(), Types.StringType.get())),
        optional(
            id(),
            "nested",
            Types.StructType.of(
                optional(id(), "key", Types.StringType.get()),
                optional(id(), "value", Types.LongType.get()))),
        optional(id(), "timestamp", Types.TimestampType.withZone()));
  }

  @Test
  void parsesEveryFieldOfTheSharedSample() throws Exception {
    for (Mode mode : Mode.values()) {
      RowData row = parse(mode, sampleSchema(), SAMPLE);

      assertThat(row.getArity()).isEqualTo(12);
      assertThat(row.getLong(0)).as(mode + " id").isEqualTo(1L);
      assertThat(row.getBoolean(1)).as(mode + " bool").isTrue();
      assertThat(row.getDouble(2)).as(mode + " floating").isEqualTo(0.01);
      assertThat(row.getLong(3)).as(mode + " integer").isEqualTo(1L);
      assertThat(row.getString(4)).as(mode + " string").isEqualTo(StringData.fromString("value"));
      assertThat(java(row.getArray(5))).as(mode + " bools").isEqualTo(List.of(true, false, true));
      assertThat(java(row.getArray(6)))
          .as(mode + " floatings")
          .isEqualTo(List.of(0.01, 0.02, 0.03));
      assertThat(java(row.getArray(7))).as(mode + " integers").isEqualTo(List.of(1L, 2L, 3L));
      assertThat(java(row.getArray(8))).as(mode + " strings").isEqualTo(List.of("a", "b", "c"));
      assertThat(java(row.getMap(9)))
          .as(mode + " string_map")
          .isEqualTo(orderedMap("k1", "v1", "k2", "v2"));
      RowData nested = row.getRow(10, 2);
      assertThat(nested.getString(0)).as(mode + " nested.key").hasToString("key name");
      assertThat(nested.getLong(1)).as(mode + " nested.value").isEqualTo(1L);
      TimestampData timestamp = row.getTimestamp(11, 6);
      assertThat(timestamp.toInstant())
          .as(mode + " timestamp")
          .isEqualTo(Instant.parse("2022-07-26T07:41:48.046773Z"));
      assertThat(timestamp.getMillisecond()).isEqualTo(1_658_821_308_046L);
      assertThat(timestamp.getNanoOfMillisecond()).isEqualTo(773_000);
    }
  }

  @Test
  void sampleErrorsNameTheFullPath() {
    String nestedValue = SAMPLE.replace("\"value\": 1}", "\"value\": \"one\"}");
    String thirdInteger = SAMPLE.replace("[1, 2, 3]", "[1, 2, \"three\"]");
    String missingId = SAMPLE.replace("\"id\": 1,", "");
    for (Mode mode : Mode.values()) {
      assertRefusedAt(mode, sampleSchema(), nestedValue, WRONG_TYPE, "nested.value");
      assertRefusedAt(mode, sampleSchema(), thirdInteger, WRONG_TYPE, "integers[2]");
      assertRefusedAt(mode, sampleSchema(), missingId, MISSING_REQUIRED, "id");
    }
    // A string column takes any JSON value, so a map of ints shows the map path.
    Schema intMap =
        new Schema(
            optional(
                id(),
                "string_map",
                Types.MapType.ofOptional(
                    id(), id(), Types.StringType.get(), Types.IntegerType.get())));
    for (Mode mode : Mode.values()) {
      assertRefusedAt(
          mode,
          intMap,
          "{\"string_map\": {\"k0\": 1, \"k1\": \"v1\"}}",
          WRONG_TYPE,
          "string_map[k1]");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Fields

  @Test
  void absentFieldIsNull() throws Exception {
    Schema schema =
        new Schema(
            optional(id(), "a", Types.LongType.get()), optional(id(), "b", Types.StringType.get()));
    for (Mode mode : Mode.values()) {
      RowData row = parse(mode, schema, "{\"a\": 5}");
      assertThat(row.getLong(0)).isEqualTo(5L);
      assertThat(row.isNullAt(1)).as(mode.name()).isTrue();
      RowData empty = parse(mode, schema, "{}");
      assertThat(empty.isNullAt(0)).isTrue();
      assertThat(empty.isNullAt(1)).isTrue();
    }
  }

  @Test
  void jsonNullIsNullForEveryType() throws Exception {
    for (Type type : everyType()) {
      for (Mode mode : Mode.values()) {
        RowData row = parse(mode, new Schema(optional(id(), "c", type)), "{\"c\": null}");
        assertThat(row.isNullAt(0)).as(mode + " " + type).isTrue();
      }
    }
  }

  @Test
  void requiredFieldAbsentOrNullIsMissingRequired() {
    for (Type type : everyType()) {
      Schema schema =
          new Schema(required(id(), "c", type), optional(id(), "o", Types.IntegerType.get()));
      for (Mode mode : Mode.values()) {
        assertRefusedAt(mode, schema, "{\"o\": 1}", MISSING_REQUIRED, "c");
        assertRefusedAt(mode, schema, "{\"c\": null}", MISSING_REQUIRED, "c");
        assertRefusedAt(mode, schema, "{}", MISSING_REQUIRED, "c");
      }
    }
  }

  @Test
  void requiredNestedFieldAbsentIsMissingRequiredWithItsPath() throws Exception {
    Schema schema =
        new Schema(
            optional(
                id(),
                "nested",
                Types.StructType.of(
                    optional(id(), "key", Types.StringType.get()),
                    required(id(), "value", Types.LongType.get()))));
    for (Mode mode : Mode.values()) {
      assertRefusedAt(
          mode, schema, "{\"nested\": {\"key\": \"k\"}}", MISSING_REQUIRED, "nested.value");
      assertRefusedAt(
          mode,
          schema,
          "{\"nested\": {\"key\": \"k\", \"value\": null}}",
          MISSING_REQUIRED,
          "nested.value");
      // An optional struct that is absent or null does not need its required fields.
      assertThat(parse(mode, schema, "{}").isNullAt(0)).isTrue();
      assertThat(parse(mode, schema, "{\"nested\": null}").isNullAt(0)).isTrue();
    }
  }

  @Test
  void unknownFieldsAreIgnoredWhateverTheyHold() throws Exception {
    Schema schema =
        new Schema(
            required(id(), "id", Types.LongType.get()),
            optional(
                id(),
                "nested",
                Types.StructType.of(optional(id(), "value", Types.IntegerType.get()))));
    String json =
        "{\"before\": {\"id\": \"not a number\", \"deep\": [[{\"x\": [1, {\"y\": null}]}], {}]},"
            + " \"value\": \"a top-level name that only exists nested\","
            + " \"id\": 7,"
            + " \"list\": [1, \"two\", 3.5, true, null, {\"id\": []}],"
            + " \"nested\": {\"unknown\": {\"value\": \"x\"}, \"value\": 9, \"more\": [[]]},"
            + " \"huge\": 1e999999, \"neg\": -1e-999999, \"big\": 123456789012345678901234567890,"
            + " \"ID\": \"case differs\", \"after\": [{\"a\": {\"b\": {\"c\": [null]}}}]}";
    for (Mode mode : Mode.values()) {
      RowData row = parse(mode, schema, json);
      assertThat(row.getLong(0)).as(mode.name()).isEqualTo(7L);
      assertThat(row.getRow(1, 1).getInt(0)).as(mode.name()).isEqualTo(9);
    }
  }

  @Test
  void underRejectAFieldThatMatchesNoColumnIsRefusedAtItsPathAtAnyDepth() throws Exception {
    Schema schema =
        new Schema(
            required(id(), "id", Types.LongType.get()),
            optional(
                id(),
                "nested",
                Types.StructType.of(optional(id(), "value", Types.IntegerType.get()))),
            optional(
                id(),
                "items",
                Types.ListType.ofOptional(
                    id(), Types.StructType.of(optional(id(), "sku", Types.StringType.get())))),
            optional(id(), "_kafka_offset", Types.LongType.get()));
    ParseSettings reject =
        new ParseSettings(
                Optional.empty(),
                Map.of(),
                FieldNameCase.LOWER_UNDERSCORE,
                Map.of(MetadataField.OFFSET, "_kafka_offset"),
                ONE_MIB)
            .withUnknownFields(UnknownFields.REJECT);
    RowParser parser = RowParser.create(schema, reject);

    RowData row =
        parser.parse(
            message(
                "{\"id\": 1, \"nested\": {\"value\": 2}, \"items\": [{\"sku\": \"a\"}],"
                    + " \"_kafka_offset\": 99}"));
    assertThat(row.getLong(0)).isEqualTo(1L);
    assertThat(row.getLong(3)).as("a metadata column's field is skipped").isEqualTo(OFFSET);
    assertThat(parser.parse(message("{\"Id\": 1, \"Nested\": {\"Value\": 2}}")).getLong(0))
        .as("names match after the case conversion")
        .isEqualTo(1L);

    Map<String, String> refused =
        Map.of(
            "{\"id\": 1, \"country\": \"DE\"}", "country",
            "{\"id\": 1, \"nested\": {\"value\": 2, \"extra\": null}}", "nested.extra",
            "{\"id\": 1, \"items\": [{\"sku\": \"a\"}, {\"qty\": 3}]}", "items[1].qty");
    refused.forEach(
        (json, path) -> {
          BadMessageException e =
              catchThrowableOfType(() -> parser.parse(message(json)), BadMessageException.class);
          assertThat(e).as(json).isNotNull();
          assertThat(e.reason()).as(json).isEqualTo(BadMessageException.Reason.UNKNOWN_FIELD);
          assertThat(e.path()).as(json).isEqualTo(path);
          assertThat(e.getMessage()).contains("not a column of the table");
        });
    assertThat(RowParser.create(schema, defaults()).parse(message("{\"id\": 1, \"country\": 2}")))
        .as("ignore, the default, skips it")
        .isNotNull();
  }

  @Test
  void underAddAFieldThatMatchesNoColumnIsANewColumnOfTheTypeItsValueSuggests() throws Exception {
    Schema schema =
        new Schema(
            required(id(), "id", Types.LongType.get()),
            optional(
                id(),
                "nested",
                Types.StructType.of(optional(id(), "value", Types.IntegerType.get()))),
            optional(
                id(),
                "items",
                Types.ListType.ofOptional(
                    id(), Types.StructType.of(optional(id(), "sku", Types.StringType.get())))),
            optional(
                id(),
                "attributes",
                Types.MapType.ofOptional(
                    id(),
                    id(),
                    Types.StringType.get(),
                    Types.StructType.of(optional(id(), "x", Types.LongType.get())))));
    ParseSettings add =
        new ParseSettings(
                Optional.empty(), Map.of(), FieldNameCase.LOWER_UNDERSCORE, Map.of(), ONE_MIB)
            .withUnknownFields(UnknownFields.ADD);
    RowParser parser = RowParser.create(schema, add);

    Map<String, String> added = new java.util.LinkedHashMap<>();
    added.put("{\"id\": 1, \"Country\": \"DE\"}", "country string");
    added.put("{\"id\": 1, \"count\": 3}", "count long");
    added.put("{\"id\": 1, \"price\": 2.5}", "price double");
    added.put("{\"id\": 1, \"ok\": true}", "ok boolean");
    added.put(
        "{\"id\": 1, \"geo\": {\"Lat\": 1.5, \"tags\": [\"a\"], \"none\": null}}",
        "geo struct<2: lat: optional double, 3: tags: optional list<string>>");
    added.put(
        "{\"id\": 1, \"points\": [null, {\"x\": 1}, \"later elements are not read\"]}",
        "points list<struct<1: x: optional long>>");
    added.put("{\"id\": 1, \"nested\": {\"value\": 2, \"unit\": \"m\"}}", "nested.unit string");
    added.put("{\"id\": 1, \"items\": [{\"sku\": \"a\"}, {\"qty\": 3}]}", "items.element.qty long");
    added.put("{\"id\": 1, \"attributes\": {\"k\": {\"y\": \"v\"}}}", "attributes.value.y string");
    added.forEach(
        (json, column) -> {
          NewColumnException e =
              catchThrowableOfType(() -> parser.parse(message(json)), NewColumnException.class);
          assertThat(e).as(json).isNotNull();
          assertThat(e.path() + " " + e.type()).as(json).isEqualTo(column);
        });
    NewColumnException nested =
        catchThrowableOfType(
            () -> parser.parse(message("{\"id\": 1, \"items\": [{\"qty\": 3}]}")),
            NewColumnException.class);
    assertThat(nested.parent()).containsExactly("items", "element");
    assertThat(nested.name()).isEqualTo("qty");

    for (String nothingToAdd :
        List.of(
            "{\"id\": 1, \"later\": null}",
            "{\"id\": 1, \"later\": []}",
            "{\"id\": 1, \"later\": {}}",
            "{\"id\": 1, \"later\": [null]}")) {
      assertThat(parser.parse(message(nothingToAdd)).getLong(0))
          .as("a value that suggests no type is skipped: " + nothingToAdd)
          .isEqualTo(1L);
    }
    BadMessageException broken =
        catchThrowableOfType(
            () -> parser.parse(message("{\"id\": 1, \"new\": {\"a\": ")),
            BadMessageException.class);
    assertThat(broken.reason()).isEqualTo(BadMessageException.Reason.MALFORMED_JSON);
  }

  @Test
  void aFieldGivenTwiceTakesTheLastValue() throws Exception {
    Schema schema =
        new Schema(
            optional(id(), "a", Types.LongType.get()),
            optional(id(), "s", Types.StringType.get()),
            optional(
                id(),
                "nested",
                Types.StructType.of(optional(id(), "value", Types.IntegerType.get()))));
    for (Mode mode : Mode.values()) {
      RowData row =
          parse(
              mode,
              schema,
              "{\"a\": 1, \"s\": \"first\", \"a\": 2, \"nested\": {\"value\": 1, \"value\": 2},"
                  + " \"s\": \"second\"}");
      assertThat(row.getLong(0)).as(mode.name()).isEqualTo(2L);
      assertThat(row.getString(1)).hasToString("second");
      assertThat(row.getRow(2, 1).getInt(0)).isEqualTo(2);

      RowData nulled = parse(mode, schema, "{\"a\": 1, \"a\": null}");
      assertThat(nulled.isNullAt(0)).as(mode + " a value then null").isTrue();

      RowData filled = parse(mode, schema, "{\"a\": null, \"a\": 3}");
      assertThat(filled.getLong(0)).as(mode + " null then a value").isEqualTo(3L);
    }
  }

  @Test
  void aRequiredFieldGivenTwiceWithNullLastIsMissing() {
    Schema schema = new Schema(required(id(), "a", Types.LongType.get()));
    for (Mode mode : Mode.values()) {
      assertRefusedAt(mode, schema, "{\"a\": 1, \"a\": null}", MISSING_REQUIRED, "a");
    }
  }

  @Test
  void errorsNameNestedPaths() {
    Schema schema =
        new Schema(
            optional(id(), "a", Types.ListType.ofOptional(id(), structOfIntList())),
            optional(
                id(),
                "m",
                Types.MapType.ofOptional(
                    id(),
                    id(),
                    Types.StringType.get(),
                    Types.ListType.ofOptional(id(), Types.IntegerType.get()))),
            optional(
                id(),
                "grid",
                Types.ListType.ofOptional(
                    id(), Types.ListType.ofOptional(id(), Types.IntegerType.get()))),
            optional(
                id(),
                "ms",
                Types.MapType.ofOptional(id(), id(), Types.StringType.get(), structOfIntList())));
    for (Mode mode : Mode.values()) {
      assertRefusedAt(
          mode, schema, "{\"a\": [{\"b\": [1]}, {\"b\": [1, 2, true]}]}", WRONG_TYPE, "a[1].b[2]");
      assertRefusedAt(mode, schema, "{\"m\": {\"k\": [0, \"x\"]}}", WRONG_TYPE, "m[k][1]");
      assertRefusedAt(mode, schema, "{\"grid\": [[1], [2, 3.5]]}", WRONG_TYPE, "grid[1][1]");
      assertRefusedAt(
          mode, schema, "{\"ms\": {\"k\": {\"b\": [7, {}]}}}", WRONG_TYPE, "ms[k].b[1]");
      assertRefusedAt(mode, schema, "{\"a\": [{\"b\": 5}]}", WRONG_TYPE, "a[0].b");
    }
  }

  private Types.StructType structOfIntList() {
    return Types.StructType.of(
        optional(id(), "b", Types.ListType.ofOptional(id(), Types.IntegerType.get())));
  }

  // ---------------------------------------------------------------------------------------------
  // Types: boolean

  @Test
  void booleanAcceptsTrueAndFalseOnly() {
    Type type = Types.BooleanType.get();
    assertValue(type, "true", true);
    assertValue(type, "false", false);
    assertRefused(type, "\"true\"", WRONG_TYPE);
    assertRefused(type, "\"false\"", WRONG_TYPE);
    assertRefused(type, "1", WRONG_TYPE);
    assertRefused(type, "0", WRONG_TYPE);
    assertRefused(type, "[true]", WRONG_TYPE);
    assertRefused(type, "{}", WRONG_TYPE);
  }

  // Types: int and long

  @Test
  void intAcceptsWholeNumbersWithin32Bits() {
    Type type = Types.IntegerType.get();
    assertValue(type, "0", 0);
    assertValue(type, "42", 42);
    assertValue(type, "-7", -7);
    assertValue(type, "2147483647", Integer.MAX_VALUE);
    assertValue(type, "-2147483648", Integer.MIN_VALUE);
    assertValue(type, "3.0", 3);
    assertValue(type, "1e3", 1000);
    assertValue(type, "1E3", 1000);
    assertValue(type, "1.5e1", 15);
    assertValue(type, "-0.0", 0);
    assertValue(type, "2.000000000000000000000000000000", 2);
  }

  @Test
  void intRefusesFractionsStringsAndValuesBeyond32Bits() {
    Type type = Types.IntegerType.get();
    assertRefusedAsOneOf(type, "3.5", WRONG_TYPE, OUT_OF_RANGE);
    assertRefusedAsOneOf(type, "0.1", WRONG_TYPE, OUT_OF_RANGE);
    assertRefusedAsOneOf(type, "1e-3", WRONG_TYPE, OUT_OF_RANGE);
    assertRefused(type, "1099511627776", OUT_OF_RANGE); // 2^40
    assertRefused(type, "2147483648", OUT_OF_RANGE);
    assertRefused(type, "-2147483649", OUT_OF_RANGE);
    assertRefused(type, "1e10", OUT_OF_RANGE);
    assertRefused(type, "99999999999999999999999999999999", OUT_OF_RANGE);
    assertRefused(type, "\"42\"", WRONG_TYPE);
    assertRefused(type, "true", WRONG_TYPE);
    assertRefused(type, "[1]", WRONG_TYPE);
    assertRefused(type, "{\"value\": 1}", WRONG_TYPE);
  }

  @Test
  void longAcceptsWholeNumbersWithin64Bits() {
    Type type = Types.LongType.get();
    assertValue(type, "0", 0L);
    assertValue(type, "1099511627776", 1L << 40);
    assertValue(type, "9223372036854775807", Long.MAX_VALUE);
    assertValue(type, "-9223372036854775808", Long.MIN_VALUE);
    assertValue(type, "42", 42L);
    assertValue(type, "3.0", 3L);
    assertValue(type, "1e3", 1000L);
    assertValue(type, "9.2e18", 9_200_000_000_000_000_000L);
  }

  @Test
  void longRefusesFractionsStringsAndValuesBeyond64Bits() {
    Type type = Types.LongType.get();
    assertRefusedAsOneOf(type, "3.5", WRONG_TYPE, OUT_OF_RANGE);
    assertRefused(type, "9223372036854775808", OUT_OF_RANGE);
    assertRefused(type, "-9223372036854775809", OUT_OF_RANGE);
    assertRefused(type, "1e19", OUT_OF_RANGE);
    assertRefused(type, "\"1\"", WRONG_TYPE);
    assertRefused(type, "false", WRONG_TYPE);
  }

  @Test
  void wholeNumbersGivenWithAFractionKeepEveryDigit() {
    assertValue(Types.LongType.get(), "12345678901234567.0", 12_345_678_901_234_567L);
    assertValue(Types.LongType.get(), "9223372036854775807.0", Long.MAX_VALUE);
    assertValue(Types.LongType.get(), "1.2345678901234567e16", 12_345_678_901_234_567L);
  }

  // A 12-byte number must not cost seconds of CPU: 1e10000000 as an exact integer has ten million
  // digits. These tests give up after two seconds.

  @Test
  void hugeExponentsIntoIntAreRefusedAtOnce() {
    assertRefusedQuickly(Types.IntegerType.get(), "1e10000000", OUT_OF_RANGE);
    assertRefusedQuickly(Types.IntegerType.get(), "-1e10000000", OUT_OF_RANGE);
    assertRefusedQuickly(Types.IntegerType.get(), "1e-10000000", WRONG_TYPE, OUT_OF_RANGE);
  }

  @Test
  void hugeExponentsIntoLongAreRefusedAtOnce() {
    assertRefusedQuickly(Types.LongType.get(), "1e10000000", OUT_OF_RANGE);
    assertRefusedQuickly(Types.LongType.get(), "1e-10000000", WRONG_TYPE, OUT_OF_RANGE);
  }

  @Test
  void hugeExponentsIntoDecimalAreRefusedAtOnce() {
    assertRefusedQuickly(Types.DecimalType.of(9, 2), "1e10000000", OUT_OF_RANGE);
    assertRefusedQuickly(Types.DecimalType.of(9, 2), "\"1e10000000\"", OUT_OF_RANGE);
  }

  @Test
  void tinyExponentsIntoDecimalAreRefusedAtOnce() {
    assertRefusedQuickly(Types.DecimalType.of(9, 2), "1e-300000000", OUT_OF_RANGE);
    assertRefusedQuickly(Types.DecimalType.of(9, 2), "\"1e-300000000\"", OUT_OF_RANGE);
  }

  @Test
  void numbersBeyondEveryRangeAreBadMessagesNotCrashes() {
    for (Type type :
        List.of(
            Types.IntegerType.get(),
            Types.LongType.get(),
            Types.DecimalType.of(9, 2),
            Types.DecimalType.of(38, 0))) {
      assertRefusedQuickly(type, "1e400", OUT_OF_RANGE);
      assertRefusedQuickly(type, "-1e400", OUT_OF_RANGE);
      assertRefusedQuickly(type, "1e999999999", OUT_OF_RANGE);
    }
    assertRefusedQuickly(Types.DecimalType.of(9, 2), "\"1e999999999\"", OUT_OF_RANGE);
  }

  @Test
  void floatAcceptsAnyNumberThatFits() {
    Type type = Types.FloatType.get();
    assertValue(type, "0", 0.0f);
    assertValue(type, "1.5", 1.5f);
    assertValue(type, "0.01", 0.01f);
    assertValue(type, "-2.25", -2.25f);
    assertValue(type, "7", 7.0f);
    assertValue(type, "1e3", 1000.0f);
    assertValue(type, "3.4e38", 3.4e38f);
    assertValue(type, "-3.4e38", -3.4e38f);
    assertValue(type, "1.4e-45", Float.MIN_VALUE);
  }

  @Test
  void floatRefusesOverflowAndUnderflow() {
    Type type = Types.FloatType.get();
    assertRefused(type, "3.5e38", OUT_OF_RANGE);
    assertRefused(type, "-3.5e38", OUT_OF_RANGE);
    assertRefused(type, "1e39", OUT_OF_RANGE);
    assertRefused(type, "1e400", OUT_OF_RANGE);
    assertRefused(type, "1e-50", OUT_OF_RANGE);
    assertRefused(type, "-1e-50", OUT_OF_RANGE);
    // Non-zero, and it rounds to 0 (even as a double).
    assertRefused(type, "1e-400", OUT_OF_RANGE);
    assertRefused(type, "\"1.5\"", WRONG_TYPE);
    assertRefused(type, "true", WRONG_TYPE);
    assertRefused(type, "[1.5]", WRONG_TYPE);
  }

  @Test
  void doubleAcceptsAnyNumberThatFits() {
    Type type = Types.DoubleType.get();
    assertValue(type, "0.01", 0.01);
    assertValue(type, "-1.25e-3", -1.25e-3);
    assertValue(type, "42", 42.0);
    assertValue(type, "1.7976931348623157e308", Double.MAX_VALUE);
    assertValue(type, "-1.7976931348623157e308", -Double.MAX_VALUE);
    assertValue(type, "4.9e-324", Double.MIN_VALUE);
    assertValue(type, "123456789012345678901234567890", 1.2345678901234568e29);
  }

  @Test
  void doubleRefusesOverflow() {
    Type type = Types.DoubleType.get();
    assertRefused(type, "1.8e308", OUT_OF_RANGE);
    assertRefused(type, "-1.8e308", OUT_OF_RANGE);
    assertRefused(type, "1e400", OUT_OF_RANGE);
    assertRefused(type, "\"0.5\"", WRONG_TYPE);
    assertRefused(type, "false", WRONG_TYPE);
    assertRefused(type, "{}", WRONG_TYPE);
  }

  // Types: decimal

  @Test
  void decimalAcceptsNumbersAndStringsExactly() {
    Type type = Types.DecimalType.of(9, 2);
    assertValue(type, "12.34", new BigDecimal("12.34"));
    assertValue(type, "\"12.34\"", new BigDecimal("12.34"));
    assertValue(type, "12", new BigDecimal("12.00"));
    assertValue(type, "\"12\"", new BigDecimal("12.00"));
    assertValue(type, "12.3", new BigDecimal("12.30"));
    assertValue(type, "12.340000", new BigDecimal("12.34"));
    assertValue(type, "\"12.340000\"", new BigDecimal("12.34"));
    assertValue(type, "-0.01", new BigDecimal("-0.01"));
    assertValue(type, "1e2", new BigDecimal("100.00"));
    assertValue(type, "1234567.89", new BigDecimal("1234567.89"));
    assertValue(type, "-1234567.89", new BigDecimal("-1234567.89"));
    assertValue(type, "0", new BigDecimal("0.00"));
  }

  @Test
  void decimalValuesKeepTheColumnsPrecisionAndScale() throws Exception {
    for (Mode mode : Mode.values()) {
      RowData row =
          parse(mode, new Schema(optional(id(), "c", Types.DecimalType.of(9, 2))), "{\"c\": 5}");
      DecimalData value = row.getDecimal(0, 9, 2);
      assertThat(value.precision()).isEqualTo(9);
      assertThat(value.scale()).isEqualTo(2);
      assertThat(value.toBigDecimal()).isEqualTo(new BigDecimal("5.00"));
    }
  }

  @Test
  void decimalIsNeverRoundedEvenBeyondADoublesPrecision() {
    Type wide = Types.DecimalType.of(38, 10);
    assertValue(
        wide,
        "1234567890123456789012345678.0123456789",
        new BigDecimal("1234567890123456789012345678.0123456789"));
    assertValue(
        wide,
        "\"1234567890123456789012345678.0123456789\"",
        new BigDecimal("1234567890123456789012345678.0123456789"));
    Type cents = Types.DecimalType.of(38, 2);
    assertValue(cents, "12345678901234567.89", new BigDecimal("12345678901234567.89"));
    assertValue(cents, "0.10", new BigDecimal("0.10"));
    Type fine = Types.DecimalType.of(20, 18);
    assertValue(fine, "0.123456789012345678", new BigDecimal("0.123456789012345678"));
  }

  @Test
  void decimalRefusesMoreDigitsThanTheColumnHolds() {
    Type type = Types.DecimalType.of(9, 2);
    assertRefused(type, "12.345", OUT_OF_RANGE);
    assertRefused(type, "\"12.345\"", OUT_OF_RANGE);
    assertRefused(type, "0.001", OUT_OF_RANGE);
    assertRefused(type, "12.3400001", OUT_OF_RANGE);
    assertRefused(type, "12345678.9", OUT_OF_RANGE); // 10 digits at scale 2
    assertRefused(type, "\"12345678\"", OUT_OF_RANGE);
    assertRefused(type, "1e7", OUT_OF_RANGE);
    assertRefused(type, "-99999999.99", OUT_OF_RANGE);
    assertValue(type, "9999999.99", new BigDecimal("9999999.99"));
    assertRefused(Types.DecimalType.of(38, 2), "12345678901234567.891", OUT_OF_RANGE);
  }

  @Test
  void decimalRefusesWhatIsNotANumber() {
    Type type = Types.DecimalType.of(9, 2);
    assertRefused(type, "\"abc\"", WRONG_TYPE);
    assertRefused(type, "\"\"", WRONG_TYPE);
    assertRefused(type, "\"12,34\"", WRONG_TYPE);
    assertRefused(type, "\"NaN\"", WRONG_TYPE);
    assertRefused(type, "true", WRONG_TYPE);
    assertRefused(type, "[1]", WRONG_TYPE);
    assertRefused(type, "{}", WRONG_TYPE);
  }

  // Types: date and time

  @Test
  void dateAcceptsIsoDates() {
    Type type = Types.DateType.get();
    assertValue(type, "\"1970-01-01\"", 0);
    assertValue(type, "\"1969-12-31\"", -1);
    assertValue(type, "\"2024-05-01\"", (int) LocalDate.of(2024, 5, 1).toEpochDay());
    assertValue(type, "\"2024-02-29\"", (int) LocalDate.of(2024, 2, 29).toEpochDay());
    assertValue(type, "\"0001-01-01\"", (int) LocalDate.of(1, 1, 1).toEpochDay());
    assertValue(type, "\"9999-12-31\"", (int) LocalDate.of(9999, 12, 31).toEpochDay());
  }

  @Test
  void dateRefusesOtherText() {
    Type type = Types.DateType.get();
    assertRefused(type, "\"not a date\"", WRONG_TYPE);
    assertRefused(type, "\"2024-5-1\"", WRONG_TYPE);
    assertRefused(type, "\"2024/05/01\"", WRONG_TYPE);
    assertRefused(type, "\"2024-05-01T00:00:00\"", WRONG_TYPE);
    assertRefused(type, "\"\"", WRONG_TYPE);
    assertRefusedAsOneOf(type, "\"2023-02-29\"", WRONG_TYPE, OUT_OF_RANGE);
    assertRefusedAsOneOf(type, "\"2024-13-01\"", WRONG_TYPE, OUT_OF_RANGE);
    assertRefusedAsOneOf(type, "\"2024-04-31\"", WRONG_TYPE, OUT_OF_RANGE);
    assertRefused(type, "20240501", WRONG_TYPE);
    assertRefused(type, "19844", WRONG_TYPE);
    assertRefused(type, "true", WRONG_TYPE);
  }

  @Test
  void timeAcceptsIsoTimesToTheMillisecond() {
    Type type = Types.TimeType.get();
    assertValue(type, "\"00:00\"", 0);
    assertValue(type, "\"10:15\"", millisOfDay(LocalTime.of(10, 15)));
    assertValue(type, "\"10:15:30\"", millisOfDay(LocalTime.of(10, 15, 30)));
    assertValue(type, "\"10:15:30.1\"", millisOfDay(LocalTime.of(10, 15, 30, 100_000_000)));
    assertValue(type, "\"10:15:30.123\"", millisOfDay(LocalTime.of(10, 15, 30, 123_000_000)));
    assertValue(type, "\"10:15:30.123000\"", millisOfDay(LocalTime.of(10, 15, 30, 123_000_000)));
    assertValue(type, "\"10:15:30.123000000\"", millisOfDay(LocalTime.of(10, 15, 30, 123_000_000)));
    assertValue(type, "\"23:59:59.999\"", 86_399_999);
  }

  @Test
  void timeRefusesSubMillisecondDigitsAndOtherText() {
    Type type = Types.TimeType.get();
    assertRefused(type, "\"10:15:30.1234\"", OUT_OF_RANGE);
    assertRefused(type, "\"10:15:30.123456\"", OUT_OF_RANGE);
    assertRefused(type, "\"10:15:30.000001\"", OUT_OF_RANGE);
    assertRefused(type, "\"10:15:30.123456789\"", OUT_OF_RANGE);
    assertRefusedAsOneOf(type, "\"25:00\"", WRONG_TYPE, OUT_OF_RANGE);
    assertRefusedAsOneOf(type, "\"10:60\"", WRONG_TYPE, OUT_OF_RANGE);
    assertRefused(type, "\"10\"", WRONG_TYPE);
    assertRefused(type, "\"noon\"", WRONG_TYPE);
    assertRefused(type, "\"10:15:30Z\"", WRONG_TYPE);
    assertRefused(type, "36900000", WRONG_TYPE);
    assertRefused(type, "false", WRONG_TYPE);
  }

  // Types: timestamp (without zone)

  @Test
  void timestampWithoutZoneTakesLocalValuesAsTheyAre() {
    Type type = Types.TimestampType.withoutZone();
    assertValue(
        type,
        "\"2024-05-01T10:15:30.123456\"",
        wall(LocalDateTime.of(2024, 5, 1, 10, 15, 30, 123_456_000)));
    assertValue(type, "\"2024-05-01T10:15:30\"", wall(LocalDateTime.of(2024, 5, 1, 10, 15, 30)));
    assertValue(
        type,
        "\"2024-05-01T10:15:30.5\"",
        wall(LocalDateTime.of(2024, 5, 1, 10, 15, 30, 500_000_000)));
    assertValue(
        type,
        "\"1969-12-31T23:59:59.999999\"",
        wall(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000)));
    assertValue(
        type,
        "\"2024-05-01T10:15:30.123456000\"",
        wall(LocalDateTime.of(2024, 5, 1, 10, 15, 30, 123_456_000)));
  }

  @Test
  void timestampWithoutZoneConvertsOffsetsAndZonesToUtcWallTime() {
    Type type = Types.TimestampType.withoutZone();
    LocalDateTime utc = LocalDateTime.of(2024, 5, 1, 8, 15, 30, 123_456_000);
    assertValue(type, "\"2024-05-01T10:15:30.123456+02:00\"", wall(utc));
    assertValue(type, "\"2024-05-01T08:15:30.123456Z\"", wall(utc));
    assertValue(type, "\"2024-05-01T01:15:30.123456-0700\"", wall(utc));
    assertValue(type, "\"2024-05-01T10:15:30.123456+02\"", wall(utc));
    assertValue(type, "\"2024-05-01T10:15:30.123456+02:00[Europe/Paris]\"", wall(utc));
    assertValue(
        type,
        "\"2022-07-26T00:41:48.046773-07:00\"",
        wall(LocalDateTime.of(2022, 7, 26, 7, 41, 48, 46_773_000)));
  }

  @Test
  void timestampWithoutZoneAcceptsEpochMilliseconds() {
    Type type = Types.TimestampType.withoutZone();
    assertValue(type, "1714558530123", wall(LocalDateTime.of(2024, 5, 1, 10, 15, 30, 123_000_000)));
    assertValue(type, "0", wall(LocalDateTime.of(1970, 1, 1, 0, 0)));
    assertValue(type, "-1", wall(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000)));
  }

  @Test
  void timestampWithoutZoneRefusesSubMicrosecondDigitsAndOtherValues() {
    Type type = Types.TimestampType.withoutZone();
    assertRefused(type, "\"2024-05-01T10:15:30.1234567\"", OUT_OF_RANGE);
    assertRefused(type, "\"2024-05-01T10:15:30.123456789\"", OUT_OF_RANGE);
    assertRefused(type, "\"2024-05-01T10:15:30.123456001+02:00\"", OUT_OF_RANGE);
    assertRefused(type, "\"yesterday\"", WRONG_TYPE);
    assertRefused(type, "\"2024-05-01\"", WRONG_TYPE);
    assertRefusedAsOneOf(type, "\"2024-13-01T00:00:00\"", WRONG_TYPE, OUT_OF_RANGE);
    assertRefused(type, "true", WRONG_TYPE);
    assertRefused(type, "[1714558530123]", WRONG_TYPE);
    assertRefused(type, "9223372036854775807", OUT_OF_RANGE);
  }

  // Types: timestamptz

  @Test
  void timestamptzAcceptsTheSampleExactly() {
    assertValue(
        Types.TimestampType.withZone(),
        "\"2022-07-26T00:41:48.046773-07:00\"",
        Instant.parse("2022-07-26T07:41:48.046773Z"));
  }

  @Test
  void timestamptzAcceptsEveryDocumentedOffsetForm() {
    Type type = Types.TimestampType.withZone();
    Instant at = Instant.parse("2024-05-01T08:00:00Z");
    assertValue(type, "\"2024-05-01T08:00:00Z\"", at);
    assertValue(type, "\"2024-05-01T10:00:00+02:00\"", at);
    assertValue(type, "\"2024-05-01T01:00:00-0700\"", at);
    assertValue(type, "\"2024-05-01T10:00:00+02\"", at);
    assertValue(type, "\"2024-05-01T03:30:00-04:30\"", at);
    assertValue(type, "\"2024-05-01T10:00:00+02:00[Europe/Paris]\"", at);
    assertValue(type, "\"2024-05-01T08:00:00Z[UTC]\"", at);
    assertValue(type, "\"2024-05-01T08:00:00.000000Z\"", at);
    assertValue(type, "\"2024-05-01T10:00:00.000000000+02:00\"", at);
  }

  @Test
  void timestamptzAcceptsAZoneIdWithoutAnOffset() {
    assertValue(
        Types.TimestampType.withZone(),
        "\"2024-05-01T10:00:00[Europe/Paris]\"",
        Instant.parse("2024-05-01T08:00:00Z"));
  }

  @Test
  void timestamptzWithoutOffsetIsUtc() {
    Type type = Types.TimestampType.withZone();
    assertValue(type, "\"2024-05-01T08:00:00\"", Instant.parse("2024-05-01T08:00:00Z"));
    assertValue(
        type, "\"2024-05-01T08:00:00.654321\"", Instant.parse("2024-05-01T08:00:00.654321Z"));
  }

  @Test
  void timestamptzAcceptsASpaceForT() {
    Type type = Types.TimestampType.withZone();
    Instant at = Instant.parse("2024-05-01T08:00:00.123456Z");
    assertEach(
        List.of(
            "2024-05-01 08:00:00.123456Z",
            "2024-05-01 10:00:00.123456+02:00",
            "2024-05-01 01:00:00.123456-0700",
            "2024-05-01 10:00:00.123456+02",
            "2024-05-01 08:00:00.123456",
            "2024-05-01 08:00:00.123456Z[UTC]",
            "2024-05-01 10:00:00.123456+02:00[Europe/Paris]"),
        text -> assertValue(type, "\"" + text + "\"", at));
  }

  @Test
  void timestamptzKeepsMicrosecondsExactly() {
    Type type = Types.TimestampType.withZone();
    assertValue(
        type, "\"2024-05-01T08:00:00.000001Z\"", Instant.parse("2024-05-01T08:00:00.000001Z"));
    assertValue(
        type, "\"2024-05-01T08:00:00.999999Z\"", Instant.parse("2024-05-01T08:00:00.999999Z"));
    assertValue(
        type, "\"1969-12-31T23:59:59.999999Z\"", Instant.parse("1969-12-31T23:59:59.999999Z"));
    assertValue(
        type, "\"1900-01-01T00:00:00.000001+01:00\"", Instant.parse("1899-12-31T23:00:00.000001Z"));
    assertValue(type, "\"2024-05-01T08:00:00.5Z\"", Instant.parse("2024-05-01T08:00:00.5Z"));
  }

  @Test
  void timestamptzAcceptsEpochMilliseconds() {
    Type type = Types.TimestampType.withZone();
    assertValue(type, "1714558530123", Instant.ofEpochMilli(1_714_558_530_123L));
    assertValue(type, "0", Instant.EPOCH);
    assertValue(type, "-1", Instant.parse("1969-12-31T23:59:59.999Z"));
    assertValue(type, "1658821308046", Instant.parse("2022-07-26T07:41:48.046Z"));
  }

  @Test
  void timestamptzRefusesSubMicrosecondDigitsAndOtherValues() {
    Type type = Types.TimestampType.withZone();
    assertRefused(type, "\"2024-05-01T08:00:00.1234567Z\"", OUT_OF_RANGE);
    assertRefused(type, "\"2024-05-01T08:00:00.123456789+02:00\"", OUT_OF_RANGE);
    assertRefused(type, "\"2024-05-01T08:00:00.000000001Z\"", OUT_OF_RANGE);
    assertRefused(type, "\"2024-05-01T10:00:00.0000001+02:00[Europe/Paris]\"", OUT_OF_RANGE);
    assertRefused(type, "\"2024-05-01T08:00:00 UTC+2\"", WRONG_TYPE);
    assertRefused(type, "\"2024-05-01T08:00:00+25:00\"", WRONG_TYPE);
    assertRefused(type, "\"2024-05-01T08:00:00[Not/AZone]\"", WRONG_TYPE);
    assertRefused(type, "\"01/05/2024 08:00\"", WRONG_TYPE);
    assertRefused(type, "\"\"", WRONG_TYPE);
    assertRefusedAsOneOf(type, "\"2024-02-30T08:00:00Z\"", WRONG_TYPE, OUT_OF_RANGE);
    assertRefusedAsOneOf(type, "\"2024-05-01T24:00:01Z\"", WRONG_TYPE, OUT_OF_RANGE);
    assertRefused(type, "true", WRONG_TYPE);
    assertRefused(type, "{\"seconds\": 1}", WRONG_TYPE);
    assertRefused(type, "9223372036854775807", OUT_OF_RANGE);
    assertRefused(type, "-9223372036854775808", OUT_OF_RANGE);
  }

  // Types: string

  @Test
  void stringKeepsStringsAndTheJsonTextOfScalars() {
    Type type = Types.StringType.get();
    assertValue(type, "\"value\"", "value");
    assertValue(type, "\"\"", "");
    assertValue(
        type, "\"caf\u00e9 \u65e5\u672c \ud83d\ude00\"", "caf\u00e9 \u65e5\u672c \ud83d\ude00");
    assertValue(type, "\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"", "a\"b\\c\n\u00e9\ud83d\ude00");
    assertValue(type, "42", "42");
    assertValue(type, "-7", "-7");
    assertValue(type, "123456789012345678901234567890", "123456789012345678901234567890");
    assertValue(type, "true", "true");
    assertValue(type, "false", "false");
  }

  @Test
  void stringKeepsTheJsonTextOfNumbersAsWritten() {
    Type type = Types.StringType.get();
    assertValue(type, "1.50", "1.50");
    assertValue(type, "1e3", "1e3");
    assertValue(type, "-0.0", "-0.0");
    assertValue(
        type, "0.1000000000000000055511151231257827", "0.1000000000000000055511151231257827");
  }

  @Test
  void stringKeepsObjectsAndArraysAsJsonText() {
    Type type = Types.StringType.get();
    assertValue(
        type, "{\"a\": 1, \"b\": [true, null, \"x\"]}", "{\"a\":1,\"b\":[true,null,\"x\"]}");
    assertValue(type, "[1, \"two\", {\"three\": 3}]", "[1,\"two\",{\"three\":3}]");
    assertValue(type, "{}", "{}");
    assertValue(type, "[]", "[]");
    assertValue(type, "{\"s\": \"quote\\\" \u00e9\"}", "{\"s\":\"quote\\\" \u00e9\"}");
  }

  @Test
  void stringKeepsNumbersInsideObjectsAsWritten() {
    Type type = Types.StringType.get();
    assertValue(type, "{\"a\": 1e3, \"b\": 1.0E400}", "{\"a\":1e3,\"b\":1.0E400}");
    assertValue(type, "{\"amount\": 1.50}", "{\"amount\":1.50}");
    assertValue(
        type, "{\"n\": 12345678901234567890.123456789}", "{\"n\":12345678901234567890.123456789}");
  }

  @Test
  void stringInListsAndMapsFollowsTheSameRule() {
    Type list = Types.ListType.ofOptional(id(), Types.StringType.get());
    assertValue(
        list,
        "[\"a\", 1, true, {\"x\": 1}, null]",
        Arrays.asList("a", "1", "true", "{\"x\":1}", null));
  }

  // Types: uuid

  @Test
  void uuidAcceptsCanonicalText() {
    Type type = Types.UUIDType.get();
    assertValue(
        type, "\"f79c3e09-677c-4bbd-a479-3f349cb785e7\"", hex("f79c3e09677c4bbda4793f349cb785e7"));
    assertValue(
        type, "\"F79C3E09-677C-4BBD-A479-3F349CB785E7\"", hex("f79c3e09677c4bbda4793f349cb785e7"));
    assertValue(
        type, "\"00000000-0000-0000-0000-000000000000\"", hex("00000000000000000000000000000000"));
    assertValue(
        type, "\"ffffffff-ffff-ffff-ffff-ffffffffffff\"", hex("ffffffffffffffffffffffffffffffff"));
  }

  @Test
  void uuidRefusesAnythingButExactly8_4_4_4_12HexDigits() {
    Type type = Types.UUIDType.get();
    assertEach(
        List.of(
            "f79c3e09677c4bbda4793f349cb785e7",
            "f79c3e09-677c-4bbd-a479-3f349cb785e",
            "f79c3e09-677c-4bbd-a479-3f349cb785e77",
            "f79c3e0-9677c-4bbd-a479-3f349cb785e7",
            "f79c3e09-677c-4bbd-a479-3f349cb785eg",
            "{f79c3e09-677c-4bbd-a479-3f349cb785e7}",
            "+79c3e09-677c-4bbd-a479-3f349cb785e7",
            "\uff4679c3e09-677c-4bbd-a479-3f349cb785e7", // a fullwidth f
            "f79c3e09-+77c-4bbd-a479-3f349cb785e7",
            "f79c3e09-677c-4bbd-a479-+f349cb785e7",
            "0x9c3e09-677c-4bbd-a479-3f349cb785e7",
            "1-1-1-1-1",
            ""),
        text -> assertRefused(type, "\"" + text + "\"", WRONG_TYPE));
    assertRefused(type, "12345", WRONG_TYPE);
    assertRefused(type, "[1]", WRONG_TYPE);
  }

  // Types: fixed and binary

  @Test
  void fixedAcceptsBase64OfExactlyItsLength() {
    Type type = Types.FixedType.ofLength(4);
    assertValue(type, "\"AQIDBA==\"", hex("01020304"));
    assertValue(type, "\"/////w==\"", hex("ffffffff"));
    assertRefused(type, "\"AQID\"", OUT_OF_RANGE);
    assertRefused(type, "\"AQIDBAU=\"", OUT_OF_RANGE);
    assertRefused(type, "\"\"", OUT_OF_RANGE);
    assertRefused(type, "\"not base64!\"", WRONG_TYPE);
    assertRefused(type, "16909060", WRONG_TYPE);
    assertRefused(type, "[1, 2, 3, 4]", WRONG_TYPE);
  }

  @Test
  void binaryAcceptsStandardBase64() {
    Type type = Types.BinaryType.get();
    assertValue(type, "\"AQIDBA==\"", hex("01020304"));
    assertValue(type, "\"+/+/\"", hex("fbffbf"));
    assertValue(type, "\"\"", hex(""));
    assertValue(type, "\"aGVsbG8=\"", hex("68656c6c6f"));
    assertRefused(type, "\"-_-_\"", WRONG_TYPE); // the URL-safe alphabet
    assertRefused(type, "\"AQ ID\"", WRONG_TYPE);
    assertRefused(type, "\"AQIDBA==AQ==\"", WRONG_TYPE);
    assertRefused(type, "\"A\"", WRONG_TYPE);
    assertRefused(type, "true", WRONG_TYPE);
    assertRefused(type, "{}", WRONG_TYPE);
  }

  // Types: struct

  @Test
  void structReadsAnObjectRecursively() {
    Type type =
        Types.StructType.of(
            optional(id(), "key", Types.StringType.get()),
            optional(id(), "value", Types.LongType.get()),
            optional(
                id(),
                "inner",
                Types.StructType.of(
                    optional(id(), "when", Types.DateType.get()),
                    optional(
                        id(), "tags", Types.ListType.ofOptional(id(), Types.StringType.get())))));
    assertValue(
        type,
        "{\"key\": \"k\", \"value\": 2, \"inner\": {\"when\": \"1970-01-02\", \"tags\": [\"t\"]}}",
        Arrays.asList("k", 2L, Arrays.asList(1, List.of("t"))));
    assertValue(type, "{}", Arrays.asList(null, null, null));
    assertValue(type, "{\"inner\": {}}", Arrays.asList(null, null, Arrays.asList(null, null)));
    assertRefused(type, "[]", WRONG_TYPE);
    assertRefused(type, "\"{}\"", WRONG_TYPE);
    assertRefused(type, "1", WRONG_TYPE);
    assertRefusedAt(type, "{\"value\": \"x\"}", WRONG_TYPE, "c.value");
    assertRefusedAt(type, "{\"inner\": {\"when\": \"then\"}}", WRONG_TYPE, "c.inner.when");
    assertRefusedAt(type, "{\"inner\": {\"tags\": \"t\"}}", WRONG_TYPE, "c.inner.tags");
  }

  // Types: list

  @Test
  void listReadsAnArray() {
    Type type = Types.ListType.ofOptional(id(), Types.IntegerType.get());
    assertValue(type, "[1, 2, 3]", List.of(1, 2, 3));
    assertValue(type, "[]", List.of());
    assertValue(type, "[1, null, 3]", Arrays.asList(1, null, 3));
    assertValue(type, "[null]", Arrays.asList((Object) null));
    assertRefusedAt(type, "[1, 2, \"3\"]", WRONG_TYPE, "c[2]");
    assertRefusedAt(type, "[1, 2, 1099511627776]", OUT_OF_RANGE, "c[2]");
    assertRefused(type, "{\"0\": 1}", WRONG_TYPE);
    assertRefused(type, "1", WRONG_TYPE);
    assertRefused(type, "\"[1]\"", WRONG_TYPE);
  }

  @Test
  void listOfRequiredElementsRefusesNull() {
    Type type = Types.ListType.ofRequired(id(), Types.IntegerType.get());
    assertValue(type, "[1, 2]", List.of(1, 2));
    assertRefusedAt(type, "[1, null, 3]", MISSING_REQUIRED, "c[1]");
  }

  @Test
  void listOfStructsAndListsOfLists() {
    Type structs =
        Types.ListType.ofOptional(
            id(), Types.StructType.of(optional(id(), "x", Types.LongType.get())));
    assertValue(
        structs,
        "[{\"x\": 1}, null, {}]",
        Arrays.asList(List.of(1L), null, Arrays.asList((Object) null)));
    Type lists =
        Types.ListType.ofOptional(id(), Types.ListType.ofOptional(id(), Types.StringType.get()));
    assertValue(lists, "[[\"a\"], [], null]", Arrays.asList(List.of("a"), List.of(), null));
  }

  // Types: map

  @Test
  void mapReadsAnObjectWithStringKeys() {
    Type type =
        Types.MapType.ofOptional(id(), id(), Types.StringType.get(), Types.StringType.get());
    assertValue(type, "{\"k1\": \"v1\", \"k2\": \"v2\"}", orderedMap("k1", "v1", "k2", "v2"));
    assertValue(type, "{}", Map.of());
    assertValue(type, "{\"k\": null}", orderedMap("k", null));
    assertValue(type, "{\"k\": 1, \"j\": true}", orderedMap("k", "1", "j", "true"));
    assertValue(type, "{\"\": \"empty key\"}", orderedMap("", "empty key"));
    assertRefused(type, "[]", WRONG_TYPE);
    assertRefused(type, "\"k=v\"", WRONG_TYPE);
  }

  @Test
  void mapErrorsNameTheKey() {
    Type type = Types.MapType.ofOptional(id(), id(), Types.StringType.get(), Types.LongType.get());
    assertRefusedAt(type, "{\"k0\": 1, \"k1\": \"v1\"}", WRONG_TYPE, "c[k1]");
    assertRefusedAt(type, "{\"k1\": 1e30}", OUT_OF_RANGE, "c[k1]");
    Type required =
        Types.MapType.ofRequired(id(), id(), Types.StringType.get(), Types.LongType.get());
    assertValue(required, "{\"k1\": 1}", orderedMap("k1", 1L));
    assertRefusedAt(required, "{\"k0\": 1, \"k1\": null}", MISSING_REQUIRED, "c[k1]");
    Type structs =
        Types.MapType.ofOptional(
            id(),
            id(),
            Types.StringType.get(),
            Types.StructType.of(required(id(), "v", Types.IntegerType.get())));
    assertRefusedAt(structs, "{\"k1\": {}}", MISSING_REQUIRED, "c[k1].v");
    assertRefusedAt(structs, "{\"k1\": {\"v\": 3.5}}", null, "c[k1].v");
  }

  @Test
  void mapKeysAreParsedAsTheKeyType() {
    assertValue(
        Types.MapType.ofOptional(id(), id(), Types.IntegerType.get(), Types.StringType.get()),
        "{\"1\": \"a\", \"-2\": \"b\", \"2147483647\": \"c\"}",
        orderedMap(1, "a", -2, "b", Integer.MAX_VALUE, "c"));
    assertValue(
        Types.MapType.ofOptional(id(), id(), Types.LongType.get(), Types.StringType.get()),
        "{\"1099511627776\": \"a\"}",
        orderedMap(1L << 40, "a"));
    assertValue(
        Types.MapType.ofOptional(id(), id(), Types.BooleanType.get(), Types.IntegerType.get()),
        "{\"true\": 1, \"false\": 0}",
        orderedMap(true, 1, false, 0));
    assertValue(
        Types.MapType.ofOptional(id(), id(), Types.DateType.get(), Types.IntegerType.get()),
        "{\"1970-01-02\": 1, \"2024-05-01\": 2}",
        orderedMap(1, 1, (int) LocalDate.of(2024, 5, 1).toEpochDay(), 2));
    assertValue(
        Types.MapType.ofOptional(id(), id(), Types.UUIDType.get(), Types.IntegerType.get()),
        "{\"f79c3e09-677c-4bbd-a479-3f349cb785e7\": 1}",
        orderedMap(hex("f79c3e09677c4bbda4793f349cb785e7"), 1));
  }

  @Test
  void mapKeysThatDoNotParseAreRefusedAtTheKey() {
    assertRefusedAt(
        Types.MapType.ofOptional(id(), id(), Types.IntegerType.get(), Types.StringType.get()),
        "{\"1\": \"a\", \"x\": \"b\"}",
        WRONG_TYPE,
        "c[x]");
    assertRefusedAt(
        Types.MapType.ofOptional(id(), id(), Types.IntegerType.get(), Types.StringType.get()),
        "{\"1.5\": \"a\"}",
        WRONG_TYPE,
        "c[1.5]");
    assertRefusedAt(
        Types.MapType.ofOptional(id(), id(), Types.IntegerType.get(), Types.StringType.get()),
        "{\"1099511627776\": \"a\"}",
        OUT_OF_RANGE,
        "c[1099511627776]");
    assertRefusedAt(
        Types.MapType.ofOptional(id(), id(), Types.LongType.get(), Types.StringType.get()),
        "{\"9223372036854775808\": \"a\"}",
        OUT_OF_RANGE,
        "c[9223372036854775808]");
    assertRefusedAt(
        Types.MapType.ofOptional(id(), id(), Types.BooleanType.get(), Types.StringType.get()),
        "{\"yes\": \"a\"}",
        WRONG_TYPE,
        "c[yes]");
    assertRefusedAt(
        Types.MapType.ofOptional(id(), id(), Types.DateType.get(), Types.StringType.get()),
        "{\"May 1st\": \"a\"}",
        WRONG_TYPE,
        "c[May 1st]");
    assertRefusedAt(
        Types.MapType.ofOptional(id(), id(), Types.UUIDType.get(), Types.StringType.get()),
        "{\"not-a-uuid\": \"a\"}",
        WRONG_TYPE,
        "c[not-a-uuid]");
  }

  @Test
  void aMapKeyGivenTwiceTakesTheLastValue() {
    assertValue(
        Types.MapType.ofOptional(id(), id(), Types.StringType.get(), Types.IntegerType.get()),
        "{\"k\": 1, \"j\": 2, \"k\": 3}",
        orderedMap("k", 3, "j", 2));
  }

  // ---------------------------------------------------------------------------------------------
  // Types the loader refuses at start

  @Test
  void createRefusesUnsupportedTypesNamingTheColumn() {
    Map<String, Type> unsupported = new LinkedHashMap<>();
    unsupported.put("ts_ns", Types.TimestampNanoType.withoutZone());
    unsupported.put("tstz_ns", Types.TimestampNanoType.withZone());
    unsupported.put("var", Types.VariantType.get());
    unsupported.put("geom", Types.GeometryType.crs84());
    unsupported.put("geog", Types.GeographyType.crs84());
    unsupported.put("unk", Types.UnknownType.get());
    unsupported.put(
        "double_keys",
        Types.MapType.ofOptional(id(), id(), Types.DoubleType.get(), Types.StringType.get()));
    unsupported.put(
        "ts_keys",
        Types.MapType.ofOptional(
            id(), id(), Types.TimestampType.withZone(), Types.StringType.get()));
    unsupported.put(
        "decimal_keys",
        Types.MapType.ofOptional(id(), id(), Types.DecimalType.of(9, 2), Types.StringType.get()));
    unsupported.put(
        "binary_keys",
        Types.MapType.ofOptional(id(), id(), Types.BinaryType.get(), Types.StringType.get()));
    unsupported.put(
        "time_keys",
        Types.MapType.ofOptional(id(), id(), Types.TimeType.get(), Types.StringType.get()));
    unsupported.put(
        "struct_keys",
        Types.MapType.ofOptional(
            id(),
            id(),
            Types.StructType.of(optional(id(), "k", Types.StringType.get())),
            Types.StringType.get()));
    unsupported.put("ns_list", Types.ListType.ofOptional(id(), Types.TimestampNanoType.withZone()));
    unsupported.put(
        "ns_values",
        Types.MapType.ofOptional(
            id(), id(), Types.StringType.get(), Types.TimestampNanoType.withZone()));
    for (Map.Entry<String, Type> entry : unsupported.entrySet()) {
      Schema schema =
          new Schema(
              optional(id(), "fine", Types.StringType.get()),
              optional(id(), entry.getKey(), entry.getValue()));
      assertThatThrownBy(() -> RowParser.create(schema, defaults()))
          .as(entry.getKey())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(entry.getKey())
          .hasMessageNotContaining("fine");
    }
  }

  @Test
  void createRefusesAnUnsupportedTypeInsideAStructNamingTheField() {
    Schema schema =
        new Schema(
            optional(
                id(),
                "outer",
                Types.StructType.of(
                    optional(id(), "ok", Types.LongType.get()),
                    optional(id(), "inner_ns", Types.TimestampNanoType.withZone()))));
    assertThatThrownBy(() -> RowParser.create(schema, defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inner_ns");
  }

  @Test
  void createListsEveryUnsupportedColumn() {
    Schema schema =
        new Schema(
            optional(id(), "first_ns", Types.TimestampNanoType.withZone()),
            optional(id(), "fine", Types.StringType.get()),
            optional(id(), "second_variant", Types.VariantType.get()));
    assertThatThrownBy(() -> RowParser.create(schema, defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("first_ns")
        .hasMessageContaining("second_variant");
  }

  @Test
  void createAcceptsEverySupportedType() throws Exception {
    List<Types.NestedField> fields = new ArrayList<>();
    int i = 0;
    for (Type type : everyType()) {
      fields.add(optional(id(), "c" + i++, type));
    }
    RowParser parser = RowParser.create(new Schema(fields), defaults());
    RowData row = parser.parse(message("{}"));
    assertThat(row.getArity()).isEqualTo(fields.size());
  }

  // ---------------------------------------------------------------------------------------------
  // Whole messages

  @Test
  void malformedJsonIsRefusedWithLineAndColumn() {
    // A string column takes any value, so every message below fails for its JSON alone.
    Schema schema = new Schema(optional(id(), "a", Types.StringType.get()));
    for (String json :
        List.of(
            "{\"a\": 1,",
            "{\"a\": }",
            "{a: 1}",
            "{'a': 1}",
            "{\"a\": 1,}",
            "{\"a\": NaN}",
            "{\"a\": 01}",
            "{\"a\": 1 \"b\": 2}",
            "{\"a\": [1, 2}",
            "{\"a\": \"unterminated}",
            "{\"a\": \"tab\tinside\"}",
            "{\"unknown\": [1, 2,], \"a\": 1}",
            "{\"unknown\": {\"x\": }, \"a\": 1}",
            "{",
            "}")) {
      for (Mode mode : Mode.values()) {
        BadMessageException e = refusal(mode, schema, json);
        assertThat(e.reason()).as(mode + " " + json).isEqualTo(MALFORMED_JSON);
        assertThat(e.path()).isEmpty();
        assertThat(e.getMessage()).as(mode + " " + json).contains("line").contains("column");
      }
    }
  }

  @Test
  void contentAfterTheObjectIsMalformed() {
    Schema schema = new Schema(optional(id(), "a", Types.LongType.get()));
    List<String> messages = new ArrayList<>();
    for (String trailing : List.of(" x", " {}", "{\"a\": 2}", "]", " 2", "}", " \"s\"", " null")) {
      for (Mode mode : Mode.values()) {
        messages.add(mode + ":" + wrap(mode, "{\"a\": 1}") + trailing);
      }
    }
    assertEach(
        messages,
        modeAndJson -> {
          Mode mode = Mode.valueOf(modeAndJson.substring(0, modeAndJson.indexOf(':')));
          String json = modeAndJson.substring(modeAndJson.indexOf(':') + 1);
          RowParser parser = parser(mode, schema);
          BadMessageException e =
              catchThrowableOfType(() -> parser.parse(message(json)), BadMessageException.class);
          assertThat(e).isNotNull();
          assertThat(e.reason()).isEqualTo(MALFORMED_JSON);
          assertThat(e.getMessage()).contains("line").contains("column");
        });
  }

  @Test
  void malformedJsonIsMalformedEvenAfterAValueThatDoesNotFit() {
    // Both paths must agree on the reason: the tree path parses the whole message first.
    Schema schema = new Schema(optional(id(), "a", Types.LongType.get()));
    List<String> inputs = new ArrayList<>();
    for (String json :
        List.of("{\"a\": \"x\", \"b\": ", "{\"a\": [1, 2}", "{\"a\": true} trailing")) {
      inputs.add("STREAMING:" + json);
      inputs.add("TREE:{\"data\": " + json);
    }
    assertEach(
        inputs,
        modeAndJson -> {
          Mode mode = Mode.valueOf(modeAndJson.substring(0, modeAndJson.indexOf(':')));
          String json = modeAndJson.substring(modeAndJson.indexOf(':') + 1);
          RowParser parser = parser(mode, schema);
          BadMessageException e =
              catchThrowableOfType(() -> parser.parse(message(json)), BadMessageException.class);
          assertThat(e).isNotNull();
          assertThat(e.reason()).as(String.valueOf(e)).isEqualTo(MALFORMED_JSON);
        });
  }

  @Test
  void whitespaceAroundTheObjectIsFine() throws Exception {
    Schema schema = new Schema(optional(id(), "a", Types.LongType.get()));
    for (Mode mode : Mode.values()) {
      assertThat(parse(mode, schema, "\n  {\"a\": 1}  \r\n\t").getLong(0)).isEqualTo(1L);
    }
  }

  @Test
  void invalidUtf8IsRefusedWithTheByteOffset() {
    Schema schema =
        new Schema(
            optional(id(), "s", Types.StringType.get()), optional(id(), "a", Types.LongType.get()));
    RowParser parser = RowParser.create(schema, defaults());
    byte[][] badSequences = {
      {(byte) 0xFF},
      {(byte) 0x80},
      {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xC3},
      {(byte) 0xE2, (byte) 0x82}
    };
    for (byte[] bad : badSequences) {
      // In a known string column, in an unknown field that is skipped, and in a field name.
      for (String[] around :
          List.of(
              new String[] {"{\"a\": 1, \"s\": \"x", "y\"}"},
              new String[] {"{\"a\": 1, \"skipped\": {\"deep\": [\"", "\"]}}"},
              new String[] {"{\"a\": 1, \"na", "me\": 2}"})) {
        byte[] before = around[0].getBytes(UTF_8);
        byte[] value = concat(before, bad, around[1].getBytes(UTF_8));
        BadMessageException e =
            catchThrowableOfType(() -> parser.parse(message(value)), BadMessageException.class);
        assertThat(e).as(HexFormat.of().formatHex(bad) + " in " + around[0]).isNotNull();
        assertThat(e.reason()).isEqualTo(INVALID_UTF8);
        assertThat(e.getMessage()).contains(Integer.toString(before.length));
      }
    }
  }

  @Test
  void invalidUtf8OutsideTheUnnestedObjectIsRefusedToo() {
    Schema schema = new Schema(optional(id(), "a", Types.LongType.get()));
    RowParser parser =
        RowParser.create(
            schema, settings(Optional.of("/data"), Map.of(), FieldNameCase.NONE, Map.of()));
    byte[] value =
        concat(
            "{\"data\": {\"a\": 1}, \"ignored\": \"".getBytes(UTF_8),
            new byte[] {(byte) 0xC0, (byte) 0x80},
            "\"}".getBytes(UTF_8));
    BadMessageException e =
        catchThrowableOfType(() -> parser.parse(message(value)), BadMessageException.class);
    assertThat(e.reason()).isEqualTo(INVALID_UTF8);
  }

  @Test
  void validMultibyteUtf8IsKept() throws Exception {
    Schema schema = new Schema(optional(id(), "s", Types.StringType.get()));
    String text = "\u00e9\u20ac\ud83d\ude00\uffff\u0080\u07ff\u0800\udbff\udfff";
    for (Mode mode : Mode.values()) {
      assertThat(parse(mode, schema, "{\"s\": \"" + text + "\"}").getString(0)).hasToString(text);
    }
  }

  @Test
  void messagesLargerThanTheLimitAreOversized() throws Exception {
    Schema schema = new Schema(optional(id(), "a", Types.StringType.get()));
    for (Mode mode : Mode.values()) {
      Optional<String> unnest = mode == Mode.TREE ? Optional.of("/data") : Optional.empty();
      RowParser parser =
          RowParser.create(
              schema, new ParseSettings(unnest, Map.of(), FieldNameCase.NONE, Map.of(), 40));
      String atLimit = paddedTo(mode, 40);
      assertThat(parser.parse(message(atLimit)).getString(0).toString()).startsWith("x");
      String over = paddedTo(mode, 41);
      BadMessageException e =
          catchThrowableOfType(() -> parser.parse(message(over)), BadMessageException.class);
      assertThat(e).as(mode.name()).isNotNull();
      assertThat(e.reason()).isEqualTo(OVERSIZED);
      assertThat(e.getMessage()).contains("40").contains("41");
    }
    // The size is decided before the bytes are looked at.
    RowParser small =
        RowParser.create(
            schema, new ParseSettings(Optional.empty(), Map.of(), FieldNameCase.NONE, Map.of(), 4));
    BadMessageException e =
        catchThrowableOfType(
            () -> small.parse(message(new byte[] {'[', (byte) 0xFF, ']', ' ', ' '})),
            BadMessageException.class);
    assertThat(e.reason()).isEqualTo(OVERSIZED);
  }

  @Test
  void aMessageOfExactlyOneMebibyteFitsAOneMebibyteLimit() throws Exception {
    Schema schema = new Schema(optional(id(), "a", Types.StringType.get()));
    RowParser parser = RowParser.create(schema, defaults());
    String atLimit = paddedTo(Mode.STREAMING, (int) ONE_MIB);
    assertThat(parser.parse(message(atLimit)).getString(0).toString()).hasSize((int) ONE_MIB - 9);
    BadMessageException e =
        catchThrowableOfType(
            () -> parser.parse(message(paddedTo(Mode.STREAMING, (int) ONE_MIB + 1))),
            BadMessageException.class);
    assertThat(e.reason()).isEqualTo(OVERSIZED);
  }

  /** A message of exactly {@code size} bytes whose column a holds x's. */
  private static String paddedTo(Mode mode, int size) {
    String empty = wrap(mode, "{\"a\": \"\"}");
    int quote = empty.indexOf("\"\"}") + 1;
    String padded =
        empty.substring(0, quote) + "x".repeat(size - empty.length()) + empty.substring(quote);
    assertThat(padded.getBytes(UTF_8)).hasSize(size);
    return padded;
  }

  @Test
  void tombstonesAndNonObjectsAreNotAnObject() {
    Schema schema = new Schema(optional(id(), "a", Types.LongType.get()));
    for (Mode mode : Mode.values()) {
      RowParser parser = parser(mode, schema);
      BadMessageException tombstone =
          catchThrowableOfType(
              () -> parser.parse(message((byte[]) null)), BadMessageException.class);
      assertThat(tombstone.reason()).as(mode.name()).isEqualTo(NOT_AN_OBJECT);
      for (String json :
          List.of("[1, 2]", "[]", "[{\"a\": 1}]", "\"text\"", "42", "-1.5", "true", "null")) {
        BadMessageException e =
            catchThrowableOfType(() -> parser.parse(message(json)), BadMessageException.class);
        assertThat(e).as(mode + " " + json).isNotNull();
        assertThat(e.reason()).as(mode + " " + json).isEqualTo(NOT_AN_OBJECT);
        assertThat(e.path()).isEmpty();
      }
    }
  }

  @Test
  void anEmptyMessageIsRefused() {
    Schema schema = new Schema(optional(id(), "a", Types.LongType.get()));
    for (Mode mode : Mode.values()) {
      RowParser parser = parser(mode, schema);
      for (String json : List.of("", "   ")) {
        BadMessageException e =
            catchThrowableOfType(() -> parser.parse(message(json)), BadMessageException.class);
        assertThat(e).as(mode + " '" + json + "'").isNotNull();
        assertThat(e.reason()).isIn(NOT_AN_OBJECT, MALFORMED_JSON);
      }
    }
  }

  @Test
  void badMessagesDescribeThemselves() {
    BadMessageException e =
        refusal(
            Mode.STREAMING, sampleSchema(), SAMPLE.replace("\"value\": 1}", "\"value\": true}"));
    assertThat(e.toString()).startsWith("WRONG_TYPE at nested.value: ");
    assertThat(e.getMessage()).contains("true");
  }

  // ---------------------------------------------------------------------------------------------
  // Reshaping: unnest pointer

  @Test
  void unnestPointerReadsTheRowFromThatObject() throws Exception {
    Schema schema =
        new Schema(
            required(id(), "order_id", Types.LongType.get()),
            optional(id(), "specversion", Types.StringType.get()));
    RowParser parser =
        RowParser.create(
            schema, settings(Optional.of("/data"), Map.of(), FieldNameCase.NONE, Map.of()));
    RowData row =
        parser.parse(
            message(
                "{\"specversion\": \"1.0\", \"type\": \"order.created\", \"data\": {\"order_id\": 7}}"));
    assertThat(row.getLong(0)).isEqualTo(7L);
    assertThat(row.isNullAt(1)).as("fields outside the unnested object are not read").isTrue();
  }

  @Test
  void unnestPointerReachesDeepAndEscapedNames() throws Exception {
    Schema schema = new Schema(optional(id(), "x", Types.IntegerType.get()));
    RowParser deep =
        RowParser.create(
            schema, settings(Optional.of("/a/b/1"), Map.of(), FieldNameCase.NONE, Map.of()));
    assertThat(deep.parse(message("{\"a\": {\"b\": [{\"x\": 1}, {\"x\": 2}]}}")).getInt(0))
        .isEqualTo(2);
    RowParser escaped =
        RowParser.create(
            schema, settings(Optional.of("/a~1b/c~0d"), Map.of(), FieldNameCase.NONE, Map.of()));
    assertThat(escaped.parse(message("{\"a/b\": {\"c~d\": {\"x\": 3}}}")).getInt(0)).isEqualTo(3);
  }

  @Test
  void nothingAtTheUnnestPointerIsNotAnObject() {
    Schema schema = new Schema(optional(id(), "a", Types.LongType.get()));
    RowParser parser =
        RowParser.create(
            schema, settings(Optional.of("/data"), Map.of(), FieldNameCase.NONE, Map.of()));
    for (String json :
        List.of(
            "{\"other\": {\"a\": 1}}",
            "{\"data\": null}",
            "{\"data\": [{\"a\": 1}]}",
            "{\"data\": \"{\\\"a\\\": 1}\"}",
            "{\"data\": 1}",
            "{}")) {
      BadMessageException e =
          catchThrowableOfType(() -> parser.parse(message(json)), BadMessageException.class);
      assertThat(e).as(json).isNotNull();
      assertThat(e.reason()).as(json).isEqualTo(NOT_AN_OBJECT);
    }
  }

  // Reshaping: projections

  private static final String CLOUD_EVENT =
      "{\"specversion\": \"1.0\", \"type\": \"order.created\", \"source\": \"/shop\","
          + " \"time\": \"2024-05-01T10:00:00+02:00\", \"meta\": {\"attempt\": 2},"
          + " \"data\": {\"order_id\": 7, \"event_type\": \"from the row\", \"source\": \"row\"}}";

  private Schema cloudEventSchema(boolean eventTypeRequired) {
    return new Schema(
        required(id(), "order_id", Types.LongType.get()),
        eventTypeRequired
            ? required(id(), "event_type", Types.StringType.get())
            : optional(id(), "event_type", Types.StringType.get()),
        optional(id(), "source", Types.StringType.get()),
        optional(id(), "event_time", Types.TimestampType.withZone()),
        optional(id(), "attempt", Types.IntegerType.get()));
  }

  private static Map<String, String> cloudEventProjections() {
    Map<String, String> projections = new LinkedHashMap<>();
    projections.put("event_type", "/type");
    projections.put("source", "/source");
    projections.put("event_time", "/time");
    projections.put("attempt", "/meta/attempt");
    return projections;
  }

  @Test
  void projectionsReadTheOriginalMessageAndWinOverRowFields() throws Exception {
    RowParser parser =
        RowParser.create(
            cloudEventSchema(false),
            settings(Optional.of("/data"), cloudEventProjections(), FieldNameCase.NONE, Map.of()));
    RowData row = parser.parse(message(CLOUD_EVENT));
    assertThat(row.getLong(0)).isEqualTo(7L);
    assertThat(row.getString(1)).hasToString("order.created");
    assertThat(row.getString(2)).hasToString("/shop");
    assertThat(row.getTimestamp(3, 6).toInstant()).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
    assertThat(row.getInt(4)).isEqualTo(2);
  }

  @Test
  void projectionsWorkWithoutAnUnnestPointer() throws Exception {
    Schema schema =
        new Schema(
            optional(id(), "id", Types.LongType.get()),
            optional(id(), "kind", Types.StringType.get()),
            optional(id(), "first", Types.IntegerType.get()));
    RowParser parser =
        RowParser.create(
            schema,
            settings(
                Optional.empty(),
                Map.of("kind", "/meta/kind", "first", "/values/0"),
                FieldNameCase.NONE,
                Map.of()));
    RowData row =
        parser.parse(
            message(
                "{\"id\": 1, \"kind\": \"shadowed\", \"meta\": {\"kind\": \"k\"}, \"values\": [5, 6]}"));
    assertThat(row.getLong(0)).isEqualTo(1L);
    assertThat(row.getString(1)).hasToString("k");
    assertThat(row.getInt(2)).isEqualTo(5);
  }

  @Test
  void projectionsThatFindNothingLeaveOptionalColumnsNull() throws Exception {
    RowParser parser =
        RowParser.create(
            cloudEventSchema(false),
            settings(Optional.of("/data"), cloudEventProjections(), FieldNameCase.NONE, Map.of()));
    RowData row = parser.parse(message("{\"type\": null, \"data\": {\"order_id\": 7}}"));
    assertThat(row.getLong(0)).isEqualTo(7L);
    for (int pos = 1; pos < 5; pos++) {
      assertThat(row.isNullAt(pos)).as("position " + pos).isTrue();
    }
  }

  @Test
  void aRequiredProjectionThatFindsNothingIsMissingRequired() {
    RowParser parser =
        RowParser.create(
            cloudEventSchema(true),
            settings(Optional.of("/data"), cloudEventProjections(), FieldNameCase.NONE, Map.of()));
    for (String json :
        List.of("{\"data\": {\"order_id\": 7}}", "{\"type\": null, \"data\": {\"order_id\": 7}}")) {
      BadMessageException e =
          catchThrowableOfType(() -> parser.parse(message(json)), BadMessageException.class);
      assertThat(e).as(json).isNotNull();
      assertThat(e.reason()).isEqualTo(MISSING_REQUIRED);
      assertThat(e.path()).isEqualTo("event_type");
    }
  }

  @Test
  void projectedValuesFollowTheTypeRules() {
    RowParser parser =
        RowParser.create(
            cloudEventSchema(false),
            settings(Optional.of("/data"), cloudEventProjections(), FieldNameCase.NONE, Map.of()));
    BadMessageException e =
        catchThrowableOfType(
            () ->
                parser.parse(
                    message("{\"meta\": {\"attempt\": 2.5}, \"data\": {\"order_id\": 7}}")),
            BadMessageException.class);
    assertThat(e.reason()).isIn(WRONG_TYPE, OUT_OF_RANGE);
    assertThat(e.path()).isEqualTo("attempt");
    BadMessageException time =
        catchThrowableOfType(
            () -> parser.parse(message("{\"time\": \"soon\", \"data\": {\"order_id\": 7}}")),
            BadMessageException.class);
    assertThat(time.reason()).isEqualTo(WRONG_TYPE);
    assertThat(time.path()).isEqualTo("event_time");
  }

  @Test
  void projectionsIntoStructsAndListsNameNestedPaths() throws Exception {
    Schema schema =
        new Schema(
            optional(
                id(),
                "meta",
                Types.StructType.of(optional(id(), "attempt", Types.IntegerType.get()))),
            optional(id(), "tags", Types.ListType.ofOptional(id(), Types.IntegerType.get())));
    RowParser parser =
        RowParser.create(
            schema,
            settings(
                Optional.of("/data"),
                Map.of("meta", "/envelope/meta", "tags", "/envelope/tags"),
                FieldNameCase.NONE,
                Map.of()));
    RowData row =
        parser.parse(
            message("{\"envelope\": {\"meta\": {\"attempt\": 3}, \"tags\": [1]}, \"data\": {}}"));
    assertThat(row.getRow(0, 1).getInt(0)).isEqualTo(3);
    assertThat(java(row.getArray(1))).isEqualTo(List.of(1));
    BadMessageException e =
        catchThrowableOfType(
            () ->
                parser.parse(
                    message(
                        "{\"envelope\": {\"meta\": {\"attempt\": \"x\"}, \"tags\": [1, \"y\"]}, \"data\": {}}")),
            BadMessageException.class);
    assertThat(e.path()).isIn("meta.attempt", "tags[1]");
  }

  @Test
  void createRefusesAProjectionIntoAMissingColumn() {
    assertThatThrownBy(
            () ->
                RowParser.create(
                    cloudEventSchema(false),
                    settings(
                        Optional.empty(),
                        Map.of("no_such_column", "/type"),
                        FieldNameCase.NONE,
                        Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no_such_column");
  }

  // Reshaping: field-name case

  private Schema casedSchema(
      String userId,
      String profile,
      String firstName,
      String address,
      String zip,
      String items,
      String itemId,
      String attrs) {
    return new Schema(
        optional(id(), userId, Types.LongType.get()),
        optional(
            id(),
            profile,
            Types.StructType.of(
                optional(id(), firstName, Types.StringType.get()),
                optional(
                    id(),
                    address,
                    Types.StructType.of(optional(id(), zip, Types.StringType.get()))))),
        optional(
            id(),
            items,
            Types.ListType.ofOptional(
                id(), Types.StructType.of(optional(id(), itemId, Types.LongType.get())))),
        optional(
            id(),
            attrs,
            Types.MapType.ofOptional(id(), id(), Types.StringType.get(), Types.StringType.get())));
  }

  private static final List<Object> CASED_ROW =
      Arrays.asList(
          1L,
          Arrays.asList("Ada", List.of("12345")),
          List.of(List.of(5L)),
          orderedMap("someKey", "v", "other_key", "w"));

  @Test
  void lowerUnderscoreRenamesFieldsRecursivelyButNotMapKeys() throws Exception {
    Schema schema =
        casedSchema(
            "user_id",
            "user_profile",
            "first_name",
            "home_address",
            "zip_code",
            "order_items",
            "item_id",
            "attrs");
    String json =
        "{\"userId\": 1, \"UserProfile\": {\"firstName\": \"Ada\", \"home-address\": {\"ZipCode\": \"12345\"}},"
            + " \"orderItems\": [{\"itemId\": 5}], \"Attrs\": {\"someKey\": \"v\", \"other_key\": \"w\"}}";
    for (Mode mode : Mode.values()) {
      RowData row = parse(mode, schema, json, FieldNameCase.LOWER_UNDERSCORE);
      assertThat(rowValues(row)).as(mode.name()).isEqualTo(CASED_ROW);
    }
  }

  @Test
  void lowerCamelRenamesFieldsRecursively() throws Exception {
    Schema schema =
        casedSchema(
            "userId",
            "userProfile",
            "firstName",
            "homeAddress",
            "zipCode",
            "orderItems",
            "itemId",
            "attrs");
    String json =
        "{\"user_id\": 1, \"user_profile\": {\"first-name\": \"Ada\", \"home_address\": {\"zip_code\": \"12345\"}},"
            + " \"order_items\": [{\"item_id\": 5}], \"attrs\": {\"someKey\": \"v\", \"other_key\": \"w\"}}";
    for (Mode mode : Mode.values()) {
      RowData row = parse(mode, schema, json, FieldNameCase.LOWER_CAMEL);
      assertThat(rowValues(row)).as(mode.name()).isEqualTo(CASED_ROW);
    }
  }

  @Test
  void lowerLowersFieldsRecursively() throws Exception {
    Schema schema =
        casedSchema(
            "userid",
            "userprofile",
            "firstname",
            "homeaddress",
            "zipcode",
            "orderitems",
            "itemid",
            "attrs");
    String json =
        "{\"UserId\": 1, \"USERPROFILE\": {\"firstName\": \"Ada\", \"HomeAddress\": {\"zipCode\": \"12345\"}},"
            + " \"orderItems\": [{\"ItemId\": 5}], \"attrs\": {\"someKey\": \"v\", \"other_key\": \"w\"}}";
    for (Mode mode : Mode.values()) {
      RowData row = parse(mode, schema, json, FieldNameCase.LOWER);
      assertThat(rowValues(row)).as(mode.name()).isEqualTo(CASED_ROW);
    }
  }

  @Test
  void withoutCaseConversionNamesMatchExactly() throws Exception {
    Schema schema = new Schema(optional(id(), "user_id", Types.LongType.get()));
    for (Mode mode : Mode.values()) {
      assertThat(parse(mode, schema, "{\"userId\": 1, \"USER_ID\": 2}").isNullAt(0)).isTrue();
    }
  }

  @Test
  void caseConvertedErrorsNameTheColumns() {
    Schema schema =
        casedSchema(
            "user_id",
            "user_profile",
            "first_name",
            "home_address",
            "zip_code",
            "order_items",
            "item_id",
            "attrs");
    for (Mode mode : Mode.values()) {
      BadMessageException e =
          catchThrowableOfType(
              () ->
                  parser(mode, schema, FieldNameCase.LOWER_UNDERSCORE)
                      .parse(message(wrap(mode, "{\"userProfile\": {\"homeAddress\": 5}}"))),
              BadMessageException.class);
      assertThat(e.reason()).isEqualTo(WRONG_TYPE);
      assertThat(e.path()).isEqualTo("user_profile.home_address");
      BadMessageException item =
          catchThrowableOfType(
              () ->
                  parser(mode, schema, FieldNameCase.LOWER_UNDERSCORE)
                      .parse(message(wrap(mode, "{\"orderItems\": [{}, {\"itemId\": \"x\"}]}"))),
              BadMessageException.class);
      assertThat(item.path()).isEqualTo("order_items[1].item_id");
    }
  }

  // Reshaping: metadata columns

  private static KafkaMessage record(String json, byte[] key) {
    return new KafkaMessage(
        TOPIC, PARTITION, OFFSET, RECORD_TIMESTAMP, key, json.getBytes(UTF_8), List.of());
  }

  private static Map<MetadataField, String> allMetadata() {
    Map<MetadataField, String> columns = new LinkedHashMap<>();
    for (MetadataField field : MetadataField.values()) {
      columns.put(field, field.defaultColumn());
    }
    return columns;
  }

  @Test
  void metadataColumnsFillFromTheKafkaRecord() throws Exception {
    Schema schema =
        new Schema(
            required(id(), "id", Types.LongType.get()),
            required(id(), "_kafka_topic", Types.StringType.get()),
            required(id(), "_kafka_partition", Types.IntegerType.get()),
            required(id(), "_kafka_offset", Types.LongType.get()),
            required(id(), "_kafka_timestamp", Types.TimestampType.withZone()),
            optional(id(), "_kafka_key", Types.StringType.get()),
            optional(
                id(),
                "_kafka_headers",
                Types.MapType.ofOptional(
                    id(), id(), Types.StringType.get(), Types.StringType.get())));
    for (Optional<String> unnest : List.of(Optional.<String>empty(), Optional.of("/data"))) {
      RowParser parser =
          RowParser.create(schema, settings(unnest, Map.of(), FieldNameCase.NONE, allMetadata()));
      String json = unnest.isPresent() ? "{\"data\": {\"id\": 1}}" : "{\"id\": 1}";
      RowData row = parser.parse(record(json, KEY));
      assertThat(row.getLong(0)).isEqualTo(1L);
      assertThat(row.getString(1)).hasToString(TOPIC);
      assertThat(row.getInt(2)).isEqualTo(PARTITION);
      assertThat(row.getLong(3)).isEqualTo(OFFSET);
      assertThat(row.getTimestamp(4, 6).toInstant())
          .isEqualTo(Instant.ofEpochMilli(RECORD_TIMESTAMP));
      assertThat(row.getString(5)).hasToString("key-1");
      assertThat(row.getMap(6).size()).as("no headers: an empty map").isZero();
    }
  }

  @Test
  void headersFillAMapOfTextOrBytesTheLastOfARepeatedKeyWinning() throws Exception {
    List<KafkaMessage.Header> headers =
        List.of(
            new KafkaMessage.Header("trace", "t-1".getBytes(UTF_8)),
            new KafkaMessage.Header("empty", null),
            new KafkaMessage.Header("trace", "t-2".getBytes(UTF_8)),
            new KafkaMessage.Header("raw", new byte[] {(byte) 0xff, 0}));
    KafkaMessage message =
        new KafkaMessage(
            TOPIC,
            PARTITION,
            OFFSET,
            RECORD_TIMESTAMP,
            KEY,
            "{\"id\": 1}".getBytes(UTF_8),
            headers);

    Schema asBytes =
        new Schema(
            required(id(), "id", Types.LongType.get()),
            optional(
                id(),
                "h",
                Types.MapType.ofOptional(
                    id(), id(), Types.StringType.get(), Types.BinaryType.get())));
    RowParser bytes =
        RowParser.create(
            asBytes,
            settings(
                Optional.empty(),
                Map.of(),
                FieldNameCase.NONE,
                Map.of(MetadataField.HEADERS, "h")));
    Map<Object, Object> read = java(bytes.parse(message).getMap(1));
    assertThat(read).containsOnlyKeys("trace", "empty", "raw");
    assertThat((byte[]) read.get("trace")).isEqualTo("t-2".getBytes(UTF_8));
    assertThat(read.get("empty")).isNull();
    assertThat((byte[]) read.get("raw")).containsExactly((byte) 0xff, 0);

    Schema asText =
        new Schema(
            required(id(), "id", Types.LongType.get()),
            optional(
                id(),
                "h",
                Types.MapType.ofRequired(
                    id(), id(), Types.StringType.get(), Types.StringType.get())));
    RowParser text =
        RowParser.create(
            asText,
            settings(
                Optional.empty(),
                Map.of(),
                FieldNameCase.NONE,
                Map.of(MetadataField.HEADERS, "h")));
    KafkaMessage utf8 =
        new KafkaMessage(
            TOPIC,
            PARTITION,
            OFFSET,
            RECORD_TIMESTAMP,
            KEY,
            "{\"id\": 1}".getBytes(UTF_8),
            List.of(headers.get(0), headers.get(2)));
    assertThat(java(text.parse(utf8).getMap(1))).isEqualTo(Map.of("trace", "t-2"));
    BadMessageException notText =
        catchThrowableOfType(() -> text.parse(message), BadMessageException.class);
    assertThat(notText.path()).isEqualTo("h[empty]");
    assertThat(notText.reason()).isEqualTo(MISSING_REQUIRED);
    KafkaMessage binary =
        new KafkaMessage(
            TOPIC,
            PARTITION,
            OFFSET,
            RECORD_TIMESTAMP,
            KEY,
            "{\"id\": 1}".getBytes(UTF_8),
            List.of(headers.get(3)));
    BadMessageException invalid =
        catchThrowableOfType(() -> text.parse(binary), BadMessageException.class);
    assertThat(invalid.reason()).isEqualTo(INVALID_UTF8);
    assertThat(invalid.path()).isEqualTo("h[raw]");
  }

  /** A map of the parser's values as Java values: keys as strings, strings as strings. */
  private static Map<Object, Object> java(org.apache.flink.table.data.MapData map) {
    Map<Object, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < map.size(); i++) {
      Object value = ((GenericMapData) map).get(map.keyArray().getString(i));
      values.put(
          map.keyArray().getString(i).toString(),
          value instanceof StringData ? value.toString() : value);
    }
    return values;
  }

  @Test
  void metadataColumnsTakeEachDocumentedTypeVariant() throws Exception {
    Schema schema =
        new Schema(
            optional(id(), "p", Types.LongType.get()),
            optional(id(), "t", Types.TimestampType.withoutZone()),
            optional(id(), "k", Types.BinaryType.get()),
            optional(id(), "o", Types.LongType.get()));
    Map<MetadataField, String> columns = new LinkedHashMap<>();
    columns.put(MetadataField.PARTITION, "p");
    columns.put(MetadataField.TIMESTAMP, "t");
    columns.put(MetadataField.KEY, "k");
    columns.put(MetadataField.OFFSET, "o");
    RowParser parser =
        RowParser.create(schema, settings(Optional.empty(), Map.of(), FieldNameCase.NONE, columns));
    RowData row = parser.parse(record("{}", KEY));
    assertThat(((GenericRowData) row).getField(0)).isEqualTo((long) PARTITION);
    assertThat(row.getTimestamp(1, 6).toLocalDateTime())
        .isEqualTo(LocalDateTime.ofInstant(Instant.ofEpochMilli(RECORD_TIMESTAMP), ZoneOffset.UTC));
    assertThat(row.getBinary(2)).isEqualTo(KEY);
    assertThat(((GenericRowData) row).getField(3)).isEqualTo(OFFSET);

    Schema longTimestamp = new Schema(optional(id(), "ts_millis", Types.LongType.get()));
    RowParser millis =
        RowParser.create(
            longTimestamp,
            settings(
                Optional.empty(),
                Map.of(),
                FieldNameCase.NONE,
                Map.of(MetadataField.TIMESTAMP, "ts_millis")));
    assertThat(((GenericRowData) millis.parse(record("{}", KEY))).getField(0))
        .isEqualTo(RECORD_TIMESTAMP);
  }

  @Test
  void metadataColumnsWinOverJsonFieldsOfTheSameName() throws Exception {
    Schema schema =
        new Schema(
            optional(id(), "_kafka_topic", Types.StringType.get()),
            optional(id(), "_kafka_offset", Types.LongType.get()));
    RowParser parser =
        RowParser.create(
            schema,
            settings(
                Optional.empty(),
                Map.of(),
                FieldNameCase.NONE,
                Map.of(
                    MetadataField.TOPIC, "_kafka_topic", MetadataField.OFFSET, "_kafka_offset")));
    RowData row =
        parser.parse(
            record("{\"_kafka_topic\": \"forged\", \"_kafka_offset\": \"not a number\"}", KEY));
    assertThat(row.getString(0)).hasToString(TOPIC);
    assertThat(row.getLong(1)).isEqualTo(OFFSET);
  }

  @Test
  void aMissingKeyIsNullOrMissingRequired() throws Exception {
    Schema optionalKey = new Schema(optional(id(), "_kafka_key", Types.StringType.get()));
    Map<MetadataField, String> key = Map.of(MetadataField.KEY, "_kafka_key");
    RowParser parser =
        RowParser.create(
            optionalKey, settings(Optional.empty(), Map.of(), FieldNameCase.NONE, key));
    assertThat(parser.parse(record("{}", null)).isNullAt(0)).isTrue();

    Schema requiredKey = new Schema(required(id(), "_kafka_key", Types.BinaryType.get()));
    RowParser strict =
        RowParser.create(
            requiredKey, settings(Optional.empty(), Map.of(), FieldNameCase.NONE, key));
    assertThat(strict.parse(record("{}", new byte[] {1, 2})).getBinary(0)).containsExactly(1, 2);
    BadMessageException e =
        catchThrowableOfType(() -> strict.parse(record("{}", null)), BadMessageException.class);
    assertThat(e.reason()).isEqualTo(MISSING_REQUIRED);
    assertThat(e.path()).isEqualTo("_kafka_key");
  }

  @Test
  void aKeyThatIsNotUtf8CannotFillAStringColumn() throws Exception {
    Schema schema = new Schema(optional(id(), "_kafka_key", Types.StringType.get()));
    RowParser parser =
        RowParser.create(
            schema,
            settings(
                Optional.empty(),
                Map.of(),
                FieldNameCase.NONE,
                Map.of(MetadataField.KEY, "_kafka_key")));
    BadMessageException e =
        catchThrowableOfType(
            () -> parser.parse(record("{}", new byte[] {'k', (byte) 0xC0, (byte) 0x80})),
            BadMessageException.class);
    assertThat(e.reason()).isEqualTo(INVALID_UTF8);
    assertThat(parser.parse(record("{}", "cl\u00e9".getBytes(UTF_8))).getString(0))
        .hasToString("cl\u00e9");
  }

  @Test
  void metadataColumnsMayHaveAnyName() throws Exception {
    Schema schema = new Schema(optional(id(), "my_column", Types.LongType.get()));
    RowParser parser =
        RowParser.create(
            schema,
            settings(
                Optional.empty(),
                Map.of(),
                FieldNameCase.NONE,
                Map.of(MetadataField.OFFSET, "my_column")));
    assertThat(parser.parse(record("{\"my_column\": 1}", KEY)).getLong(0)).isEqualTo(OFFSET);
  }

  @Test
  void createRefusesAMissingMetadataColumn() {
    for (MetadataField field : MetadataField.values()) {
      Schema schema = new Schema(optional(id(), "id", Types.LongType.get()));
      assertThatThrownBy(
              () ->
                  RowParser.create(
                      schema,
                      settings(
                          Optional.empty(),
                          Map.of(),
                          FieldNameCase.NONE,
                          Map.of(field, field.defaultColumn()))))
          .as(field.name())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(field.defaultColumn());
    }
  }

  @Test
  void createRefusesAnIncompatibleMetadataColumn() {
    Map<MetadataField, List<Type>> incompatible = new LinkedHashMap<>();
    incompatible.put(
        MetadataField.TOPIC,
        List.of(Types.IntegerType.get(), Types.BinaryType.get(), Types.LongType.get()));
    incompatible.put(
        MetadataField.PARTITION,
        List.of(Types.StringType.get(), Types.DoubleType.get(), Types.DecimalType.of(9, 0)));
    incompatible.put(
        MetadataField.OFFSET,
        List.of(Types.IntegerType.get(), Types.StringType.get(), Types.TimestampType.withZone()));
    incompatible.put(
        MetadataField.TIMESTAMP,
        List.of(
            Types.DateType.get(),
            Types.StringType.get(),
            Types.IntegerType.get(),
            Types.TimestampNanoType.withZone()));
    incompatible.put(
        MetadataField.KEY,
        List.of(Types.IntegerType.get(), Types.UUIDType.get(), Types.FixedType.ofLength(5)));
    incompatible.put(
        MetadataField.HEADERS,
        List.of(
            Types.StringType.get(),
            Types.MapType.ofOptional(id(), id(), Types.IntegerType.get(), Types.StringType.get()),
            Types.MapType.ofOptional(id(), id(), Types.StringType.get(), Types.LongType.get())));
    for (Map.Entry<MetadataField, List<Type>> entry : incompatible.entrySet()) {
      for (Type type : entry.getValue()) {
        Schema schema = new Schema(optional(id(), "meta_col", type));
        assertThatThrownBy(
                () ->
                    RowParser.create(
                        schema,
                        settings(
                            Optional.empty(),
                            Map.of(),
                            FieldNameCase.NONE,
                            Map.of(entry.getKey(), "meta_col"))))
            .as(entry.getKey() + " into " + type)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("meta_col");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** One column of each type the loader serves. */
  private List<Type> everyType() {
    return List.of(
        Types.BooleanType.get(),
        Types.IntegerType.get(),
        Types.LongType.get(),
        Types.FloatType.get(),
        Types.DoubleType.get(),
        Types.DecimalType.of(9, 2),
        Types.DateType.get(),
        Types.TimeType.get(),
        Types.TimestampType.withoutZone(),
        Types.TimestampType.withZone(),
        Types.StringType.get(),
        Types.UUIDType.get(),
        Types.FixedType.ofLength(4),
        Types.BinaryType.get(),
        Types.StructType.of(optional(id(), "x", Types.IntegerType.get())),
        Types.ListType.ofOptional(id(), Types.IntegerType.get()),
        Types.MapType.ofOptional(id(), id(), Types.StringType.get(), Types.IntegerType.get()));
  }

  private static ParseSettings settings(
      Optional<String> unnest,
      Map<String, String> projections,
      FieldNameCase nameCase,
      Map<MetadataField, String> metadata) {
    return new ParseSettings(unnest, projections, nameCase, metadata, ONE_MIB);
  }

  private static ParseSettings defaults() {
    return settings(Optional.empty(), Map.of(), FieldNameCase.NONE, Map.of());
  }

  private static RowParser parser(Mode mode, Schema schema) {
    return parser(mode, schema, FieldNameCase.NONE);
  }

  private static RowParser parser(Mode mode, Schema schema, FieldNameCase nameCase) {
    Optional<String> unnest = mode == Mode.TREE ? Optional.of("/data") : Optional.empty();
    return RowParser.create(schema, settings(unnest, Map.of(), nameCase, Map.of()));
  }

  /** The row as the mode expects it: as is, or under /data beside an unrelated field. */
  private static String wrap(Mode mode, String rowJson) {
    return mode == Mode.TREE ? "{\"id\": \"envelope\", \"data\": " + rowJson + "}" : rowJson;
  }

  private static KafkaMessage message(String json) {
    return message(json.getBytes(UTF_8));
  }

  private static KafkaMessage message(byte[] value) {
    return new KafkaMessage(TOPIC, PARTITION, OFFSET, RECORD_TIMESTAMP, KEY, value, List.of());
  }

  private static RowData parse(Mode mode, Schema schema, String rowJson)
      throws BadMessageException {
    return parse(mode, schema, rowJson, FieldNameCase.NONE);
  }

  private static RowData parse(Mode mode, Schema schema, String rowJson, FieldNameCase nameCase)
      throws BadMessageException {
    return parser(mode, schema, nameCase).parse(message(wrap(mode, rowJson)));
  }

  private static BadMessageException refusal(Mode mode, Schema schema, String rowJson) {
    RowParser parser = parser(mode, schema);
    String json = wrap(mode, rowJson);
    BadMessageException e =
        catchThrowableOfType(() -> parser.parse(message(json)), BadMessageException.class);
    assertThat(e).as(mode + ": expected " + json + " to be refused").isNotNull();
    return e;
  }

  private static void assertRefusedAt(
      Mode mode, Schema schema, String rowJson, BadMessageException.Reason reason, String path) {
    BadMessageException e = refusal(mode, schema, rowJson);
    if (reason != null) {
      assertThat(e.reason()).as(mode + " " + rowJson + " (" + e + ")").isEqualTo(reason);
    }
    assertThat(e.path()).as(mode + " " + rowJson + " (" + e + ")").isEqualTo(path);
  }

  /** {@code json} as the value of column c of type {@code type}, in both modes. */
  private void assertValue(Type type, String json, Object expected) {
    Schema schema = new Schema(optional(id(), "c", type));
    for (Mode mode : Mode.values()) {
      RowData row;
      try {
        row = parse(mode, schema, "{\"c\": " + json + "}");
      } catch (BadMessageException e) {
        throw new AssertionError(mode + " " + type + " " + json + ": " + e, e);
      }
      assertThat(java(((GenericRowData) row).getField(0)))
          .as(mode + " " + type + " " + json)
          .isEqualTo(expected);
    }
  }

  private void assertRefused(Type type, String json, BadMessageException.Reason reason) {
    assertRefusedAt(type, json, reason, "c");
  }

  private void assertRefusedAt(
      Type type, String json, BadMessageException.Reason reason, String path) {
    Schema schema = new Schema(optional(id(), "c", type));
    for (Mode mode : Mode.values()) {
      assertRefusedAt(mode, schema, "{\"c\": " + json + "}", reason, path);
    }
  }

  private void assertRefusedQuickly(Type type, String json, BadMessageException.Reason... reasons) {
    Schema schema = new Schema(optional(id(), "c", type));
    for (Mode mode : Mode.values()) {
      RowParser parser = parser(mode, schema);
      String message = wrap(mode, "{\"c\": " + json + "}");
      Throwable thrown =
          assertTimeoutPreemptively(
              Duration.ofSeconds(2),
              () -> catchThrowable(() -> parser.parse(message(message))),
              mode + " " + type + " " + json);
      assertThat(thrown).as(mode + " " + type + " " + json).isInstanceOf(BadMessageException.class);
      BadMessageException e = (BadMessageException) thrown;
      assertThat(e.reason()).as(mode + " " + type + " " + json).isIn((Object[]) reasons);
      assertThat(e.path()).isEqualTo("c");
    }
  }

  /** Runs the check on every input and reports all that fail, not only the first. */
  private static void assertEach(List<String> inputs, java.util.function.Consumer<String> check) {
    List<String> failures = new ArrayList<>();
    for (String input : inputs) {
      try {
        check.accept(input);
      } catch (AssertionError e) {
        failures.add(input + " -> " + e.getMessage().strip().replaceAll("\\s+", " "));
      }
    }
    assertThat(failures).as("inputs that break the contract").isEmpty();
  }

  /** For rows where the contract says "refused" without naming the reason. */
  private void assertRefusedAsOneOf(Type type, String json, BadMessageException.Reason... reasons) {
    Schema schema = new Schema(optional(id(), "c", type));
    for (Mode mode : Mode.values()) {
      BadMessageException e = refusal(mode, schema, "{\"c\": " + json + "}");
      assertThat(e.reason()).as(mode + " " + type + " " + json).isIn((Object[]) reasons);
      assertThat(e.path()).isEqualTo("c");
    }
  }

  /** Flink's internal data as plain Java values, comparable with equals. */
  private static Object java(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof StringData) {
      return value.toString();
    }
    if (value instanceof DecimalData) {
      return ((DecimalData) value).toBigDecimal();
    }
    if (value instanceof TimestampData) {
      return ((TimestampData) value).toInstant();
    }
    if (value instanceof byte[]) {
      return HexFormat.of().formatHex((byte[]) value);
    }
    if (value instanceof ArrayData) {
      Object[] elements = ((GenericArrayData) value).toObjectArray();
      List<Object> list = new ArrayList<>();
      for (Object element : elements) {
        list.add(java(element));
      }
      return list;
    }
    if (value instanceof GenericMapData) {
      GenericMapData map = (GenericMapData) value;
      List<?> keys = (List<?>) java(map.keyArray());
      List<?> values = (List<?>) java(map.valueArray());
      Map<Object, Object> result = new LinkedHashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        result.put(keys.get(i), values.get(i));
      }
      return result;
    }
    if (value instanceof RowData) {
      return rowValues((RowData) value);
    }
    return value;
  }

  private static List<Object> rowValues(RowData row) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < row.getArity(); i++) {
      values.add(java(((GenericRowData) row).getField(i)));
    }
    return values;
  }

  private static Map<Object, Object> orderedMap(Object... keysAndValues) {
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Bytes as {@link #java} shows them: lower-case hex. */
  private static String hex(String hex) {
    return hex;
  }

  private static Instant wall(LocalDateTime utcWallTime) {
    return utcWallTime.toInstant(ZoneOffset.UTC);
  }

  private static int millisOfDay(LocalTime time) {
    return (int) (time.toNanoOfDay() / 1_000_000);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
