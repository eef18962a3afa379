package io.floe.loader.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class SampleMessagesTest {
  /** A copy of shared/samples/sample-message.json. */
  private static final String SHARED_SAMPLE =
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

  private static final Pattern TIMESTAMP =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}-07:00");
  private static final Instant AT = Instant.parse("2025-03-04T05:06:07.123456789Z");

  private final ObjectMapper mapper =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @Test
  void sampleHasTheShapeOfTheSharedSample() throws Exception {
    JsonNode shared = mapper.readTree(SHARED_SAMPLE);
    for (long id : new long[] {0, 1, 2, 3, 42, 1_000_001, -5}) {
      JsonNode sample = mapper.readTree(SampleMessages.sample(id, AT));
      assertSameShape("", shared, sample);
      assertThat(sample.get("id").longValue()).isEqualTo(id);
    }
  }

  @Test
  void sampleValuesDeriveFromTheId() throws Exception {
    JsonNode sample = mapper.readTree(SampleMessages.sample(7, AT));
    assertThat(sample.get("bool").booleanValue()).isFalse();
    assertThat(sample.get("integer").longValue()).isEqualTo(49);
    assertThat(sample.get("string").textValue()).isEqualTo("value-7");
    assertThat(sample.get("floating").doubleValue()).isEqualTo(0.07);
    assertThat(sample.get("nested").get("value").longValue()).isEqualTo(7);
    assertThat(SampleMessages.sample(7, AT)).isEqualTo(SampleMessages.sample(7, AT));
    assertThat(SampleMessages.sample(7, AT)).isNotEqualTo(SampleMessages.sample(8, AT));
    assertThat(mapper.readTree(SampleMessages.sample(8, AT)).get("bool").booleanValue()).isTrue();
  }

  @Test
  void timestampsAreRenderedAtMinusSevenHoursWithMicroseconds() throws Exception {
    Map<Instant, String> expected =
        Map.of(
            Instant.parse("2022-07-26T07:41:48.046773Z"), "2022-07-26T00:41:48.046773-07:00",
            Instant.parse("2025-03-04T05:06:07.123456789Z"), "2025-03-03T22:06:07.123456-07:00",
            Instant.parse("2024-01-01T00:00:00Z"), "2023-12-31T17:00:00.000000-07:00",
            Instant.parse("2024-02-29T07:00:00.000001Z"), "2024-02-29T00:00:00.000001-07:00",
            Instant.parse("1969-12-31T23:59:59.999999Z"), "1969-12-31T16:59:59.999999-07:00");
    for (Map.Entry<Instant, String> each : expected.entrySet()) {
      String rendered =
          mapper.readTree(SampleMessages.sample(1, each.getKey())).get("timestamp").textValue();
      assertThat(rendered).matches(TIMESTAMP).isEqualTo(each.getValue());
      assertThat(OffsetDateTime.parse(rendered).toInstant())
          .isEqualTo(each.getKey().truncatedTo(ChronoUnit.MICROS));
    }
  }

  @Test
  void wideHasFiftyFieldsAllInTheWideSchema() throws Exception {
    Schema schema = SampleMessages.wideSchema();
    JsonNode wide = mapper.readTree(SampleMessages.wide(123_456, AT));

    List<String> names = new ArrayList<>();
    wide.fieldNames().forEachRemaining(names::add);
    assertThat(names).hasSizeGreaterThanOrEqualTo(50).doesNotHaveDuplicates();
    assertThat(names).hasSize(SampleMessages.WIDE_COLUMNS);
    assertThat(names.subList(0, 9))
        .containsExactly(
            "id",
            "c01_long",
            "c02_double",
            "c03_string",
            "c04_bool",
            "c05_int",
            "c06_decimal",
            "c07_date",
            "c08_ts");
    assertThat(schema.columns())
        .extracting(Types.NestedField::name)
        .containsExactlyElementsOf(names);
    assertThat(wide.get("id").longValue()).isEqualTo(123_456);
    assertThat(SampleMessages.wide(5, AT)).isEqualTo(SampleMessages.wide(5, AT));
  }

  @Test
  void wideValuesMatchTheirColumnTypes() throws Exception {
    Schema schema = SampleMessages.wideSchema();
    String text = new String(SampleMessages.wide(98_765, AT), UTF_8);
    JsonNode wide = mapper.readTree(text);
    for (Types.NestedField column : schema.columns()) {
      JsonNode value = wide.get(column.name());
      Type type = column.type();
      switch (type.typeId()) {
        case LONG -> assertThat(value.isIntegralNumber()).as(column.name()).isTrue();
        case INTEGER -> assertThat(value.isInt()).as(column.name()).isTrue();
        case DOUBLE -> assertThat(value.isNumber()).as(column.name()).isTrue();
        case BOOLEAN -> assertThat(value.isBoolean()).as(column.name()).isTrue();
        case STRING -> assertThat(value.isTextual()).as(column.name()).isTrue();
        case DECIMAL -> {
          assertThat(type).isEqualTo(Types.DecimalType.of(18, 4));
          assertThat(value.isBigDecimal()).as(column.name()).isTrue();
          assertThat(value.decimalValue().scale()).as(column.name()).isEqualTo(4);
          assertThat(value.decimalValue().precision()).as(column.name()).isLessThanOrEqualTo(18);
        }
        case DATE -> assertThat(LocalDate.parse(value.textValue())).isNotNull();
        case TIMESTAMP -> {
          assertThat(type).isEqualTo(Types.TimestampType.withZone());
          assertThat(value.textValue()).matches(TIMESTAMP);
        }
        default -> throw new AssertionError("Unexpected type " + type + " of " + column.name());
      }
    }
    assertThat(schema.columns())
        .extracting(column -> column.type().typeId())
        .contains(
            Type.TypeID.DECIMAL, Type.TypeID.DATE, Type.TypeID.TIMESTAMP, Type.TypeID.INTEGER);
    assertThat(schema.findField("id").isRequired()).isTrue();
    assertThat(text).contains("\"c06_decimal\":98765.");
  }

  @Test
  void malformedKindZeroIsBrokenJson() {
    byte[] message = SampleMessages.malformed(17, 0);
    assertThat(new String(message, UTF_8)).contains("17");
    assertThatThrownBy(() -> mapper.readTree(message)).isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void malformedKindOneHasAStringWhereTheIntegerBelongs() throws Exception {
    JsonNode message = mapper.readTree(SampleMessages.malformed(17, 1));
    assertThat(message.get("id").longValue()).isEqualTo(17);
    assertThat(message.get("integer").isTextual()).isTrue();
    assertThat(message.get("integer").textValue()).isEqualTo("not a number");
    assertSameFieldNames(message, mapper.readTree(SHARED_SAMPLE));
  }

  @Test
  void malformedKindTwoLacksTheRequiredId() throws Exception {
    JsonNode message = mapper.readTree(SampleMessages.malformed(17, 2));
    assertThat(message.has("id")).isFalse();
    assertThat(message.get("lost_id").longValue()).isEqualTo(17);
    assertThat(message.get("integer").isIntegralNumber()).isTrue();
  }

  @Test
  void malformedKindThreeHasInvalidUtf8InAString() {
    byte[] message = SampleMessages.malformed(17, 3);
    assertThatThrownBy(
            () ->
                UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message)))
        .isInstanceOf(CharacterCodingException.class);
    assertThatThrownBy(() -> mapper.readTree(message))
        .isInstanceOf(JsonProcessingException.class)
        .hasMessageContaining("UTF-8");
    assertThat(new String(message, UTF_8))
        .startsWith("{\"id\":17,")
        .contains("\"string\":\"value-17");
  }

  @Test
  void malformedKindFourIsAnArray() throws Exception {
    JsonNode message = mapper.readTree(SampleMessages.malformed(17, 4));
    assertThat(message.isArray()).isTrue();
    assertThat(message.get(0).get("id").longValue()).isEqualTo(17);
  }

  @Test
  void thereAreFiveMalformedKindsAndNoMore() {
    assertThat(SampleMessages.MALFORMED_KINDS).isEqualTo(5);
    for (int kind = 0; kind < SampleMessages.MALFORMED_KINDS; kind++) {
      assertThat(SampleMessages.malformed(3, kind)).isNotEmpty();
    }
    assertThatThrownBy(() -> SampleMessages.malformed(3, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SampleMessages.malformed(3, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sampleSchemaHasTheTwelveColumnsOfTheSampleTable() {
    Schema schema = SampleMessages.sampleSchema();
    assertThat(schema.columns())
        .extracting(Types.NestedField::name)
        .containsExactly(
            "id",
            "bool",
            "floating",
            "integer",
            "string",
            "bools",
            "floatings",
            "integers",
            "strings",
            "string_map",
            "nested",
            "timestamp");
    assertThat(schema.findField("id").isRequired()).isTrue();
    assertThat(schema.columns().subList(1, 12)).allMatch(Types.NestedField::isOptional);
    assertThat(schema.findType("id")).isEqualTo(Types.LongType.get());
    assertThat(schema.findType("bool")).isEqualTo(Types.BooleanType.get());
    assertThat(schema.findType("floating")).isEqualTo(Types.DoubleType.get());
    assertThat(schema.findType("integer")).isEqualTo(Types.LongType.get());
    assertThat(schema.findType("string")).isEqualTo(Types.StringType.get());
    assertList(schema, "bools", Types.BooleanType.get());
    assertList(schema, "floatings", Types.DoubleType.get());
    assertList(schema, "integers", Types.LongType.get());
    assertList(schema, "strings", Types.StringType.get());
    Types.MapType map = schema.findType("string_map").asMapType();
    assertThat(map.keyType()).isEqualTo(Types.StringType.get());
    assertThat(map.valueType()).isEqualTo(Types.StringType.get());
    assertThat(map.isValueOptional()).isTrue();
    Types.StructType nested = schema.findType("nested").asStructType();
    assertThat(nested.fields()).extracting(Types.NestedField::name).containsExactly("key", "value");
    assertThat(nested.field("key").type()).isEqualTo(Types.StringType.get());
    assertThat(nested.field("value").type()).isEqualTo(Types.LongType.get());
    assertThat(nested.fields()).allMatch(Types.NestedField::isOptional);
    assertThat(schema.findType("timestamp")).isEqualTo(Types.TimestampType.withZone());

    // 12 columns, 4 list elements, a map key and value, 2 struct fields: all ids distinct.
    assertThat(TypeUtil.indexById(schema.asStruct())).hasSize(20);
    assertThat(schema.highestFieldId()).isEqualTo(20);
  }

  @Test
  void sampleSpecIsDayOfTimestamp() {
    Schema schema = SampleMessages.sampleSchema();
    PartitionSpec spec = SampleMessages.sampleSpec(schema);
    assertThat(spec.fields()).hasSize(1);
    assertThat(spec.fields().get(0).transform().toString()).isEqualTo("day");
    assertThat(schema.findColumnName(spec.fields().get(0).sourceId())).isEqualTo("timestamp");
    assertThat(SamplePayload.WIDE.spec(SampleMessages.wideSchema()).isUnpartitioned()).isTrue();
  }

  @Test
  void wideSchemaIdsAreUnique() {
    Schema schema = SampleMessages.wideSchema();
    Set<Integer> ids =
        schema.columns().stream().map(Types.NestedField::fieldId).collect(Collectors.toSet());
    assertThat(ids).hasSize(SampleMessages.WIDE_COLUMNS);
  }

  @Test
  void payloadsAreNamedOnTheCommandLine() {
    assertThat(SamplePayload.fromCliName("sample")).isEqualTo(SamplePayload.SAMPLE);
    assertThat(SamplePayload.fromCliName("wide")).isEqualTo(SamplePayload.WIDE);
    assertThatThrownBy(() -> SamplePayload.fromCliName("narrow"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("narrow");
  }

  private static void assertList(Schema schema, String name, Type elementType) {
    Types.ListType list = schema.findType(name).asListType();
    assertThat(list.elementType()).as(name).isEqualTo(elementType);
    assertThat(list.isElementOptional()).as(name).isTrue();
  }

  /** Same field names in the same order, same node types, same array lengths, recursively. */
  private static void assertSameShape(String path, JsonNode expected, JsonNode actual) {
    assertThat(actual.getNodeType()).as(path).isEqualTo(expected.getNodeType());
    assertThat(actual.isIntegralNumber()).as(path).isEqualTo(expected.isIntegralNumber());
    if (expected.isObject()) {
      assertSameFieldNames(expected, actual);
      Iterator<String> names = expected.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        assertSameShape(path + "/" + name, expected.get(name), actual.get(name));
      }
    } else if (expected.isArray()) {
      assertThat(actual.size()).as(path).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertSameShape(path + "/" + i, expected.get(i), actual.get(i));
      }
    } else if (expected.isTextual() && TIMESTAMP.matcher(expected.textValue()).matches()) {
      assertThat(actual.textValue()).as(path).matches(TIMESTAMP);
    }
  }

  private static void assertSameFieldNames(JsonNode expected, JsonNode actual) {
    List<String> expectedNames = new ArrayList<>();
    expected.fieldNames().forEachRemaining(expectedNames::add);
    List<String> actualNames = new ArrayList<>();
    actual.fieldNames().forEachRemaining(actualNames::add);
    assertThat(new TreeSet<>(actualNames)).isEqualTo(new TreeSet<>(expectedNames));
    assertThat(actualNames).containsExactlyElementsOf(expectedNames);
  }
}
