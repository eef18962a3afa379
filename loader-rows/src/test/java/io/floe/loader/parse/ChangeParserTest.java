package io.floe.loader.parse;

import static io.floe.loader.parse.BadMessageException.Reason.BAD_ENVELOPE;
import static io.floe.loader.parse.BadMessageException.Reason.MALFORMED_JSON;
import static io.floe.loader.parse.BadMessageException.Reason.MALFORMED_KEY;
import static io.floe.loader.parse.BadMessageException.Reason.MISSING_KEY;
import static io.floe.loader.parse.BadMessageException.Reason.NOT_AN_OBJECT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.floe.loader.settings.Envelope;
import io.floe.loader.settings.FieldNameCase;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.settings.WriteSettings;
import io.floe.loader.source.KafkaMessage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class ChangeParserTest {
  private static final Schema ACCOUNTS =
      new Schema(
          List.of(
              required(1, "id", Types.LongType.get()),
              optional(2, "name", Types.StringType.get()),
              optional(3, "changed_at", Types.TimestampType.withZone())),
          java.util.Set.of(1));
  private static final Schema BY_TENANT =
      new Schema(
          List.of(
              required(1, "tenant", Types.StringType.get()),
              required(2, "id", Types.LongType.get()),
              optional(3, "name", Types.StringType.get())),
          java.util.Set.of(1, 2));
  private static final ParseSettings PLAIN =
      new ParseSettings(Optional.empty(), Map.of(), FieldNameCase.NONE, Map.of(), 1024);
  private static final WriteSettings UPSERT =
      WriteSettings.upsert(Optional.empty(), Optional.empty(), List.of(), true);

  private static KafkaMessage message(String key, String value) {
    return new KafkaMessage(
        "accounts",
        0,
        7,
        1_700_000_000_000L,
        key == null ? null : key.getBytes(UTF_8),
        value == null ? null : value.getBytes(UTF_8),
        List.of());
  }

  private static ChangeParser accounts(WriteSettings writing) {
    return ChangeParser.create(ACCOUNTS, List.of("id"), PLAIN, writing);
  }

  private static ChangeParser debezium(Optional<String> timestampColumn) {
    return ChangeParser.create(
        ACCOUNTS, List.of("id"), PLAIN.withEnvelope(Envelope.DEBEZIUM, timestampColumn), UPSERT);
  }

  private static BadMessageException refused(ChangeParser parser, KafkaMessage message) {
    return catchThrowableOfType(BadMessageException.class, () -> parser.parse(message));
  }

  private static void assertDeletes(Change change, long id) {
    assertThat(change.kind()).isEqualTo(Change.Kind.DELETE);
    RowData row = change.row();
    assertThat(row.getRowKind()).isEqualTo(RowKind.DELETE);
    assertThat(row.getArity()).isEqualTo(3);
    assertThat(row.getLong(0)).isEqualTo(id);
    assertThat(row.isNullAt(1)).isTrue();
    assertThat(row.isNullAt(2)).isTrue();
  }

  @Test
  void aRowUpsertsItsKey() throws Exception {
    Change change = accounts(UPSERT).parse(message("1", "{\"id\": 1, \"name\": \"Ada\"}"));

    assertThat(change.kind()).isEqualTo(Change.Kind.UPSERT);
    assertThat(change.row().getRowKind()).isEqualTo(RowKind.INSERT);
    assertThat(change.row().getLong(0)).isEqualTo(1L);
    assertThat(change.row().getString(1)).isEqualTo(StringData.fromString("Ada"));
  }

  @Test
  void aRowWithoutItsKeyIsMissingKey() {
    BadMessageException e = refused(accounts(UPSERT), message(null, "{\"name\": \"Ada\"}"));
    assertThat(e.reason()).isEqualTo(MISSING_KEY);
    assertThat(e.path()).isEqualTo("id");
    assertThat(refused(accounts(UPSERT), message(null, "{\"id\": null}")).reason())
        .isEqualTo(MISSING_KEY);
  }

  @Test
  void aMarkerFieldDeletes() throws Exception {
    ChangeParser byOp =
        accounts(
            WriteSettings.upsert(Optional.empty(), Optional.of(List.of("op")), List.of("d"), true));
    assertDeletes(byOp.parse(message(null, "{\"op\": \"d\", \"id\": 5}")), 5);
    assertThat(byOp.parse(message(null, "{\"op\": \"u\", \"id\": 5}")).kind())
        .isEqualTo(Change.Kind.UPSERT);
    assertThat(byOp.parse(message(null, "{\"op\": null, \"id\": 5}")).kind())
        .isEqualTo(Change.Kind.UPSERT);
    assertThat(refused(byOp, message(null, "{\"op\": \"d\"}")).reason()).isEqualTo(MISSING_KEY);
    assertThat(refused(byOp, message(null, "{\"op\": \"d\", \"id\": \"x\"}")).reason())
        .isEqualTo(BadMessageException.Reason.WRONG_TYPE);
    assertThat(refused(byOp, message(null, "{\"op\": \"d\", \"id\": ")).reason())
        .isEqualTo(MALFORMED_JSON);

    ChangeParser nested =
        accounts(
            WriteSettings.upsert(
                Optional.empty(),
                Optional.of(List.of("meta", "__deleted")),
                List.of("true"),
                true));
    assertDeletes(nested.parse(message(null, "{\"id\": 6, \"meta\": {\"__deleted\": true}}")), 6);
    assertDeletes(
        nested.parse(message(null, "{\"id\": 6, \"meta\": {\"__deleted\": \"true\"}}")), 6);
    assertThat(nested.parse(message(null, "{\"id\": 6, \"meta\": {\"__deleted\": false}}")).kind())
        .isEqualTo(Change.Kind.UPSERT);
  }

  @Test
  void aMarkerDeleteReadsTheKeyUnderTheUnnestPointer() throws Exception {
    ParseSettings unnested =
        new ParseSettings(Optional.of("/data"), Map.of(), FieldNameCase.NONE, Map.of(), 1024);
    ChangeParser parser =
        ChangeParser.create(
            ACCOUNTS,
            List.of("id"),
            unnested,
            WriteSettings.upsert(
                Optional.empty(), Optional.of(List.of("type")), List.of("deleted"), true));

    assertDeletes(parser.parse(message(null, "{\"type\": \"deleted\", \"data\": {\"id\": 8}}")), 8);
  }

  @Test
  void aTombstoneDeletesTheKeyOfItsRecordKey() throws Exception {
    assertDeletes(accounts(UPSERT).parse(message("{\"id\": 7}", null)), 7);
    assertDeletes(accounts(UPSERT).parse(message("7", null)), 7);
    assertDeletes(accounts(UPSERT).parse(message(" 7 ", null)), 7);

    Schema byEmail =
        new Schema(List.of(required(1, "email", Types.StringType.get())), java.util.Set.of(1));
    Change plainText =
        ChangeParser.create(byEmail, List.of("email"), PLAIN, UPSERT)
            .parse(message("ada@example.com", null));
    assertThat(plainText.row().getString(0)).isEqualTo(StringData.fromString("ada@example.com"));
    Change quoted =
        ChangeParser.create(byEmail, List.of("email"), PLAIN, UPSERT)
            .parse(message("\"ada@example.com\"", null));
    assertThat(quoted.row().getString(0)).isEqualTo(StringData.fromString("ada@example.com"));

    Change compound =
        ChangeParser.create(BY_TENANT, List.of("tenant", "id"), PLAIN, UPSERT)
            .parse(message("{\"id\": 3, \"tenant\": \"acme\", \"ignored\": 1}", null));
    assertThat(compound.kind()).isEqualTo(Change.Kind.DELETE);
    assertThat(compound.row().getString(0)).isEqualTo(StringData.fromString("acme"));
    assertThat(compound.row().getLong(1)).isEqualTo(3L);
    assertThat(compound.row().isNullAt(2)).isTrue();
  }

  @Test
  void aTombstoneWithoutAUsableKeyIsABadMessage() {
    ChangeParser parser = accounts(UPSERT);
    assertThat(refused(parser, message(null, null)).reason()).isEqualTo(MISSING_KEY);
    assertThat(refused(parser, message("", null)).reason()).isEqualTo(MISSING_KEY);
    assertThat(refused(parser, message("null", null)).reason()).isEqualTo(MISSING_KEY);
    assertThat(refused(parser, message("{\"other\": 1}", null)).reason()).isEqualTo(MISSING_KEY);
    assertThat(refused(parser, message("{\"id\": null}", null)).reason()).isEqualTo(MISSING_KEY);
    BadMessageException wrongType = refused(parser, message("{\"id\": \"seven\"}", null));
    assertThat(wrongType.reason()).isEqualTo(MALFORMED_KEY);
    assertThat(wrongType.path()).isEqualTo("id");
    assertThat(wrongType.getMessage()).startsWith("the tombstone's record key: ");
    assertThat(refused(parser, message("seven", null)).reason()).isEqualTo(MALFORMED_KEY);
    assertThat(refused(parser, message("[7]", null)).reason()).isEqualTo(MALFORMED_KEY);
    assertThat(refused(parser, message("7 8", null)).reason()).isEqualTo(MALFORMED_KEY);
    BadMessageException scalarForTwo =
        refused(
            ChangeParser.create(BY_TENANT, List.of("tenant", "id"), PLAIN, UPSERT),
            message("3", null));
    assertThat(scalarForTwo.reason()).isEqualTo(MALFORMED_KEY);
    assertThat(scalarForTwo.getMessage()).contains("the key has the columns tenant, id");
  }

  @Test
  void tombstonesAreBadMessagesWhenTheyDoNotDelete() {
    ChangeParser parser =
        accounts(WriteSettings.upsert(Optional.empty(), Optional.empty(), List.of(), false));
    assertThat(refused(parser, message("7", null)).reason()).isEqualTo(NOT_AN_OBJECT);
  }

  @Test
  void aDebeziumEventUpsertsItsAfterRowWithTheSourceTimestamp() throws Exception {
    String event =
        "{\"before\": null, \"after\": {\"id\": 9, \"name\": \"Grace\"},"
            + " \"source\": {\"ts_ms\": 1700000000123, \"db\": \"crm\"}, \"op\": \"c\","
            + " \"ts_ms\": 1700000000456}";
    Change change = debezium(Optional.of("changed_at")).parse(message("{\"id\": 9}", event));

    assertThat(change.kind()).isEqualTo(Change.Kind.UPSERT);
    assertThat(change.row().getLong(0)).isEqualTo(9L);
    assertThat(change.row().getString(1)).isEqualTo(StringData.fromString("Grace"));
    assertThat(change.row().getTimestamp(2, 6))
        .isEqualTo(TimestampData.fromEpochMillis(1_700_000_000_123L));
    for (String op : List.of("r", "u")) {
      assertThat(
              debezium(Optional.empty())
                  .parse(message(null, event.replace("\"c\"", "\"" + op + "\"")))
                  .kind())
          .isEqualTo(Change.Kind.UPSERT);
    }
  }

  @Test
  void aDebeziumDeleteReadsTheKeyFromBefore() throws Exception {
    String event =
        "{\"before\": {\"id\": 9, \"name\": null}, \"after\": null, \"source\": {\"ts_ms\": 1},"
            + " \"op\": \"d\"}";
    assertDeletes(debezium(Optional.of("changed_at")).parse(message(null, event)), 9);
  }

  @Test
  void aDebeziumEventThatSaysNothingIsABadEnvelope() {
    ChangeParser parser = debezium(Optional.empty());
    BadMessageException noAfter =
        refused(parser, message(null, "{\"before\": {\"id\": 1}, \"after\": null, \"op\": \"u\"}"));
    assertThat(noAfter.reason()).isEqualTo(BAD_ENVELOPE);
    assertThat(noAfter.getMessage()).isEqualTo("the change event (op u) has no after row");
    assertThat(refused(parser, message(null, "{\"after\": {\"id\": 1}}")).reason())
        .isEqualTo(BAD_ENVELOPE);
    BadMessageException truncate = refused(parser, message(null, "{\"op\": \"t\"}"));
    assertThat(truncate.reason()).isEqualTo(BAD_ENVELOPE);
    assertThat(truncate.getMessage()).contains("'t' is none of c, r, u and d");
    assertThat(refused(parser, message(null, "{\"op\": \"d\", \"before\": null}")).reason())
        .isEqualTo(BAD_ENVELOPE);
    assertThat(
            refused(parser, message(null, "{\"op\": \"d\", \"before\": {\"name\": \"x\"}}"))
                .reason())
        .isEqualTo(MISSING_KEY);
    assertThat(
            refused(parser, message(null, "{\"op\": \"c\", \"after\": {\"name\": \"x\"}}"))
                .reason())
        .isEqualTo(MISSING_KEY);
    assertThat(refused(parser, message(null, "{\"op\": ")).reason()).isEqualTo(MALFORMED_JSON);
  }

  @Test
  void refusesKeysAndColumnsTheTableLacks() {
    assertThatThrownBy(() -> ChangeParser.create(ACCOUNTS, List.of("account"), PLAIN, UPSERT))
        .hasMessageContaining("key column account is not a top-level column of the table");
    assertThatThrownBy(() -> ChangeParser.create(ACCOUNTS, List.of(), PLAIN, UPSERT))
        .hasMessageContaining("no identifier fields");
    assertThatThrownBy(() -> debezium(Optional.of("committed_at")))
        .hasMessageContaining("the source timestamp column committed_at is not in the table");
  }
}
