package io.floe.control.store;

import static io.floe.control.testing.ConfigurationRecords.assertDefaults;
import static io.floe.control.testing.ConfigurationRecords.assertFullMapping;
import static io.floe.control.testing.ConfigurationRecords.bind;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorePropertiesTest {
  @Test
  void defaults() {
    assertDefaults("floe.store", StoreProperties.class, new StoreProperties(Duration.ofSeconds(1)));
  }

  @Test
  void everyKey() {
    assertFullMapping(
        "floe.store",
        StoreProperties.class,
        Map.of("floe.store.listing-max-age", "0s"),
        new StoreProperties(Duration.ZERO));
  }

  @Test
  void aNegativeAgeIsRefused() {
    assertThatThrownBy(
            () ->
                bind(
                    "floe.store",
                    StoreProperties.class,
                    Map.of("floe.store.listing-max-age", "-1s")))
        .hasRootCauseMessage("floe.store.listing-max-age must not be negative");
  }
}
