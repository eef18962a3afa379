package io.floe.loader.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnRuleTest {
  private static Map<String, String> minimal() {
    Map<String, String> settings = new HashMap<>();
    settings.put(LoaderSettings.PIPELINE_NAME.key(), "orders");
    settings.put(SourceSettings.BOOTSTRAP_SERVERS.key(), "localhost:9092");
    settings.put(SourceSettings.TOPICS.key(), "orders");
    settings.put(TableSettings.CATALOG_PREFIX + "type", "hadoop");
    settings.put(TableSettings.NAMESPACE.key(), "sales");
    settings.put(TableSettings.NAME.key(), "orders");
    return settings;
  }

  @Test
  void rulesAreReadByEntryAndKind() {
    Map<String, String> settings = minimal();
    settings.put(ColumnRule.key(0, ColumnRule.COLUMN), "price");
    settings.put(ColumnRule.key(0, ColumnRule.Kind.MIN), "0");
    settings.put(ColumnRule.key(0, ColumnRule.Kind.MAX), "100.5");
    settings.put(ColumnRule.key(1, ColumnRule.COLUMN), "country");
    settings.put(
        ColumnRule.key(1, ColumnRule.Kind.ALLOWED_VALUES),
        ColumnRule.encodeValues(List.of("DE", "a,b", "c\\d")));
    settings.put(ColumnRule.key(2, ColumnRule.COLUMN), "at");
    settings.put(ColumnRule.key(2, ColumnRule.Kind.MAX_AGE), "P7D");

    List<ColumnRule> rules = LoaderSettings.parse(settings).parsing().rules();

    assertThat(rules)
        .extracting(ColumnRule::column)
        .containsExactly("price", "price", "country", "at");
    assertThat(rules.get(0).kind()).isEqualTo(ColumnRule.Kind.MAX);
    assertThat(rules.get(1).number()).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(rules.get(2).allowedValues()).containsExactly("DE", "a,b", "c\\d");
    assertThat(rules.get(3).duration()).isEqualTo(Duration.ofDays(7));
    assertThat(rules.get(3).describe()).isEqualTo("rules[2].freshness.maxAge P7D");
  }

  @Test
  void badArgumentsAreProblemsNamingTheirKey() {
    Map<String, String> settings = minimal();
    settings.put(ColumnRule.key(0, ColumnRule.COLUMN), "code");
    settings.put(ColumnRule.key(0, ColumnRule.Kind.MIN_LENGTH), "-1");
    settings.put(ColumnRule.key(1, ColumnRule.Kind.MIN), "x");

    assertThatThrownBy(() -> LoaderSettings.parse(settings))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining(ColumnRule.key(0, ColumnRule.Kind.MIN_LENGTH) + ": a length is 0")
        .hasMessageContaining(ColumnRule.key(1, ColumnRule.COLUMN) + ": is required");
  }
}
