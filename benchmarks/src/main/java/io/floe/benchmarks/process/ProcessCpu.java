package io.floe.benchmarks.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * CPU time of a process on Linux, from {@code /proc/<pid>/stat} (user + system time, all its
 * threads): what a load cost, independent of how long it waited, and the part of it spent by the
 * JIT compiler threads. Also finds the local Flink TaskManager among this JVM's child processes,
 * where local-stack starts it.
 */
public final class ProcessCpu {
  private static final String TASK_MANAGER_MAIN =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

  private final long pid;
  private final long ticksPerSecond;

  private ProcessCpu(long pid, long ticksPerSecond) {
    this.pid = pid;
    this.ticksPerSecond = ticksPerSecond;
  }

  /** The CPU time of this process. */
  public static ProcessCpu of(long pid) {
    return new ProcessCpu(pid, clockTicksPerSecond());
  }

  /** The live TaskManager this JVM started (through local-stack). */
  public static ProcessCpu taskManager() {
    List<ProcessHandle> found =
        ProcessHandle.current()
            .children()
            .filter(ProcessHandle::isAlive)
            .filter(child -> commandLine(child).contains(TASK_MANAGER_MAIN))
            .toList();
    if (found.size() != 1) {
      throw new IllegalStateException(
          "Expected one TaskManager among this JVM's child processes, found " + found.size());
    }
    return of(found.get(0).pid());
  }

  public long pid() {
    return pid;
  }

  /** User plus system CPU time used so far. */
  public Duration used() {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      return Duration.ofNanos(parseTicks(stat) * 1_000_000_000L / ticksPerSecond);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the CPU time of process " + pid + " (Linux /proc only)", e);
    }
  }

  /**
   * User plus system CPU time used so far by the JIT compiler threads (HotSpot's {@code C1
   * CompilerThreadN} and {@code C2 CompilerThreadN}, from {@code /proc/<pid>/task/<tid>/stat}). A
   * compiler thread that exits takes its time out of this sum; with the two compiler threads
   * HotSpot keeps on a 2-core machine (CICompilerCount = 2), none exits.
   */
  public Duration jitCompilation() {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
          continue; // the thread ended
        }
        if (isJitCompiler(stat)) {
          ticks += parseTicks(stat);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the threads of process " + pid, e);
    }
    return Duration.ofNanos(ticks * 1_000_000_000L / ticksPerSecond);
  }

  /** Whether a thread's {@code stat} line names a HotSpot JIT compiler thread. */
  static boolean isJitCompiler(String stat) {
    int start = stat.indexOf('(');
    int end = stat.lastIndexOf(')');
    if (start < 0 || end < start) {
      return false;
    }
    String name = stat.substring(start + 1, end);
    return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
  }

  /**
   * utime + stime in clock ticks from a {@code /proc/<pid>/stat} line. The command name (field 2)
   * is in parentheses and may hold spaces or parentheses itself, so fields are counted after the
   * last ')': utime and stime are fields 14 and 15 of the line.
   */
  static long parseTicks(String stat) {
    int end = stat.lastIndexOf(')');
    if (end < 0) {
      throw new IllegalArgumentException("Not a /proc/<pid>/stat line: " + stat);
    }
    String[] fields = stat.substring(end + 1).trim().split("\\s+");
    // fields[0] is field 3 (state), so field n is fields[n - 3].
    return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
  }

  /**
   * The process's command line from {@code /proc/<pid>/cmdline} (arguments separated by NUL): the
   * JDK's {@code ProcessHandle.Info} leaves it empty for a command line as long as a Flink one.
   */
  private static String commandLine(ProcessHandle process) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return process.info().commandLine().orElse("");
    }
  }

  /** The kernel's USER_HZ, from {@code getconf CLK_TCK}; 100 (the Linux default) if unknown. */
  private static long clockTicksPerSecond() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String output =
          new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (getconf.waitFor() == 0) {
        return Long.parseLong(output);
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
