package io.floe.benchmarks.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Whether a table holds exactly the ids 1..N, each once: the exactly-once evidence of a run, read
 * from the data files (only the {@code id} column), not from the commits' counters.
 */
public record IdCheck(long expected, long rows, long distinct, long duplicates, long outOfRange) {

  /** Reads every {@code id} of the table's current snapshot. */
  public static IdCheck read(Table table, long expected) {
    if (expected > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException(
          "At most " + (Integer.MAX_VALUE - 1) + " ids: " + expected);
    }
    table.refresh();
    BitSet seen = new BitSet((int) expected + 1);
    long rows = 0;
    long duplicates = 0;
    long outOfRange = 0;
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).select("id").build()) {
      for (Record record : records) {
        rows++;
        long id = (Long) record.getField("id");
        if (id < 1 || id > expected) {
          outOfRange++;
        } else if (seen.get((int) id)) {
          duplicates++;
        } else {
          seen.set((int) id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + table.name(), e);
    }
    return new IdCheck(expected, rows, seen.cardinality(), duplicates, outOfRange);
  }

  /** Exactly ids 1..N, each once. */
  public boolean exact() {
    return rows == expected && distinct == expected && duplicates == 0 && outOfRange == 0;
  }

  /** One line: OK, or what is wrong. */
  public String describe() {
    if (exact()) {
      return "exact: " + rows + " rows, ids 1.." + expected + " each once";
    }
    return "NOT EXACT: "
        + rows
        + " rows, "
        + distinct
        + " distinct ids of "
        + expected
        + " expected ("
        + (expected - distinct)
        + " missing), "
        + duplicates
        + " duplicates, "
        + outOfRange
        + " outside 1.."
        + expected;
  }
}
