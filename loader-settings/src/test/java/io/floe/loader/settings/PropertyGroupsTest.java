package io.floe.loader.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PropertyGroupsTest {
  @Test
  void groupsByFirstSegmentAndBack() {
    Map<String, String> settings =
        Map.of(
            "pipeline.name", "orders",
            "source.topics", "a,b",
            "source.kafka.ssl.truststore.type", "PEM",
            "table.catalog.type", "glue");

    Map<String, Map<String, String>> groups = PropertyGroups.fromSettings(settings);

    assertThat(groups)
        .containsOnlyKeys("pipeline", "source", "table")
        .containsEntry("source", Map.of("topics", "a,b", "kafka.ssl.truststore.type", "PEM"))
        .containsEntry("table", Map.of("catalog.type", "glue"));
    assertThat(PropertyGroups.toSettings(groups)).isEqualTo(new TreeMap<>(settings));
  }

  @Test
  void refusesWhatExceedsTheServiceLimits() {
    Map<String, String> settings = new TreeMap<>();
    for (int i = 0; i < 51; i++) {
      settings.put("table.catalog.key" + i, "v");
    }
    settings.put("source.topics", "t".repeat(2049));

    assertThatThrownBy(() -> PropertyGroups.fromSettings(settings))
        .isInstanceOfSatisfying(
            PropertyGroups.PropertyGroupLimitException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "source.topics: value of 2049 characters is longer than 2048",
                        "table: 51 keys, more than 50"));
  }
}
