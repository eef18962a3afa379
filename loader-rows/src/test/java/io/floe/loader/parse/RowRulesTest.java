package io.floe.loader.parse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.floe.loader.settings.ColumnRule;
import io.floe.loader.settings.ColumnRule.Kind;
import io.floe.loader.settings.FieldNameCase;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.source.KafkaMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Each kind of data-quality rule on the parser: what passes, what is a RULE_VIOLATION and why. */
class RowRulesTest {
  private static final Schema SCHEMA =
      new Schema(
          optional(1, "id", Types.LongType.get()),
          optional(2, "price", Types.DecimalType.of(9, 2)),
          optional(3, "quantity", Types.IntegerType.get()),
          optional(4, "ratio", Types.DoubleType.get()),
          optional(5, "country", Types.StringType.get()),
          optional(6, "code", Types.StringType.get()),
          optional(7, "at", Types.TimestampType.withZone()));

  private static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");

  @Test
  void notNull() throws Exception {
    RowParser parser = parser(rule(0, "country", Kind.NOT_NULL, "true"));

    parser.parse(message("{\"country\": \"DE\"}"));
    assertViolation(parser, "{\"id\": 1}", "country", "rules[0].notNull true: the value is null");
    assertViolation(
        parser, "{\"country\": null}", "country", "rules[0].notNull true: the value is null");
  }

  @Test
  void minAndMaxOfNumbers() throws Exception {
    RowParser parser =
        parser(
            rule(0, "price", Kind.MIN, "0"),
            rule(0, "price", Kind.MAX, "99.99"),
            rule(1, "quantity", Kind.MIN, "0.5"),
            rule(2, "ratio", Kind.MAX, "1"),
            rule(3, "id", Kind.MIN, "1"));

    parser.parse(message("{\"id\": 1, \"price\": 0, \"quantity\": 1, \"ratio\": 1.0}"));
    parser.parse(message("{\"price\": 99.99}"));
    parser.parse(message("{}"));
    assertViolation(parser, "{\"price\": -0.01}", "price", "rules[0].min 0: -0.01 is below 0");
    assertViolation(
        parser, "{\"price\": 100.00}", "price", "rules[0].max 99.99: 100.00 is above 99.99");
    assertViolation(parser, "{\"quantity\": 0}", "quantity", "rules[1].min 0.5: 0 is below 0.5");
    assertViolation(parser, "{\"ratio\": 1.0001}", "ratio", "rules[2].max 1: 1.0001 is above 1");
    assertViolation(parser, "{\"id\": 0}", "id", "rules[3].min 1: 0 is below 1");
  }

  @Test
  void notBeforeAndNotAfterOfTimestamps() throws Exception {
    RowParser parser =
        parser(
            rule(0, "at", Kind.NOT_BEFORE, "2026-01-01T00:00:00Z"),
            rule(0, "at", Kind.NOT_AFTER, "2026-12-31T23:59:59.999Z"));

    parser.parse(message("{\"at\": \"2026-01-01T00:00:00Z\"}"));
    parser.parse(message("{\"at\": \"2026-12-31T23:59:59.999Z\"}"));
    assertViolation(
        parser, "{\"at\": \"2025-12-31T23:59:59.999999Z\"}", "at", "rules[0].notBefore");
    assertViolation(parser, "{\"at\": \"2026-12-31T23:59:59.999001Z\"}", "at", "rules[0].notAfter");
  }

  @Test
  void freshnessIsMeasuredFromTheClock() throws Exception {
    RowParser parser =
        parser(rule(0, "at", Kind.MAX_AGE, "7d"), rule(0, "at", Kind.MAX_AHEAD, "PT1H"));

    parser.parse(message("{\"at\": \"2026-01-03T12:00:00Z\"}"));
    parser.parse(message("{\"at\": \"2026-01-10T13:00:00Z\"}"));
    assertViolation(
        parser,
        "{\"at\": \"2026-01-03T11:59:59Z\"}",
        "at",
        "rules[0].freshness.maxAge 7d: 2026-01-03T11:59:59 is older than 7d");
    assertViolation(
        parser,
        "{\"at\": \"2026-01-10T13:00:01Z\"}",
        "at",
        "rules[0].freshness.maxAhead PT1H: 2026-01-10T13:00:01 is more than PT1H ahead");
  }

  @Test
  void stringLengthsCountCharacters() throws Exception {
    RowParser parser =
        parser(rule(0, "code", Kind.MIN_LENGTH, "2"), rule(0, "code", Kind.MAX_LENGTH, "3"));

    parser.parse(message("{\"code\": \"ab\"}"));
    parser.parse(message("{\"code\": \"äöü\"}"));
    assertViolation(
        parser, "{\"code\": \"a\"}", "code", "rules[0].minLength 2: the value has 1 characters");
    assertViolation(
        parser, "{\"code\": \"abcd\"}", "code", "rules[0].maxLength 3: the value has 4 characters");
  }

  @Test
  void patternMustMatchTheWholeValue() throws Exception {
    RowParser parser = parser(rule(0, "code", Kind.PATTERN, "[A-Z]{2}-\\d+"));

    parser.parse(message("{\"code\": \"AB-12\"}"));
    assertViolation(
        parser,
        "{\"code\": \"xAB-12\"}",
        "code",
        "rules[0].pattern [A-Z]{2}-\\d+: 'xAB-12' does not match");
  }

  @Test
  void allowedValues() throws Exception {
    RowParser parser =
        parser(
            rule(0, "country", Kind.ALLOWED_VALUES, ColumnRule.encodeValues(List.of("DE", "FR"))));

    parser.parse(message("{\"country\": \"DE\"}"));
    parser.parse(message("{\"country\": \"FR\"}"));
    assertViolation(
        parser,
        "{\"country\": \"IT\"}",
        "country",
        "rules[0].allowedValues DE,FR: 'IT' is not allowed");
  }

  @Test
  void theFirstBrokenRuleIsReported() {
    RowParser parser =
        parser(rule(0, "price", Kind.MIN, "0"), rule(1, "country", Kind.NOT_NULL, "true"));

    assertViolation(parser, "{\"price\": -1}", "price", "rules[0].min");
  }

  @Test
  void aRuleThatDoesNotFitTheTableIsRefusedAtStart() {
    assertThatThrownBy(() -> parser(rule(0, "country", Kind.MIN, "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rules[0].min 0: column country is a string; min applies to numbers");
    assertThatThrownBy(() -> parser(rule(0, "missing", Kind.NOT_NULL, "true")))
        .hasMessageContaining("the table has no top-level column missing");
    assertThatThrownBy(() -> parser(rule(0, "price", Kind.PATTERN, "\\d+")))
        .hasMessageContaining("pattern applies to string columns");
    assertThatThrownBy(() -> parser(rule(0, "code", Kind.MAX_AGE, "1d")))
        .hasMessageContaining("freshness.maxAge applies to timestamp");
    assertThatThrownBy(() -> parser(rule(0, "code", Kind.PATTERN, "[A-Z")))
        .hasMessageContaining("rules[0].pattern [A-Z: '[A-Z' is not a valid regular expression");
  }

  private static ColumnRule rule(int index, String column, Kind kind, String argument) {
    return ColumnRule.of(index, column, kind, argument);
  }

  private static RowParser parser(ColumnRule... rules) {
    return RowParser.create(
        SCHEMA,
        new ParseSettings(
            Optional.empty(), Map.of(), FieldNameCase.NONE, Map.of(), 1 << 20, List.of(rules)),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static KafkaMessage message(String json) {
    return new KafkaMessage("events", 0, 0, 0, null, json.getBytes(UTF_8), List.of());
  }

  private static void assertViolation(
      RowParser parser, String json, String column, String messageStart) {
    BadMessageException e =
        catchThrowableOfType(() -> parser.parse(message(json)), BadMessageException.class);
    assertThat(e).as(json).isNotNull();
    assertThat(e.reason()).isEqualTo(BadMessageException.Reason.RULE_VIOLATION);
    assertThat(e.path()).isEqualTo(column);
    assertThat(e.getMessage()).startsWith(messageStart);
  }
}
