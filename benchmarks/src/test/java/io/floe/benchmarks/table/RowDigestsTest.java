package io.floe.benchmarks.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class RowDigestsTest {
  private static final Types.StructType TYPE =
      Types.StructType.of(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "ts", Types.TimestampType.withZone()),
          Types.NestedField.optional(
              3, "tags", Types.ListType.ofOptional(4, Types.StringType.get())),
          Types.NestedField.optional(
              5,
              "map",
              Types.MapType.ofOptional(6, 7, Types.StringType.get(), Types.StringType.get())));

  @Test
  void equalRowsHaveEqualDigestsAndAMicrosecondMatters() {
    OffsetDateTime ts = OffsetDateTime.of(2022, 7, 26, 7, 41, 48, 46_773_000, ZoneOffset.UTC);
    Record a = record(1, ts, Map.of("k1", "v1", "k2", "v2"));
    Map<String, String> reordered = new LinkedHashMap<>();
    reordered.put("k2", "v2");
    reordered.put("k1", "v1");
    Record b = record(1, ts, reordered);
    Record c = record(1, ts.plusNanos(1_000), Map.of("k1", "v1", "k2", "v2"));

    assertThat(RowDigests.digest(a)).isEqualTo(RowDigests.digest(b));
    assertThat(RowDigests.digest(a)).isNotEqualTo(RowDigests.digest(c));
  }

  @Test
  void countsMismatchingIds() {
    RowDigests left = new RowDigests(new IdCheck(3, 3, 3, 0, 0), new long[] {0, 1, 2, 3});
    RowDigests right = new RowDigests(new IdCheck(3, 3, 3, 0, 0), new long[] {0, 1, 9, 3});

    assertThat(left.mismatches(right)).isEqualTo(1);
    assertThat(left.mismatches(left)).isZero();
  }

  private static Record record(long id, OffsetDateTime ts, Map<String, String> map) {
    GenericRecord record = GenericRecord.create(TYPE);
    record.setField("id", id);
    record.setField("ts", ts);
    record.setField("tags", List.of("a", "b"));
    record.setField("map", map);
    return record;
  }
}
