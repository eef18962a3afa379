package io.floe.control.scale;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the control plane's passes began and what they did, as the benchmark's wrappers saw it, and
 * the pass times computed from that: a pass (the reconciler's or the health monitor's) runs from
 * its listing of the pipelines until the last call made for it before its next pass; the
 * reconciler's looks at pipelines run on its own threads, so they count to the pass that woke them.
 */
final class PassLog {
  private final List<Long> reconcileStarts = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> reconcileCalls = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, List<Long>> observed = new ConcurrentHashMap<>();
  private final List<Long> healthStarts = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> healthCalls = Collections.synchronizedList(new ArrayList<>());

  void reconcilePassStarted(long nanos) {
    reconcileStarts.add(nanos);
  }

  /** A call of the reconciler's (its pass or a look it woke) ended at {@code nanos}. */
  void reconcileCallEnded(long nanos) {
    reconcileCalls.add(nanos);
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
        copy(reconcileStarts),
        copy(reconcileCalls),
        observations,
        copy(healthStarts),
        copy(healthCalls),
        from,
        to);
  }

  static Passes compute(
      List<Long> reconcileStarts,
      List<Long> reconcileCalls,
      Map<String, List<Long>> observations,
      List<Long> healthStarts,
      List<Long> healthCalls,
      long from,
      long to) {
    PassTimes reconcile = passTimes(reconcileStarts, reconcileCalls, from, to);
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
    PassTimes health = passTimes(healthStarts, healthCalls, from, to);
    return new Passes(
        reconcile.finished(),
        reconcile.unfinished(),
        gaps,
        health.finished(),
        health.unfinished(),
        health.longestUnfinished());
  }

  private record PassTimes(List<Double> finished, int unfinished, double longestUnfinished) {}

  /** Each pass from its start to its last call before the next start; unfinished without one. */
  private static PassTimes passTimes(List<Long> starts, List<Long> calls, long from, long to) {
    List<Double> finished = new ArrayList<>();
    int unfinished = 0;
    double longestUnfinished = 0;
    for (int i = 0; i < starts.size(); i++) {
      long start = starts.get(i);
      if (start < from || start >= to) {
        continue;
      }
      long next = i + 1 < starts.size() ? starts.get(i + 1) : Long.MAX_VALUE;
      if (next > to) {
        unfinished++;
        longestUnfinished = Math.max(longestUnfinished, millis(to - start));
        continue;
      }
      long end = start;
      for (long call : calls) {
        if (call >= start && call < next) {
          end = Math.max(end, call);
        }
      }
      finished.add(millis(end - start));
    }
    return new PassTimes(finished, unfinished, longestUnfinished);
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
