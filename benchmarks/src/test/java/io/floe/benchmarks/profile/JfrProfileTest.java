package io.floe.benchmarks.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JfrProfileTest {
  @Test
  void classesFallIntoTheirArea() {
    assertThat(JfrProfile.areaOf("io.floe.loader.parse.RowParser")).startsWith("JSON parse");
    assertThat(JfrProfile.areaOf("com.fasterxml.jackson.core.json.UTF8StreamJsonParser"))
        .startsWith("JSON parse");
    assertThat(JfrProfile.areaOf("com.github.luben.zstd.Zstd")).startsWith("compression");
    assertThat(
            JfrProfile.areaOf(
                "org.apache.iceberg.shaded.org.apache.parquet.column.values.plain.PlainValuesWriter"))
        .startsWith("Parquet encoding");
    assertThat(JfrProfile.areaOf("org.apache.iceberg.flink.data.FlinkParquetWriters"))
        .startsWith("Iceberg writer");
    assertThat(JfrProfile.areaOf("org.apache.kafka.common.record.DefaultRecord"))
        .startsWith("Kafka");
    assertThat(
            JfrProfile.areaOf("org.apache.flink.connector.kafka.source.reader.KafkaRecordEmitter"))
        .startsWith("Kafka");
    assertThat(JfrProfile.areaOf("io.floe.loader.sink.TableWriterOperator")).startsWith("Floe");
    assertThat(JfrProfile.areaOf("org.apache.flink.runtime.io.network.Buffer"))
        .startsWith("Flink runtime");
    assertThat(JfrProfile.areaOf("java.util.HashMap")).isNull();
  }
}
