package io.floe.benchmarks.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.parse.RowParser;
import io.floe.loader.sample.SamplePayload;
import io.floe.loader.settings.FieldNameCase;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.source.KafkaMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The write stage's rows are the rows the loader's parser makes of the same messages. */
class GeneratedRowsTest {
  private static final long[] IDS = {
    1, 2, 3, 7, 99, 100, 12_345, 999_999, 1_000_001, 2_147_483_646
  };
  private static final Instant[] TIMESTAMPS = {
    Instant.parse("2026-11-24T23:59:59.123456789Z"),
    Instant.parse("2022-07-26T07:41:48.046773Z"),
    Instant.parse("2026-01-01T00:00:00Z")
  };

  @ParameterizedTest
  @EnumSource(SamplePayload.class)
  void generatedRowsEqualParsedMessages(SamplePayload payload) throws Exception {
    RowParser parser =
        RowParser.create(
            payload.schema(),
            new ParseSettings(Optional.empty(), Map.of(), FieldNameCase.NONE, Map.of(), 1 << 20));
    RowType type = FlinkSchemaUtil.convert(payload.schema());
    for (Instant timestamp : TIMESTAMPS) {
      for (long id : IDS) {
        KafkaMessage message =
            new KafkaMessage("t", 0, id, 0L, null, payload.message(id, timestamp), List.of());
        Object parsed = plain(parser.parse(message), type);
        Object generated = plain(GeneratedRows.row(payload, id, timestamp), type);
        assertThat(generated).as("id %d at %s", id, timestamp).isEqualTo(parsed);
      }
    }
  }

  /** Flink's internal data as plain Java values, comparable with equals. */
  private static Object plain(Object value, LogicalType type) {
    if (value == null) {
      return null;
    }
    if (value instanceof StringData string) {
      return string.toString();
    }
    if (value instanceof DecimalData decimal) {
      return decimal.toBigDecimal();
    }
    if (value instanceof RowData row) {
      RowType rowType = (RowType) type;
      List<Object> fields = new ArrayList<>();
      for (int i = 0; i < rowType.getFieldCount(); i++) {
        LogicalType fieldType = rowType.getTypeAt(i);
        fields.add(plain(RowData.createFieldGetter(fieldType, i).getFieldOrNull(row), fieldType));
      }
      return fields;
    }
    if (value instanceof ArrayData array) {
      LogicalType elementType = ((ArrayType) type).getElementType();
      ArrayData.ElementGetter getter = ArrayData.createElementGetter(elementType);
      List<Object> elements = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        elements.add(plain(getter.getElementOrNull(array, i), elementType));
      }
      return elements;
    }
    if (value instanceof MapData map) {
      MapType mapType = (MapType) type;
      List<?> keys = (List<?>) plain(map.keyArray(), new ArrayType(mapType.getKeyType()));
      List<?> values = (List<?>) plain(map.valueArray(), new ArrayType(mapType.getValueType()));
      Map<Object, Object> entries = new HashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        entries.put(keys.get(i), values.get(i));
      }
      return entries;
    }
    return value;
  }
}
