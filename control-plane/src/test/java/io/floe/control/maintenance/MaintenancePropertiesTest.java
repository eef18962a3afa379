package io.floe.control.maintenance;

import static io.floe.control.testing.ConfigurationRecords.assertDefaults;
import static io.floe.control.testing.ConfigurationRecords.assertFullMapping;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaintenancePropertiesTest {
  @Test
  void defaults() {
    assertDefaults(
        "floe.maintenance",
        MaintenanceProperties.class,
        new MaintenanceProperties(
            true, Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofMinutes(1)));
  }

  @Test
  void everyKey() {
    assertFullMapping(
        "floe.maintenance",
        MaintenanceProperties.class,
        Map.of(
            "floe.maintenance.scheduled", "false",
            "floe.maintenance.interval", "1s",
            "floe.maintenance.lease", "30s",
            "floe.maintenance.delete-files-check", "5m"),
        new MaintenanceProperties(
            false, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5)));
  }
}
