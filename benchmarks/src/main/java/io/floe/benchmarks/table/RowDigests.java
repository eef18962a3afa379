package io.floe.benchmarks.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Every row of a table reduced to a 64-bit digest of all its values, indexed by id, together with
 * the id check: two tables loaded from the same topic by different engines must hold the same
 * digests, which shows that a conversion (such as Flink SQL's timestamp workaround) is exact.
 */
public record RowDigests(IdCheck ids, long[] digests) {

  /** Reads every column of every row of the table's current snapshot. */
  public static RowDigests read(Table table, long expected) {
    if (expected > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException("At most " + (Integer.MAX_VALUE - 1) + " ids");
    }
    table.refresh();
    long[] digests = new long[(int) expected + 1];
    BitSet seen = new BitSet((int) expected + 1);
    long rows = 0;
    long duplicates = 0;
    long outOfRange = 0;
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        rows++;
        long id = (Long) record.getField("id");
        if (id < 1 || id > expected) {
          outOfRange++;
        } else if (seen.get((int) id)) {
          duplicates++;
        } else {
          seen.set((int) id);
          digests[(int) id] = digest(record);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + table.name(), e);
    }
    return new RowDigests(
        new IdCheck(expected, rows, seen.cardinality(), duplicates, outOfRange), digests);
  }

  /** Ids whose rows differ between the two tables (both read with the same N). */
  public long mismatches(RowDigests other) {
    long count = 0;
    int length = Math.min(digests.length, other.digests.length);
    for (int id = 1; id < length; id++) {
      if (digests[id] != other.digests[id]) {
        count++;
      }
    }
    return count + Math.abs(digests.length - other.digests.length);
  }

  /** A digest of the record's values, nested records, lists and maps included. */
  static long digest(Object value) {
    if (value == null) {
      return 0x51ed27L;
    }
    if (value instanceof Record record) {
      long h = 17;
      for (int i = 0; i < record.size(); i++) {
        h = mix(h, digest(record.get(i)));
      }
      return h;
    }
    if (value instanceof List<?> list) {
      long h = 19;
      for (Object element : list) {
        h = mix(h, digest(element));
      }
      return h;
    }
    if (value instanceof Map<?, ?> map) {
      long h = 23;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        h += mix(digest(entry.getKey()), digest(entry.getValue())); // order-independent
      }
      return h;
    }
    return value.hashCode() * 0x9E3779B97F4A7C15L + value.getClass().getName().hashCode();
  }

  private static long mix(long h, long value) {
    long x = (h ^ value) * 0xBF58476D1CE4E5B9L;
    return x ^ (x >>> 31);
  }
}
