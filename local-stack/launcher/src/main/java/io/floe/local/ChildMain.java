package io.floe.local;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;

/**
 * Entry point of every child JVM the local stack starts: runs the real main class and exits when
 * the parent process is gone, so that a crashed or killed test or control plane never leaves a
 * broker, a Flink process or a publisher behind.
 *
 * <p>The parent counts as gone as soon as this process has another parent: the kernel hands a child
 * to init (or a subreaper) the moment its parent exits, whatever the signal, even while the dead
 * parent waits to be reaped (a zombie still looks alive to {@link ProcessHandle#isAlive()}). The
 * child then exits through {@link System#exit}, so shutdown hooks run (a broker closes its logs),
 * but halts if that has not finished within {@link #GRACE}: a hook that blocks (a Kafka producer
 * flushing to a broker that went away at the same moment) must not keep it alive.
 *
 * <p>Usage: {@code ChildMain <parent pid> <main class> [args...]}, where the parent pid is that of
 * the process that starts this JVM (as {@link LocalProcess} does).
 */
public final class ChildMain {
  /** How long a child may take to exit gracefully once its parent is gone. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private static final Duration POLL = Duration.ofMillis(250);

  private ChildMain() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: ChildMain <parent pid> <main class> [args...]");
    }
    long parentPid = Long.parseLong(args[0]);
    Thread watch = new Thread(() -> exitWhenOrphaned(parentPid), "floe-parent-watch");
    watch.setDaemon(true);
    watch.start();
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void exitWhenOrphaned(long parentPid) {
    while (isParent(parentPid)) {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        // Nothing interrupts this thread on purpose: keep watching.
      }
    }
    System.err.println(
        "Parent process "
            + parentPid
            + " ended; exiting (halting if that takes more than "
            + GRACE.toSeconds()
            + " s).");
    Thread halt =
        new Thread(
            () -> {
              try {
                Thread.sleep(GRACE.toMillis());
              } catch (InterruptedException e) {
                // halt at once
              }
              System.err.println(
                  "Graceful exit took more than " + GRACE.toSeconds() + " s; halting.");
              Runtime.getRuntime().halt(1);
            },
            "floe-halt-after-grace");
    halt.setDaemon(true);
    halt.start();
    System.exit(0);
  }

  /** Whether the process with this pid is (still) the parent of this one. */
  static boolean isParent(long pid) {
    return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == pid;
  }
}
