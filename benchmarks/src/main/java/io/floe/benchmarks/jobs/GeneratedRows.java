package io.floe.benchmarks.jobs;

import static java.util.Objects.requireNonNull;

import io.floe.loader.sample.SampleMessages;
import io.floe.loader.sample.SamplePayload;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

/**
 * The rows the loader's parser makes of {@link SampleMessages#sample} and {@link
 * SampleMessages#wide}, built directly from the id and timestamp, without JSON: the write stage's
 * input, so that it writes the same values the loader writes (a unit test compares both).
 */
public final class GeneratedRows {
  private static final int WIDE_TYPES = 8;

  private GeneratedRows() {}

  /** The row of message {@code id} with this produce timestamp. */
  public static RowData row(SamplePayload payload, long id, Instant timestamp) {
    requireNonNull(payload, "payload is null");
    requireNonNull(timestamp, "timestamp is null");
    return payload == SamplePayload.SAMPLE ? sample(id, timestamp) : wide(id, timestamp);
  }

  static RowData sample(long id, Instant timestamp) {
    GenericRowData row = new GenericRowData(12);
    row.setField(0, id);
    row.setField(1, id % 2 == 0);
    row.setField(2, id / 100.0);
    row.setField(3, id * 7);
    row.setField(4, StringData.fromString("value-" + id));
    row.setField(5, new GenericArrayData(new Object[] {id % 2 == 0, id % 3 == 0, id % 5 == 0}));
    row.setField(
        6, new GenericArrayData(new Object[] {id / 100.0, (id + 1) / 100.0, (id + 2) / 100.0}));
    row.setField(7, new GenericArrayData(new Object[] {id, id * 2, id * 3}));
    row.setField(
        8,
        new GenericArrayData(
            new Object[] {
              StringData.fromString("a-" + id),
              StringData.fromString("b-" + id),
              StringData.fromString("c-" + id)
            }));
    Map<Object, Object> map = new HashMap<>(4);
    map.put(StringData.fromString("k1"), StringData.fromString("v1-" + id));
    map.put(StringData.fromString("k2"), StringData.fromString("v2-" + id));
    row.setField(9, new GenericMapData(map));
    row.setField(10, GenericRowData.of(StringData.fromString("key-" + id), id));
    row.setField(11, micros(timestamp.getEpochSecond(), timestamp.getNano()));
    return row;
  }

  static RowData wide(long id, Instant timestamp) {
    GenericRowData row = new GenericRowData(SampleMessages.WIDE_COLUMNS);
    row.setField(0, id);
    for (int column = 1; column < SampleMessages.WIDE_COLUMNS; column++) {
      Object value;
      switch ((column - 1) % WIDE_TYPES) {
        case 0: // long
          value = id * 1_000 + column;
          break;
        case 1: // double: a.bb, exact as a quotient of two exact doubles (correctly rounded)
          value =
              (Math.floorMod(id, 1_000_000L) * 100 + Math.floorMod(id * 13 + column, 100L)) / 100.0;
          break;
        case 2: // string
          value = StringData.fromString("s-" + id + "-" + column);
          break;
        case 3: // bool
          value = ((id + column / 8) & 1) == 0;
          break;
        case 4: // int
          value = (int) Math.floorMod(id, 1_000_000L) * 100 + column;
          break;
        case 5: // decimal(18,4)
          value =
              DecimalData.fromUnscaledLong(
                  Math.floorMod(id, 1_000_000_000_000L) * 10_000
                      + Math.floorMod(id * 31 + column, 10_000L),
                  18,
                  4);
          break;
        case 6: // date, days since the epoch
          value = (int) Math.floorMod(id + column, 36_525L);
          break;
        default: // timestamp with zone
          value = micros(timestamp.getEpochSecond() - column, timestamp.getNano());
      }
      row.setField(column, value);
    }
    return row;
  }

  /** The instant at microsecond precision, as the message renders it. */
  private static TimestampData micros(long epochSecond, int nano) {
    int micros = nano / 1_000;
    long millis = epochSecond * 1_000 + micros / 1_000;
    return TimestampData.fromEpochMillis(millis, (micros % 1_000) * 1_000);
  }
}
