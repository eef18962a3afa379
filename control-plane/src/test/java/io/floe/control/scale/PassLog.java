package io.floe.control.scale;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the control plane's passes began and what they did, as the benchmark's wrappers saw it, and
 * the pass times computed from that: a reconcile pass runs from the reconciler listing the
 * pipelines until every running pipeline was observed in the runtime after it; a health pass from
 * the health monitor listing them until the last call it made before its next pass.
 */
final class PassLog {
  private final List<Long> reconcileStarts = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, List<Long>> observed = new ConcurrentHashMap<>();
  private final List<Long> healthStarts = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> healthCalls = Collections.synchronizedList(new ArrayList<>());

  void reconcilePassStarted(long nanos) {
    reconcileStarts.add(nanos);
  }

  /** The reconciler finished observing run {@code runId} at {@code nanos}. */
  void reconcileObserved(String runId, long nanos) {
    observed
        .computeIfAbsent(runId, id -> Collections.synchronizedList(new ArrayList<>()))
        .add(nanos);
  }

  void healthPassStarted(long nanos) {
    healthStarts.add(nanos);
  }

  /** A call of the health pass under way ended at {@code nanos}. */
  void healthCallEnded(long nanos) {
    healthCalls.add(nanos);
  }

  /** What a window of the log says. */
  record Passes(
      List<Double> reconcilePassMillis,
      int reconcilePassesUnfinished,
      List<Double> observeGapMillis,
      List<Double> healthPassMillis,
      int healthPassesUnfinished,
      double longestUnfinishedHealthPassMillis) {}

  /** The passes that began in [{@code from}, {@code to}), for the given runs. */
  Passes passes(Collection<String> runIds, long from, long to) {
    Map<String, List<Long>> observations = new ConcurrentHashMap<>();
    for (String runId : runIds) {
      observations.put(runId, copy(observed.getOrDefault(runId, List.of())));
    }
    return compute(
        copy(reconcileStarts), observations, copy(healthStarts), copy(healthCalls), from, to);
  }

  static Passes compute(
      List<Long> reconcileStarts,
      Map<String, List<Long>> observations,
      List<Long> healthStarts,
      List<Long> healthCalls,
      long from,
      long to) {
    List<Double> reconcilePasses = new ArrayList<>();
    int reconcileUnfinished = 0;
    for (long start : reconcileStarts) {
      if (start < from || start >= to) {
        continue;
      }
      long end = start;
      boolean finished = true;
      for (List<Long> times : observations.values()) {
        long first = firstAtOrAfter(times, start);
        if (first < 0 || first > to) {
          finished = false;
          break;
        }
        end = Math.max(end, first);
      }
      if (finished) {
        reconcilePasses.add(millis(end - start));
      } else {
        reconcileUnfinished++;
      }
    }
    List<Double> gaps = new ArrayList<>();
    for (List<Long> times : observations.values()) {
      long previous = -1;
      for (long time : times) {
        if (time >= from && time <= to) {
          if (previous >= 0) {
            gaps.add(millis(time - previous));
          }
          previous = time;
        }
      }
    }
    List<Double> healthPasses = new ArrayList<>();
    int healthUnfinished = 0;
    double longestUnfinished = 0;
    for (int i = 0; i < healthStarts.size(); i++) {
      long start = healthStarts.get(i);
      if (start < from || start >= to) {
        continue;
      }
      long next = i + 1 < healthStarts.size() ? healthStarts.get(i + 1) : Long.MAX_VALUE;
      if (next > to) {
        healthUnfinished++;
        longestUnfinished = Math.max(longestUnfinished, millis(to - start));
        continue;
      }
      long end = start;
      for (long call : healthCalls) {
        if (call >= start && call < next) {
          end = Math.max(end, call);
        }
      }
      healthPasses.add(millis(end - start));
    }
    return new Passes(
        reconcilePasses,
        reconcileUnfinished,
        gaps,
        healthPasses,
        healthUnfinished,
        longestUnfinished);
  }

  private static long firstAtOrAfter(List<Long> sortedTimes, long start) {
    for (long time : sortedTimes) {
      if (time >= start) {
        return time;
      }
    }
    return -1;
  }

  private static List<Long> copy(List<Long> list) {
    synchronized (list) {
      List<Long> copy = new ArrayList<>(list);
      Collections.sort(copy);
      return copy;
    }
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
