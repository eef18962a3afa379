package io.floe.loader.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsSourcesTest {
  @TempDir Path dir;

  @Test
  void argumentsOverrideThePropertiesFile() throws Exception {
    Path file = dir.resolve("orders.properties");
    Files.writeString(file, "pipeline.name=orders\nsource.topics=a\n");

    Map<String, String> settings =
        SettingsSources.fromArguments(
            new String[] {
              "--config", file.toString(), "--source.topics", "b", "job.parallelism=2", "--x=y"
            });

    assertThat(settings)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "pipeline.name", "orders", "source.topics", "b", "job.parallelism", "2", "x", "y"));
  }

  @Test
  void refusesMalformedArguments() {
    assertThatThrownBy(
            () -> SettingsSources.fromArguments(new String[] {"orders", "--source.topics"}))
        .hasMessageContaining("'orders': expected --key value or key=value")
        .hasMessageContaining("--source.topics: has no value");
  }

  @Test
  void readsManagedFlinkPropertyGroups() throws Exception {
    Path file = dir.resolve("application_properties.json");
    Files.writeString(
        file,
        "[{\"PropertyGroupId\": \"pipeline\", \"PropertyMap\": {\"name\": \"orders\"}},"
            + " {\"PropertyGroupId\": \"source\", \"PropertyMap\": {\"topics\": \"a,b\","
            + " \"kafka.ssl.truststore.type\": \"PEM\"}}]");

    assertThat(SettingsSources.fromPropertyGroups(file))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "pipeline.name", "orders",
                "source.topics", "a,b",
                "source.kafka.ssl.truststore.type", "PEM"));
  }
}
