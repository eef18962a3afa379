package io.floe.control.health;

import static io.floe.control.testing.ConfigurationRecords.assertDefaults;
import static io.floe.control.testing.ConfigurationRecords.assertFullMapping;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthPropertiesTest {
  @Test
  void defaults() {
    assertDefaults(
        "floe.health", HealthProperties.class, new HealthProperties(Duration.ofSeconds(10)));
  }

  @Test
  void everyKey() {
    assertFullMapping(
        "floe.health",
        HealthProperties.class,
        Map.of("floe.health.interval", "3s"),
        new HealthProperties(Duration.ofSeconds(3)));
  }
}
