package io.floe.control.catalog;

import static io.floe.control.testing.ConfigurationRecords.assertDefaults;
import static io.floe.control.testing.ConfigurationRecords.assertFullMapping;
import static io.floe.control.testing.ConfigurationRecords.bind;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableReadPropertiesTest {
  @Test
  void defaults() {
    assertDefaults(
        "floe.tables", TableReadProperties.class, new TableReadProperties(Duration.ofSeconds(60)));
  }

  @Test
  void everyKey() {
    assertFullMapping(
        "floe.tables",
        TableReadProperties.class,
        Map.of("floe.tables.refresh-interval", "0s"),
        new TableReadProperties(Duration.ZERO));
  }

  @Test
  void aNegativeIntervalIsRefused() {
    assertThatThrownBy(
            () ->
                bind(
                    "floe.tables",
                    TableReadProperties.class,
                    Map.of("floe.tables.refresh-interval", "-1s")))
        .hasRootCauseMessage("floe.tables.refresh-interval must not be negative");
  }
}
