package io.floe.control.health;

import static io.floe.control.testing.ConfigurationRecords.assertDefaults;
import static io.floe.control.testing.ConfigurationRecords.assertFullMapping;
import static io.floe.control.testing.ConfigurationRecords.bind;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthPropertiesTest {
  @Test
  void defaults() {
    assertDefaults(
        "floe.health",
        HealthProperties.class,
        new HealthProperties(Duration.ofSeconds(10), 8, Duration.ofSeconds(90)));
  }

  @Test
  void badValuesAreRefused() {
    assertThatThrownBy(
            () -> bind("floe.health", HealthProperties.class, Map.of("floe.health.interval", "0s")))
        .hasRootCauseMessage("floe.health.interval must be positive");
    assertThatThrownBy(
            () -> bind("floe.health", HealthProperties.class, Map.of("floe.health.threads", "0")))
        .hasRootCauseMessage("floe.health.threads must be at least 1");
    assertThatThrownBy(
            () ->
                bind(
                    "floe.health",
                    HealthProperties.class,
                    Map.of("floe.health.run-refresh-interval", "-1s")))
        .hasRootCauseMessage("floe.health.run-refresh-interval must not be negative");
  }

  @Test
  void everyKey() {
    assertFullMapping(
        "floe.health",
        HealthProperties.class,
        Map.of(
            "floe.health.interval", "3s",
            "floe.health.threads", "2",
            "floe.health.run-refresh-interval", "5s"),
        new HealthProperties(Duration.ofSeconds(3), 2, Duration.ofSeconds(5)));
  }
}
