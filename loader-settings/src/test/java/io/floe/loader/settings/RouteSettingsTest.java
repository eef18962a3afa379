package io.floe.loader.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteSettingsTest {
  private static Map<String, String> with(String... pairs) {
    Map<String, String> settings = new HashMap<>();
    settings.put("pipeline.name", "events");
    settings.put("source.bootstrap-servers", "localhost:9092");
    settings.put("source.topics", "events");
    settings.put("table.catalog.type", "hadoop");
    settings.put("table.catalog.warehouse", "file:///tmp/warehouse");
    settings.put("table.namespace", "db");
    settings.put("table.name", "events");
    for (int i = 0; i < pairs.length; i += 2) {
      settings.put(pairs[i], pairs[i + 1]);
    }
    return settings;
  }

  private static RouteSettings route(String... pairs) {
    return LoaderSettings.parse(with(pairs)).routing().orElseThrow();
  }

  @Test
  void aTemplateNamesTheTableAfterAFieldValue() {
    RouteSettings route = route("route.table", "events_${event_type}");

    assertThat(route.source()).isEqualTo(RouteSettings.Source.FIELD);
    assertThat(route.fieldPath()).containsExactly("event_type");
    assertThat(route.createTables()).isFalse();
    assertThat(route.tableFor("click")).contains("events_click");
    assertThat(route.tableFor("Page-View")).contains("events_page_view");
    assertThat(route.tableFor("a b")).isEmpty();
    assertThat(route.whyNoTable("a b")).contains("'a b' cannot be part of a table name");
    assertThat(route.tableFor("")).isEmpty();
    assertThat(route.tableFor("x".repeat(130))).isEmpty();
  }

  @Test
  void theTablesARouteCanName() {
    RouteSettings template = route("route.table", "events_${type}_raw");
    assertThat(template.canName("events_click_raw")).isTrue();
    assertThat(template.canName("events__raw")).isFalse();
    assertThat(template.canName("events_raw")).isFalse();
    assertThat(template.canName("other_click_raw")).isFalse();
    RouteSettings map =
        route("route.by", "type", "route.tables.a", "table_a", "route.default", "other");
    assertThat(map.canName("table_a")).isTrue();
    assertThat(map.canName("other")).isTrue();
    assertThat(map.canName("table_b")).isFalse();
  }

  @Test
  void sourcesAreAFieldPathAHeaderOrTheTopic() {
    assertThat(route("route.table", "${payload.kind}_raw").fieldPath())
        .containsExactly("payload", "kind");
    assertThat(route("route.table", "${field:topic}").source())
        .isEqualTo(RouteSettings.Source.FIELD);
    assertThat(route("route.table", "${topic}").source()).isEqualTo(RouteSettings.Source.TOPIC);
    RouteSettings header = route("route.table", "t_${header:type}");
    assertThat(header.source()).isEqualTo(RouteSettings.Source.HEADER);
    assertThat(header.name()).isEqualTo("type");
    assertThat(header.describeSource()).isEqualTo("header:type");
  }

  @Test
  void aMapRoutesKnownValuesAndTheRestToTheDefault() {
    RouteSettings route =
        route(
            "route.by", "header:type",
            "route.tables.click", "clicks",
            "route.tables.View", "views",
            "route.default", "other",
            "route.create-tables", "true");

    assertThat(route.tables())
        .containsOnly(Map.entry("click", "clicks"), Map.entry("View", "views"));
    assertThat(route.tableFor("click")).contains("clicks");
    assertThat(route.tableFor("View")).contains("views");
    assertThat(route.tableFor("view")).contains("other");
    assertThat(route.createTables()).isTrue();

    RouteSettings strict = route("route.by", "kind", "route.tables.a", "table_a");
    assertThat(strict.tableFor("b")).isEmpty();
    assertThat(strict.whyNoTable("b")).contains("'b' is in no route");
  }

  @Test
  void badRoutesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> LoaderSettings.parse(with("route.table", "events_x")))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("route.table: 'events_x' is not a template");
    assertThatThrownBy(() -> LoaderSettings.parse(with("route.table", "Events_${a}")))
        .hasMessageContaining("route.table: 'Events_${a}' is not a template");
    assertThatThrownBy(() -> LoaderSettings.parse(with("route.table", "e_${header:}")))
        .hasMessageContaining("'header:' is not a route source");
    assertThatThrownBy(() -> LoaderSettings.parse(with("route.table", "e_${a..b}")))
        .hasMessageContaining("'a..b' is not a route source");
    assertThatThrownBy(() -> LoaderSettings.parse(with("route.table", "e_${a}", "route.by", "a")))
        .hasMessageContaining("give either route.table or route.by, not both");
    assertThatThrownBy(() -> LoaderSettings.parse(with("route.tables.a", "t")))
        .hasMessageContaining("route.by: is required with route.tables.* and route.default");
    assertThatThrownBy(() -> LoaderSettings.parse(with("route.by", "a")))
        .hasMessageContaining("route.by needs at least one table or a default");
    assertThatThrownBy(
            () -> LoaderSettings.parse(with("route.by", "a", "route.tables.x", "Bad Table")))
        .hasMessageContaining("route.tables.x: 'Bad Table' is not a table name");
    assertThatThrownBy(() -> LoaderSettings.parse(with("route.by", "a", "route.default", "Other")))
        .hasMessageContaining("route.default");
  }
}
