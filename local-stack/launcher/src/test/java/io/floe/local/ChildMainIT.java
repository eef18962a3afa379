package io.floe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child of the local stack does not outlive its parent: a parent JVM starts a child whose
 * shutdown hook blocks forever, the parent is killed with SIGKILL, and the child must be gone
 * within seconds, also when nobody reaps the dead parent.
 */
class ChildMainIT {
  private static final Pattern PIDS = Pattern.compile("parent-pid (\\d+) child-pid (\\d+)");
  private static final Duration CHILD_EXIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aChildExitsSoonAfterItsParentIsKilledEvenWhenAShutdownHookBlocks() throws Exception {
    LocalProcess parent =
        LocalProcess.start(
            "parent",
            List.of(testClasses()),
            List.of("-Xmx64m"),
            Parent.class.getName(),
            List.of(dir.resolve("child.log").toString()),
            dir.resolve("parent.log"));
    long child = -1;
    try {
      parent.awaitLog(PIDS, Duration.ofSeconds(60));
      child = pids(dir.resolve("parent.log"))[1];
      assertThat(isRunning(child)).isTrue();

      ProcessHandle.of(parent.pid()).orElseThrow().destroyForcibly();

      awaitGone(child);
      assertThat(Files.readString(dir.resolve("child.log")))
          .contains("shutdown hook blocks")
          .contains("halting");
    } finally {
      parent.kill();
      killIfRunning(child);
    }
  }

  @Test
  void aChildExitsWhenItsKilledParentIsLeftUnreaped() throws Exception {
    // sh starts the parent and becomes "sleep", which never reaps it: the killed parent stays a
    // zombie, which ProcessHandle still reports as alive.
    List<String> command =
        new ArrayList<>(List.of("sh", "-c", "\"$@\" & exec sleep 300", "sh", javaBinary()));
    command.addAll(
        List.of(
            "-Xmx64m",
            "-cp",
            launcherClasses() + java.io.File.pathSeparator + testClasses(),
            Parent.class.getName(),
            dir.resolve("child.log").toString()));
    Path parentLog = dir.resolve("parent.log");
    Process reaperless =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(parentLog.toFile())
            .start();
    long parent = -1;
    long child = -1;
    try {
      long[] pids = await("the parent's pids", () -> pidsIfLogged(parentLog));
      parent = pids[0];
      child = pids[1];

      ProcessHandle.of(parent).orElseThrow().destroyForcibly();
      long killed = parent;
      await("the parent to be a zombie", () -> Optional.of(state(killed)).filter("Z"::equals));
      assertThat(ProcessHandle.of(parent).map(ProcessHandle::isAlive)).contains(true);

      awaitGone(child);
    } finally {
      reaperless.destroyForcibly();
      killIfRunning(parent);
      killIfRunning(child);
    }
  }

  /** Starts a {@link BlockingHookChild}, prints both pids once it runs, and waits. */
  public static final class Parent {
    public static void main(String[] args) throws Exception {
      LocalProcess child =
          LocalProcess.start(
              "child",
              List.of(testClasses()),
              List.of("-Xmx32m"),
              BlockingHookChild.class.getName(),
              List.of(),
              Path.of(args[0]));
      child.awaitLog(Pattern.compile("ready"), Duration.ofSeconds(60));
      System.out.println(
          "parent-pid " + ProcessHandle.current().pid() + " child-pid " + child.pid());
      System.out.flush();
      Thread.sleep(Duration.ofMinutes(5).toMillis());
    }
  }

  /** A child whose shutdown hook never finishes, as a producer flushing to a dead broker. */
  public static final class BlockingHookChild {
    public static void main(String[] args) throws Exception {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    System.out.println("shutdown hook blocks");
                    System.out.flush();
                    while (true) {
                      try {
                        Thread.sleep(Long.MAX_VALUE);
                      } catch (InterruptedException e) {
                        // keep blocking
                      }
                    }
                  }));
      System.out.println("ready");
      System.out.flush();
      Thread.sleep(Duration.ofMinutes(5).toMillis());
    }
  }

  private static void awaitGone(long pid) {
    await("process " + pid + " to exit", () -> Optional.of(pid).filter(p -> !isRunning(p)));
  }

  private static <T> T await(String what, java.util.function.Supplier<Optional<T>> condition) {
    Instant deadline = Instant.now().plus(CHILD_EXIT);
    while (Instant.now().isBefore(deadline)) {
      Optional<T> value = condition.get();
      if (value.isPresent()) {
        return value.get();
      }
      LocalProcess.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError("Timed out after " + CHILD_EXIT + " waiting for " + what);
  }

  private static Optional<long[]> pidsIfLogged(Path log) {
    try {
      return Files.exists(log) && PIDS.matcher(Files.readString(log)).find()
          ? Optional.of(pids(log))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static long[] pids(Path log) throws IOException {
    Matcher m = PIDS.matcher(Files.readString(log, StandardCharsets.UTF_8));
    assertThat(m.find()).as("pids in " + log).isTrue();
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  /** Running: neither gone nor a zombie (which ProcessHandle still counts as alive). */
  private static boolean isRunning(long pid) {
    String state = state(pid);
    return !state.isEmpty() && !"Z".equals(state) && !"X".equals(state);
  }

  /** The process state in /proc/PID/stat (R, S, Z, ...), empty when there is no such process. */
  private static String state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name, in parentheses, may hold spaces: the state follows its closing one.
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ", 2)[0];
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void killIfRunning(long pid) {
    if (pid > 0) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String testClasses() {
    return locationOf(ChildMainIT.class);
  }

  private static String launcherClasses() {
    return locationOf(ChildMain.class);
  }

  private static String locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
