package io.floe.control.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time over a window: of this JVM without the benchmark's own threads (named {@code bench-}:
 * the fake runtime and its HTTP dispatcher, the table writer, the API clients), which leaves the
 * control plane with the JVM's shared threads (garbage collector, JIT compiler); and of the child
 * processes (PostgreSQL, the Kafka broker), read from {@code /proc}.
 */
final class CpuMeter {
  private static final double CLOCK_TICKS_PER_SECOND = 100.0;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** CPU times at one moment, in nanoseconds. */
  record Reading(long at, long process, Map<Long, Long> benchThreads, long children) {}

  Reading read() {
    Map<Long, Long> bench = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && isBench(info.getThreadName())) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          bench.put(info.getThreadId(), cpu);
        }
      }
    }
    long children =
        ProcessHandle.current().descendants().mapToLong(p -> procCpuNanos(p.pid())).sum();
    return new Reading(System.nanoTime(), os.getProcessCpuTime(), bench, children);
  }

  /** Cores used between two readings: by the control plane, and by the child processes. */
  record Use(double controlPlaneCores, double benchCores, double childCores) {}

  static Use between(Reading start, Reading end) {
    double wall = end.at() - start.at();
    long bench = 0;
    for (Map.Entry<Long, Long> thread : end.benchThreads().entrySet()) {
      bench += thread.getValue() - start.benchThreads().getOrDefault(thread.getKey(), 0L);
    }
    long process = end.process() - start.process();
    return new Use(
        (process - bench) / wall, bench / wall, (end.children() - start.children()) / wall);
  }

  static boolean isBench(String threadName) {
    return threadName.startsWith("bench-") || threadName.equals("HTTP-Dispatcher");
  }

  /** utime + stime of a process, in nanoseconds; 0 when it is gone. */
  static long procCpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return (long) (ticks / CLOCK_TICKS_PER_SECOND * 1_000_000_000L);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
