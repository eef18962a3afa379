package io.floe.loader.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WriteSettingsTest {
  private static Map<String, String> minimal() {
    Map<String, String> settings = new HashMap<>();
    settings.put("pipeline.name", "accounts");
    settings.put("source.bootstrap-servers", "localhost:9092");
    settings.put("source.topics", "accounts");
    settings.put("table.catalog.type", "hadoop");
    settings.put("table.catalog.warehouse", "file:///tmp/warehouse");
    settings.put("table.namespace", "crm");
    settings.put("table.name", "accounts");
    return settings;
  }

  private static WriteSettings read(Map<String, String> given) {
    SettingsReader reader = new SettingsReader(given);
    Optional<WriteSettings> read = WriteSettings.read(reader);
    if (reader.hasProblems()) {
      reader.finish();
    }
    return read.orElseThrow();
  }

  private static void assertProblem(Map<String, String> given, String problem) {
    assertThatThrownBy(() -> LoaderSettings.parse(given))
        .isInstanceOfSatisfying(
            InvalidSettingsException.class,
            e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).isEqualTo(problem)));
  }

  @Test
  void appendIsTheDefault() {
    LoaderSettings settings = LoaderSettings.parse(minimal());

    assertThat(settings.writing().mode()).isEqualTo(WriteMode.APPEND);
    assertThat(settings.writing().upsert()).isFalse();
    assertThat(settings.writing().keyColumns()).isEmpty();
    assertThat(settings.writing().deleteField()).isEmpty();
    assertThat(settings.writing().deleteValues()).isEmpty();
    assertThat(settings.writing().deleteOnTombstone()).isFalse();
    assertThat(settings.parsing().envelope()).isEqualTo(Envelope.NONE);
    assertThat(settings.parsing().envelopeTimestampColumn()).isEmpty();
    assertThat(WriteSettings.MODE.defaultText()).contains("append");
    assertThat(WriteSettings.DELETE_ON_TOMBSTONE.defaultText()).contains("true");
    assertThat(ParseSettings.ENVELOPE.defaultText()).contains("none");
  }

  @Test
  void upsertDefaults() {
    WriteSettings writing = read(Map.of("write.mode", "upsert"));

    assertThat(writing.mode()).isEqualTo(WriteMode.UPSERT);
    assertThat(writing.upsert()).isTrue();
    assertThat(writing.keyColumns()).as("the table's identifier fields").isEmpty();
    assertThat(writing.deleteField()).isEmpty();
    assertThat(writing.deleteValues()).isEmpty();
    assertThat(writing.deleteOnTombstone()).isTrue();
  }

  @Test
  void upsertEveryKey() {
    WriteSettings writing =
        read(
            Map.of(
                "write.mode", "UPSERT",
                "write.key-columns", "tenant, id",
                "write.delete-field", "meta.op",
                "write.delete-values", "d, delete",
                "write.delete-on-tombstone", "false"));

    assertThat(writing.keyColumns()).contains(List.of("tenant", "id"));
    assertThat(writing.deleteField()).contains(List.of("meta", "op"));
    assertThat(writing.deleteValues()).containsExactly("d", "delete");
    assertThat(writing.deleteOnTombstone()).isFalse();
  }

  @Test
  void upsertProblemsNameTheirKeys() {
    assertThatThrownBy(() -> read(Map.of("write.mode", "merge")))
        .hasMessageContaining("write.mode: 'merge' is not one of append, upsert");
    assertThatThrownBy(
            () -> read(Map.of("write.mode", "upsert", "write.delete-field", "__deleted")))
        .hasMessageContaining("write.delete-values: is required with write.delete-field");
    assertThatThrownBy(() -> read(Map.of("write.mode", "upsert", "write.delete-values", "true")))
        .hasMessageContaining("write.delete-field: is required with write.delete-values");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "write.mode", "upsert",
                        "write.delete-field", "meta..op",
                        "write.delete-values", "d")))
        .hasMessageContaining("write.delete-field: 'meta..op' is not a field path");
    assertThatThrownBy(() -> read(Map.of("write.mode", "upsert", "write.key-columns", "id, id")))
        .hasMessageContaining("write.key-columns: names a column twice");
    assertThatThrownBy(() -> read(Map.of("write.mode", "upsert", "write.key-columns", " , ")))
        .hasMessageContaining("write.key-columns: the list is empty");
    assertThatThrownBy(
            () -> read(Map.of("write.mode", "upsert", "write.delete-on-tombstone", "maybe")))
        .hasMessageContaining("write.delete-on-tombstone: 'maybe' is not true or false");
  }

  @Test
  void upsertOnlyKeysAreRefusedInAppendMode() {
    Map<String, String> given = minimal();
    given.put("write.key-columns", "id");
    given.put("write.delete-field", "op");
    given.put("write.delete-values", "d");
    given.put("write.delete-on-tombstone", "true");

    assertThatThrownBy(() -> LoaderSettings.parse(given))
        .isInstanceOfSatisfying(
            InvalidSettingsException.class,
            e ->
                assertThat(e.problems())
                    .contains(
                        "write.key-columns: is only used with write.mode=upsert",
                        "write.delete-field: is only used with write.mode=upsert",
                        "write.delete-values: is only used with write.mode=upsert",
                        "write.delete-on-tombstone: is only used with write.mode=upsert"));
  }

  @Test
  void envelopeNeedsUpsert() {
    Map<String, String> given = minimal();
    given.put("parse.envelope", "debezium");
    assertProblem(
        given,
        "parse.envelope: needs write.mode=upsert (a change stream's deletes have nothing to"
            + " append)");
  }

  @Test
  void envelopeSettingsAndTheirConflicts() {
    Map<String, String> given = minimal();
    given.put("parse.envelope.source-timestamp-column", "changed_at");
    assertProblem(
        given, "parse.envelope.source-timestamp-column: is only used with parse.envelope=debezium");

    given.put("parse.envelope", "debezium");
    given.put("parse.unnest-pointer", "/data");
    assertProblem(
        given,
        "parse.unnest-pointer: is not used with parse.envelope=debezium, which says where the row"
            + " is");
  }

  @Test
  void envelopeAsParsed() {
    ParseSettings parsing =
        new ParseSettings(Optional.empty(), Map.of(), FieldNameCase.NONE, Map.of(), 1024)
            .withEnvelope(Envelope.DEBEZIUM, Optional.of("changed_at"));

    assertThat(parsing.envelope()).isEqualTo(Envelope.DEBEZIUM);
    assertThat(parsing.envelopeTimestampColumn()).contains("changed_at");
    ParseSettings row = parsing.forEnvelopeRow("/after", Map.of("changed_at", "/source/ts_ms"));
    assertThat(row.envelope()).isEqualTo(Envelope.NONE);
    assertThat(row.unnestPointer()).contains("/after");
    assertThat(row.projections()).containsExactly(Map.entry("changed_at", "/source/ts_ms"));
    assertThatThrownBy(
            () ->
                new ParseSettings(Optional.of("/x"), Map.of(), FieldNameCase.NONE, Map.of(), 1024)
                    .withEnvelope(Envelope.DEBEZIUM, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void upsertRefusesColumnsAddedFromDataAndRouting() {
    Map<String, String> given = minimal();
    given.put("write.mode", "upsert");
    given.put("parse.unknown-fields", "add");
    given.put("route.table", "accounts_${kind}");

    assertThatThrownBy(() -> LoaderSettings.parse(given))
        .isInstanceOfSatisfying(
            InvalidSettingsException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p -> assertThat(p).startsWith("parse.unknown-fields: add is not used with"))
                    .anySatisfy(
                        p -> assertThat(p).startsWith("write.mode: upsert does not route")));
  }

  @Test
  void upsertWithAnEnvelope() {
    Map<String, String> given = minimal();
    given.put("write.mode", "upsert");
    given.put("write.key-columns", "id");
    given.put("parse.envelope", "debezium");
    given.put("parse.envelope.source-timestamp-column", "changed_at");

    LoaderSettings settings = LoaderSettings.parse(given);

    assertThat(settings.writing().upsert()).isTrue();
    assertThat(settings.writing().keyColumns()).contains(List.of("id"));
    assertThat(settings.parsing().envelope()).isEqualTo(Envelope.DEBEZIUM);
    assertThat(settings.parsing().envelopeTimestampColumn()).contains("changed_at");
  }
}
