package io.floe.control.deadletter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which dead letters of one dead-letter topic a table has loaded, by partition and offset, as
 * ranges. It is kept in a table property that each redrive commit sets in the same Iceberg
 * transaction as its rows, so the rows and the record of them land together or not at all: a
 * redrive run again, or resumed after a crash, skips exactly what was loaded. Text form: {@code
 * 0:0-41,57;1:3} (partition, then ranges of offsets, both ends included).
 */
final class RedrivenOffsets {
  /** The table property that holds them for {@code topic}. */
  static String property(String topic) {
    return "floe.redriven." + topic;
  }

  private final Map<Integer, NavigableMap<Long, Long>> ranges; // partition -> first -> last

  private RedrivenOffsets(Map<Integer, NavigableMap<Long, Long>> ranges) {
    this.ranges = ranges;
  }

  static RedrivenOffsets none() {
    return new RedrivenOffsets(new TreeMap<>());
  }

  /**
   * Reads the text form; a value that is not one (edited by hand) is refused rather than read as
   * nothing, which would load everything again.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static RedrivenOffsets parse(Optional<String> text) {
    RedrivenOffsets offsets = none();
    if (text.isEmpty() || text.get().isBlank()) {
      return offsets;
    }
    for (String part : text.get().split(";")) {
      int colon = part.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("'" + part + "' has no partition");
      }
      try {
        int partition = Integer.parseInt(part.substring(0, colon).trim());
        for (String range : part.substring(colon + 1).split(",")) {
          int dash = range.indexOf('-');
          long first = Long.parseLong((dash < 0 ? range : range.substring(0, dash)).trim());
          long last = dash < 0 ? first : Long.parseLong(range.substring(dash + 1).trim());
          if (first < 0 || last < first) {
            throw new IllegalArgumentException("'" + range + "' is not a range of offsets");
          }
          offsets.addRange(partition, first, last);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + part + "' is not partition:ranges", e);
      }
    }
    return offsets;
  }

  boolean contains(int partition, long offset) {
    NavigableMap<Long, Long> partitionRanges = ranges.get(partition);
    if (partitionRanges == null) {
      return false;
    }
    Map.Entry<Long, Long> range = partitionRanges.floorEntry(offset);
    return range != null && range.getValue() >= offset;
  }

  /** Adds one offset. */
  void add(int partition, long offset) {
    addRange(partition, offset, offset);
  }

  private void addRange(int partition, long first, long last) {
    NavigableMap<Long, Long> partitionRanges =
        ranges.computeIfAbsent(partition, p -> new TreeMap<>());
    long start = first;
    long end = last;
    Map.Entry<Long, Long> before = partitionRanges.floorEntry(first);
    if (before != null && before.getValue() >= first - 1) {
      start = before.getKey();
      end = Math.max(end, before.getValue());
      partitionRanges.remove(before.getKey());
    }
    Map.Entry<Long, Long> next = partitionRanges.ceilingEntry(start);
    while (next != null && next.getKey() <= end + 1) {
      end = Math.max(end, next.getValue());
      partitionRanges.remove(next.getKey());
      next = partitionRanges.ceilingEntry(start);
    }
    partitionRanges.put(start, end);
  }

  /** A copy, to add a batch to without touching what the table holds until it commits. */
  RedrivenOffsets copy() {
    Map<Integer, NavigableMap<Long, Long>> copied = new TreeMap<>();
    ranges.forEach((partition, r) -> copied.put(partition, new TreeMap<>(r)));
    return new RedrivenOffsets(copied);
  }

  boolean isEmpty() {
    return ranges.values().stream().allMatch(Map::isEmpty);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(ranges)
        .forEach(
            (partition, partitionRanges) -> {
              if (partitionRanges.isEmpty()) {
                return;
              }
              List<String> items = new ArrayList<>();
              partitionRanges.forEach(
                  (first, last) -> items.add(first.equals(last) ? "" + first : first + "-" + last));
              parts.add(partition + ":" + String.join(",", items));
            });
    return String.join(";", parts);
  }
}
