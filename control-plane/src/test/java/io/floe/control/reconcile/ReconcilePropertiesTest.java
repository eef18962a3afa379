package io.floe.control.reconcile;

import static io.floe.control.testing.ConfigurationRecords.assertDefaults;
import static io.floe.control.testing.ConfigurationRecords.assertFullMapping;
import static io.floe.control.testing.ConfigurationRecords.bind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilePropertiesTest {
  @Test
  void defaults() {
    assertDefaults(
        "floe.reconcile",
        ReconcileProperties.class,
        new ReconcileProperties(
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            8,
            Duration.ofMinutes(5),
            null,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ofMinutes(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(60)));
  }

  @Test
  void everyKey() {
    assertFullMapping(
        "floe.reconcile",
        ReconcileProperties.class,
        Map.of(
            "floe.reconcile.interval", "200ms",
            "floe.reconcile.lease", "5s",
            "floe.reconcile.threads", "2",
            "floe.reconcile.start-timeout", "3s",
            "floe.reconcile.instance-id", "local",
            "floe.reconcile.gone-after", "2s",
            "floe.reconcile.recovery-backoff", "1s",
            "floe.reconcile.recovery-max-backoff", "8s",
            "floe.reconcile.schema-check-interval", "0s",
            "floe.reconcile.steady-interval", "7s"),
        new ReconcileProperties(
            Duration.ofMillis(200),
            Duration.ofSeconds(5),
            2,
            Duration.ofSeconds(3),
            "local",
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofSeconds(8),
            Duration.ZERO,
            Duration.ofSeconds(7)));
  }

  @Test
  void theConstructorWithoutTheSchemaCheckIntervalTakesItsDefault() {
    ReconcileProperties defaults = bind("floe.reconcile", ReconcileProperties.class, Map.of());
    assertThat(
            new ReconcileProperties(
                defaults.interval(),
                defaults.lease(),
                defaults.threads(),
                defaults.startTimeout(),
                defaults.instanceId(),
                defaults.goneAfter(),
                defaults.recoveryBackoff(),
                defaults.recoveryMaxBackoff()))
        .isEqualTo(defaults);
  }

  @Test
  void aSteadyIntervalBelowTheIntervalIsRefused() {
    assertThatThrownBy(
            () ->
                bind(
                    "floe.reconcile",
                    ReconcileProperties.class,
                    Map.of(
                        "floe.reconcile.interval", "2s",
                        "floe.reconcile.steady-interval", "1s")))
        .hasRootCauseMessage(
            "floe.reconcile.steady-interval must be at least floe.reconcile.interval");
  }

  @Test
  void aNegativeSchemaCheckIntervalIsRefused() {
    assertThatThrownBy(
            () ->
                bind(
                    "floe.reconcile",
                    ReconcileProperties.class,
                    Map.of("floe.reconcile.schema-check-interval", "-1s")))
        .hasRootCauseMessage("floe.reconcile.schema-check-interval must not be negative");
  }
}
