package io.floe.control.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.loader.settings.ColumnRule;
import io.floe.loader.settings.JobSettings;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.RouteSettings;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.settings.TableSettings;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A spec becomes the loader's typed settings, once per spec version, and its problems name the
 * API's fields.
 */
class LoaderSettingsRendererTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private final AtomicInteger catalogLookups = new AtomicInteger();
  private final LoaderSettingsRenderer renderer =
      new LoaderSettingsRenderer(
          name -> {
            catalogLookups.incrementAndGet();
            if (!name.equals("default")) {
              throw new UnknownCatalogException(name);
            }
            return Map.of("type", "hadoop", "warehouse", "/tmp/warehouse");
          });

  @Test
  void rendersTheSpecIntoTheLoadersKeys() {
    LoaderSettings settings = renderer.settings("orders", spec(runtime(2), table("auto")));

    assertThat(settings.pipelineName()).isEqualTo("orders");
    assertThat(settings.source().topics()).containsExactly("orders");
    assertThat(settings.job().parallelism()).contains(2);
    assertThat(settings.table().catalogName()).isEqualTo("default");
    assertThat(settings.asMap())
        .containsEntry(SourceSettings.BOOTSTRAP_SERVERS.key(), "kafka:9092")
        .containsEntry(JobSettings.PARALLELISM.key(), "2")
        .containsEntry(TableSettings.CATALOG_PREFIX + "type", "hadoop")
        .doesNotContainKey(JobSettings.FLUSH_INTERVAL.key());
    assertThat(renderer.render("orders", spec(runtime(2), table("auto"))))
        .isEqualTo(settings.asMap());
    assertThat(settings.job().followSchemaChanges()).isFalse();
  }

  @Test
  void aLivePipelinesWritersFollowSchemaChanges() {
    LoaderSettings settings = renderer.settings("orders", spec(runtime(2), table("live")));
    assertThat(settings.job().followSchemaChanges()).isTrue();
    assertThat(settings.asMap()).containsEntry(JobSettings.FOLLOW_SCHEMA_CHANGES.key(), "true");
    assertThat(renderer.settings("orders", spec(runtime(2), table("manual"))).job())
        .extracting(JobSettings::followSchemaChanges)
        .isEqualTo(false);
  }

  @Test
  void rendersAStoredPipelineOncePerSpec() {
    Pipeline first = pipeline(spec(runtime(2), table(null)), 1);

    LoaderSettings settings = renderer.settings(first);
    assertThat(renderer.settings(pipeline(spec(runtime(2), table(null)), 2))).isSameAs(settings);
    assertThat(renderer.render("orders", spec(runtime(2), table(null)))).isSameAs(settings.asMap());
    assertThat(catalogLookups).hasValue(1);

    LoaderSettings rescaled = renderer.settings(pipeline(spec(runtime(3), table(null)), 3));
    assertThat(rescaled.job().parallelism()).contains(3);
    assertThat(catalogLookups).hasValue(2);
  }

  @Test
  void problemsNameTheApiFields() {
    PipelineSpec spec =
        new PipelineSpec(
            new PipelineSpec.Source(
                "kafka:9092",
                List.of("orders"),
                null,
                null,
                "sometimes",
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            new PipelineSpec.Table("elsewhere", "shop", "orders", null, null, "manuel"),
            null,
            null,
            runtime(0),
            null,
            null);

    assertThatThrownBy(() -> renderer.settings("orders", spec))
        .isInstanceOfSatisfying(
            InvalidPipelineException.class,
            e ->
                assertThat(e.problems())
                    .extracting(FieldProblem::field)
                    .containsOnly(
                        "table.catalog",
                        "table.schemaChanges",
                        "source.startingOffsets",
                        "runtime.parallelism"));
  }

  @Test
  void rulesRenderOneEntryPerRuleWithTheirKinds() {
    LoaderSettings settings =
        renderer.settings(
            "orders",
            spec(
                runtime(1),
                tableWithRules(
                    List.of(
                        rule("price", r -> r.min = new BigDecimal("0")),
                        rule("country", r -> r.allowedValues = List.of("DE", "FR")),
                        rule(
                            "at", r -> r.freshness = new PipelineSpec.Freshness("P7D", "PT1H"))))));

    assertThat(settings.parsing().rules())
        .extracting(ColumnRule::describe)
        .containsExactly(
            "rules[0].min 0",
            "rules[1].allowedValues DE,FR",
            "rules[2].freshness.maxAge P7D",
            "rules[2].freshness.maxAhead PT1H");
  }

  @Test
  void badRulesAreProblemsOfTheirRuleField() {
    PipelineSpec spec =
        spec(
            runtime(1),
            tableWithRules(
                List.of(
                    rule("code", r -> r.minLength = -2),
                    rule("code", r -> r.minLength = -1),
                    rule(null, r -> r.notNull = true),
                    rule("code", r -> {}),
                    rule("country", r -> r.allowedValues = List.of()),
                    rule("at", r -> r.freshness = new PipelineSpec.Freshness("soon", null)))));

    assertThatThrownBy(() -> renderer.settings("orders", spec))
        .isInstanceOfSatisfying(
            InvalidPipelineException.class,
            e ->
                assertThat(e.problems())
                    .extracting(FieldProblem::field)
                    .containsOnly(
                        "table.rules[0].minLength",
                        "table.rules[1].minLength",
                        "table.rules[2].column",
                        "table.rules[3]",
                        "table.rules[4].allowedValues",
                        "table.rules[5].freshness.maxAge"));
  }

  @Test
  void anUpsertPipelineRendersItsKeyDeletesAndEnvelope() {
    PipelineSpec.Table table =
        new PipelineSpec.Table(
            null,
            "shop",
            "orders",
            null,
            null,
            null,
            null,
            null,
            new PipelineSpec.Write("upsert", List.of("id", "region"), "op", List.of("d"), false));
    PipelineSpec.Parsing debezium =
        new PipelineSpec.Parsing(null, null, null, null, null, null, "debezium", "changed_at");
    Map<String, String> settings =
        renderer.render("orders", withParsing(spec(runtime(1), table), debezium));
    assertThat(settings)
        .containsEntry("write.mode", "upsert")
        .containsEntry("write.key-columns", "id,region")
        .containsEntry("write.delete-field", "op")
        .containsEntry("write.delete-values", "d")
        .containsEntry("write.delete-on-tombstone", "false")
        .containsEntry("parse.envelope", "debezium")
        .containsEntry("parse.envelope.source-timestamp-column", "changed_at");

    PipelineSpec.Table appendWithKey =
        new PipelineSpec.Table(
            null,
            "shop",
            "orders",
            null,
            null,
            null,
            null,
            null,
            new PipelineSpec.Write(null, List.of("id", "a,b"), null, null, null));
    assertThatThrownBy(() -> renderer.settings("orders", spec(runtime(1), appendWithKey)))
        .isInstanceOfSatisfying(
            InvalidPipelineException.class,
            e ->
                assertThat(e.problems())
                    .extracting(FieldProblem::field)
                    .contains("table.write.key[1]"));
  }

  @Test
  void columnsGrownFromTheDataNeedALiveTable() {
    PipelineSpec.Parsing add = new PipelineSpec.Parsing(null, null, null, null, null, "add");
    PipelineSpec live = withParsing(spec(runtime(1), table("live")), add);
    assertThat(renderer.settings("orders", live).parsing().unknownFields())
        .isEqualTo(io.floe.loader.settings.UnknownFields.ADD);

    assertThatThrownBy(
            () -> renderer.settings("orders", withParsing(spec(runtime(1), table("auto")), add)))
        .isInstanceOfSatisfying(
            InvalidPipelineException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .satisfies(
                        problem -> {
                          assertThat(problem.field()).isEqualTo("parsing.unknownFields");
                          assertThat(problem.message()).contains("needs table.schemaChanges live");
                        }));
  }

  private static PipelineSpec withParsing(PipelineSpec spec, PipelineSpec.Parsing parsing) {
    return new PipelineSpec(
        spec.source(),
        spec.table(),
        spec.badMessages(),
        parsing,
        spec.runtime(),
        spec.health(),
        spec.maintenance());
  }

  @Test
  void routingRendersIntoTheLoadersRouteSettings() {
    LoaderSettings template =
        renderer.settings(
            "orders",
            spec(
                runtime(1),
                tableRoutedBy(
                    new PipelineSpec.Routing("orders_${header:region}", null, null, null, true))));
    RouteSettings route = template.routing().orElseThrow();
    assertThat(route.source()).isEqualTo(RouteSettings.Source.HEADER);
    assertThat(route.createTables()).isTrue();
    assertThat(route.tableFor("EU")).contains("orders_eu");

    LoaderSettings map =
        renderer.settings(
            "orders",
            spec(
                runtime(1),
                tableRoutedBy(
                    new PipelineSpec.Routing(
                        null, "kind", Map.of("a", "orders_a"), "orders_other", null))));
    assertThat(map.routing().orElseThrow().tableFor("a")).contains("orders_a");
    assertThat(map.routing().orElseThrow().tableFor("b")).contains("orders_other");
    assertThat(renderer.settings("orders", spec(runtime(1), table("auto"))).routing()).isEmpty();
  }

  @Test
  void badRoutingIsAProblemOfItsField() {
    Map<String, String> tables = new java.util.HashMap<>();
    tables.put("a", "Bad Name");
    tables.put("b", null);
    PipelineSpec both =
        spec(
            runtime(1),
            tableRoutedBy(new PipelineSpec.Routing("t_${a}", "kind", tables, null, null)));
    assertThatThrownBy(() -> renderer.settings("orders", both))
        .isInstanceOfSatisfying(
            InvalidPipelineException.class,
            e ->
                assertThat(e.problems())
                    .extracting(FieldProblem::field)
                    .contains(
                        "table.routing.tables.a",
                        "table.routing.tables.b",
                        "table.routing.template"));
    PipelineSpec badTemplate =
        spec(
            runtime(1),
            tableRoutedBy(new PipelineSpec.Routing("no_placeholder", null, null, null, null)));
    assertThatThrownBy(() -> renderer.settings("orders", badTemplate))
        .isInstanceOfSatisfying(
            InvalidPipelineException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .satisfies(
                        problem -> {
                          assertThat(problem.field()).isEqualTo("table.routing.template");
                          assertThat(problem.message()).contains("is not a template");
                        }));
  }

  @Test
  void aSpecWithoutSourceOrTableIsRefused() {
    assertThatThrownBy(
            () ->
                renderer.settings(
                    "orders", new PipelineSpec(null, null, null, null, null, null, null)))
        .isInstanceOfSatisfying(
            InvalidPipelineException.class,
            e ->
                assertThat(e.problems())
                    .contains(
                        new FieldProblem("source", "is required"),
                        new FieldProblem("table", "is required")));
  }

  private static PipelineSpec spec(PipelineSpec.Runtime runtime, PipelineSpec.Table table) {
    return new PipelineSpec(
        new PipelineSpec.Source(
            "kafka:9092",
            List.of("orders"),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null),
        table,
        null,
        null,
        runtime,
        null,
        null);
  }

  private static PipelineSpec.Runtime runtime(int parallelism) {
    return new PipelineSpec.Runtime(null, parallelism, null, null);
  }

  private static PipelineSpec.Table table(String schemaChanges) {
    return new PipelineSpec.Table(null, "shop", "orders", null, null, schemaChanges);
  }

  private static PipelineSpec.Table tableRoutedBy(PipelineSpec.Routing routing) {
    return new PipelineSpec.Table(null, "shop", "orders", null, null, null, null, routing);
  }

  private static PipelineSpec.Table tableWithRules(List<PipelineSpec.Rule> rules) {
    return new PipelineSpec.Table(null, "shop", "orders", null, null, null, rules);
  }

  /** The fields of a rule, set by name in a test. */
  private static final class RuleFields {
    Boolean notNull;
    BigDecimal min;
    Integer minLength;
    String pattern;
    List<String> allowedValues;
    PipelineSpec.Freshness freshness;
  }

  private static PipelineSpec.Rule rule(String column, Consumer<RuleFields> set) {
    RuleFields r = new RuleFields();
    set.accept(r);
    return new PipelineSpec.Rule(
        column,
        r.notNull,
        r.min,
        null,
        null,
        null,
        r.minLength,
        null,
        r.pattern,
        r.allowedValues,
        r.freshness);
  }

  private static Pipeline pipeline(PipelineSpec spec, long generation) {
    return new Pipeline("orders", spec, DesiredState.RUNNING, Map.of(), generation, NOW, NOW);
  }
}
