package io.floe.control.runtime;

import static io.floe.control.testing.ConfigurationRecords.bind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The throttling keys of floe.runtime: their defaults, binding and validation. */
class RuntimePropertiesTest {
  private static final Map<String, String> MANAGED_FLINK =
      Map.of(
          "floe.runtime.managed-flink.region", "eu-west-1",
          "floe.runtime.managed-flink.service-role-arn",
              "arn:aws:iam::123456789012:role/floe-loader",
          "floe.runtime.managed-flink.artifact-bucket", "floe-artifacts");

  @Test
  void theThrottleBackoffDefaultsToTwoSecondsUpToOneMinute() {
    RuntimeProperties defaults = bind("floe.runtime", RuntimeProperties.class, Map.of());
    assertThat(defaults.throttleBackoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.throttleMaxBackoff()).isEqualTo(Duration.ofSeconds(60));
    assertThat(
            new RuntimeProperties(
                defaults.defaultTarget(),
                defaults.loaderJar(),
                defaults.flinkCluster(),
                defaults.httpTimeout(),
                defaults.managedFlink()))
        .as("the constructor without the throttle keys takes their defaults")
        .isEqualTo(defaults);
  }

  @Test
  void theThrottleKeysBind() {
    RuntimeProperties bound =
        bind(
            "floe.runtime",
            RuntimeProperties.class,
            Map.of(
                "floe.runtime.throttle-backoff", "500ms",
                "floe.runtime.throttle-max-backoff", "5m"));
    assertThat(bound.throttle())
        .isEqualTo(new ThrottleBackoff(Duration.ofMillis(500), Duration.ofMinutes(5)));
  }

  @Test
  void theThrottleKeysAreValidated() {
    assertThatThrownBy(
            () ->
                bind(
                    "floe.runtime",
                    RuntimeProperties.class,
                    Map.of("floe.runtime.throttle-backoff", "0s")))
        .hasRootCauseMessage("floe.runtime.throttle-backoff must be positive");
    assertThatThrownBy(
            () ->
                bind(
                    "floe.runtime",
                    RuntimeProperties.class,
                    Map.of("floe.runtime.throttle-max-backoff", "1s")))
        .hasRootCauseMessage(
            "floe.runtime.throttle-max-backoff must be at least floe.runtime.throttle-backoff");
  }

  @Test
  void theAttemptsOfEachAwsCallDefaultToTheSdksThreeAndAreValidated() {
    RuntimeProperties defaults = bind("floe.runtime", RuntimeProperties.class, MANAGED_FLINK);
    assertThat(defaults.managedFlink().maxAttempts()).isEqualTo(3);

    Map<String, String> five = new java.util.HashMap<>(MANAGED_FLINK);
    five.put("floe.runtime.managed-flink.max-attempts", "5");
    assertThat(bind("floe.runtime", RuntimeProperties.class, five).managedFlink().maxAttempts())
        .isEqualTo(5);

    Map<String, String> none = new java.util.HashMap<>(MANAGED_FLINK);
    none.put("floe.runtime.managed-flink.max-attempts", "0");
    assertThatThrownBy(() -> bind("floe.runtime", RuntimeProperties.class, none))
        .hasRootCauseMessage(
            "floe.runtime.managed-flink.max-attempts must be between 1 and 10, was 0");
  }
}
