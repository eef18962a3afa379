package io.floe.control.scale;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls the control plane made to each external system, by operation, counted by the benchmark's
 * fakes and wrappers; snapshots taken before and after a measurement give its calls.
 */
final class CallCounts {
  private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

  void count(String system, String operation) {
    counts
        .computeIfAbsent(system, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(operation, o -> new LongAdder())
        .increment();
  }

  /** The counts so far, by system and operation, sorted. */
  Snapshot snapshot() {
    Map<String, Map<String, Long>> copy = new TreeMap<>();
    counts.forEach(
        (system, operations) -> {
          Map<String, Long> values = new TreeMap<>();
          operations.forEach((operation, adder) -> values.put(operation, adder.sum()));
          copy.put(system, values);
        });
    return new Snapshot(copy);
  }

  /** Counts by system and operation at one moment. */
  record Snapshot(Map<String, Map<String, Long>> counts) {
    /** The calls made since {@code before}, leaving out operations with none. */
    Snapshot since(Snapshot before) {
      Map<String, Map<String, Long>> delta = new TreeMap<>();
      counts.forEach(
          (system, operations) ->
              operations.forEach(
                  (operation, count) -> {
                    long earlier =
                        before.counts().getOrDefault(system, Map.of()).getOrDefault(operation, 0L);
                    if (count - earlier > 0) {
                      delta
                          .computeIfAbsent(system, s -> new TreeMap<>())
                          .put(operation, count - earlier);
                    }
                  }));
      return new Snapshot(delta);
    }

    long total(String system) {
      return counts.getOrDefault(system, Map.of()).values().stream().mapToLong(c -> c).sum();
    }
  }

  /** Calls per pipeline per minute: {@code calls} made by {@code pipelines} over {@code over}. */
  static double perPipelinePerMinute(long calls, int pipelines, Duration over) {
    if (pipelines <= 0 || over.isZero() || over.isNegative()) {
      throw new IllegalArgumentException("pipelines and the duration must be positive");
    }
    return calls * 60_000.0 / (pipelines * (double) over.toMillis());
  }
}
