package io.floe.loader.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TableDefaultsTest {
  @Test
  void floeDefaultsApplyUnderWhatThePipelineGives() {
    assertThat(TableDefaults.withDefaults(null))
        .containsExactlyEntriesOf(Map.of("write.parquet.dict-size-bytes", "65536"));
    assertThat(TableDefaults.withDefaults(Map.of("format-version", "2")))
        .containsOnly(
            Map.entry("write.parquet.dict-size-bytes", "65536"), Map.entry("format-version", "2"));
  }

  @Test
  void thePipelinesOwnValueWins() {
    assertThat(TableDefaults.withDefaults(Map.of(TableDefaults.PARQUET_DICT_SIZE_BYTES, "2097152")))
        .containsExactlyEntriesOf(Map.of("write.parquet.dict-size-bytes", "2097152"));
  }
}
