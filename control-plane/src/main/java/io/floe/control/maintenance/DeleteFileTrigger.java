package io.floe.control.maintenance;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Whether a table's delete files make its compaction due before its interval has passed: the count
 * is read from the table's current snapshot at most once per check interval (each scheduler round
 * asks again, a catalog call each time would cost more than the trigger is worth), and read afresh
 * after each compaction.
 */
final class DeleteFileTrigger {
  private final Clock clock;
  private final Duration recheck;
  private final Map<String, Reading> readings = new ConcurrentHashMap<>();

  DeleteFileTrigger(Clock clock, Duration recheck) {
    this.clock = requireNonNull(clock, "clock is null");
    this.recheck = requireNonNull(recheck, "recheck is null");
  }

  /** Whether the table holds at least {@code minDeleteFiles}, by a reading at most recheck old. */
  boolean due(String table, int minDeleteFiles, LongSupplier deleteFiles) {
    Instant now = clock.instant();
    Reading reading = readings.get(table);
    if (reading == null || !reading.at().plus(recheck).isAfter(now)) {
      reading = new Reading(now, deleteFiles.getAsLong());
      readings.put(table, reading);
    }
    return reading.deleteFiles() >= minDeleteFiles;
  }

  /** Forgets the table's reading: a compaction ran, so its count is stale. */
  void compacted(String table) {
    readings.remove(table);
  }

  private record Reading(Instant at, long deleteFiles) {}
}
