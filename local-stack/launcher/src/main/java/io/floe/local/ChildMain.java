package io.floe.local;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child JVM the local stack starts: runs the real main class and exits when
 * the parent process is gone, so that a crashed test or control plane never leaves a broker or a
 * Flink process behind.
 *
 * <p>Usage: {@code ChildMain <parent pid> <main class> [args...]}
 */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: ChildMain <parent pid> <main class> [args...]");
    }
    long parentPid = Long.parseLong(args[0]);
    ProcessHandle.of(parentPid)
        .ifPresentOrElse(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          System.err.println("Parent process " + parentPid + " ended; exiting.");
                          System.exit(0);
                        }),
            () -> System.exit(0));
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
