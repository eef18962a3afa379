package io.floe.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One child JVM of the local stack: started from a recorded classpath, logging to a file, stopped
 * gracefully or killed on purpose (tests inject failures by killing). It exits by itself when this
 * JVM is gone (see {@link ChildMain}).
 */
public final class LocalProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path logFile;
  private final long logStart;

  private LocalProcess(String name, Process process, Path logFile, long logStart) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.logStart = logStart;
  }

  /**
   * Starts {@code mainClass} in a new JVM whose classpath is this launcher plus {@code classpath}.
   */
  public static LocalProcess start(
      String name,
      List<String> classpath,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Path logFile) {
    return start(name, classpath, jvmOptions, mainClass, args, logFile, Map.of());
  }

  /** As {@link #start}, with these variables added to the environment this JVM passes on. */
  public static LocalProcess start(
      String name,
      List<String> classpath,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Path logFile,
      Map<String, String> environment) {
    requireNonNull(name, "name is null");
    requireNonNull(environment, "environment is null");
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    List<String> entries = new ArrayList<>();
    entries.add(launcherLocation());
    entries.addAll(classpath);
    command.add(String.join(java.io.File.pathSeparator, entries));
    command.add(ChildMain.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(mainClass);
    command.addAll(args);
    try {
      Files.createDirectories(logFile.getParent());
      // The log is appended to: a process started again reads its own lines only.
      long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(environment);
      Process process = builder.start();
      return new LocalProcess(name, process, logFile, logStart);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name, e);
    }
  }

  /** Runs a JVM to completion and returns what it printed; fails on a non-zero exit. */
  public static String run(
      String name, List<String> classpath, String mainClass, List<String> args, Path logFile) {
    try {
      Files.deleteIfExists(logFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (LocalProcess process = start(name, classpath, List.of(), mainClass, args, logFile)) {
      if (!process.process.waitFor(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException(name + " did not finish within 2 minutes");
      }
      String output = Files.readString(logFile, StandardCharsets.UTF_8);
      if (process.process.exitValue() != 0) {
        throw new IllegalStateException(
            name + " exited with " + process.process.exitValue() + ":\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + name, e);
    }
  }

  /** Reads a classpath recorded at build time by one of the local-stack classpath modules. */
  static List<String> recordedClasspath(String resource) {
    try (var in = LocalProcess.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing classpath resource " + resource);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return List.of(text.split(java.io.File.pathSeparator));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String launcherLocation() {
    try {
      return Paths.get(ChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until what this process logged contains a line matching {@code pattern}, failing early if
   * it exits.
   */
  public void awaitLog(Pattern pattern, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (logMatches(pattern)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + "; see " + logFile);
      }
      sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException(
        name + " did not log /" + pattern + "/ within " + timeout + "; see " + logFile);
  }

  private boolean logMatches(Pattern pattern) {
    try {
      if (!Files.exists(logFile)) {
        return false;
      }
      byte[] log = Files.readAllBytes(logFile);
      int from = (int) Math.min(logStart, log.length);
      String own = new String(log, from, log.length - from, StandardCharsets.ISO_8859_1);
      return pattern.matcher(own).find();
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until something accepts connections on the port. */
  public void awaitPort(int port, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("localhost", port), 500);
        return;
      } catch (IOException e) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name + " exited with " + process.exitValue() + "; see " + logFile, e);
        }
        sleep(Duration.ofMillis(200));
      }
    }
    throw new IllegalStateException(name + " did not open port " + port + " within " + timeout);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return logFile;
  }

  /** Waits until the process exited and returns its exit code. */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** Kills the process at once (SIGKILL), as a crash would. */
  public void kill() {
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(30));
  }

  /** Stops the process gracefully (SIGTERM), killing it if it does not exit in time. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!waitForExit(Duration.ofSeconds(30))) {
      kill();
    }
  }

  private boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A port that was free a moment ago. */
  public static int freePort() {
    return freePorts(1, Set.of()).get(0);
  }

  /**
   * Ports that were free a moment ago, all different from each other and from {@code taken} (the
   * ports a process already has): each is held open until all are chosen, so the system cannot hand
   * out one twice, as it can to two {@link #freePort()} calls in a row.
   */
  public static List<Integer> freePorts(int count, Set<Integer> taken) {
    List<ServerSocket> open = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try {
      while (ports.size() < count) {
        ServerSocket socket = new ServerSocket(0);
        open.add(socket);
        if (!taken.contains(socket.getLocalPort())) {
          ports.add(socket.getLocalPort());
        }
      }
      return List.copyOf(ports);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : open) {
        try {
          socket.close();
        } catch (IOException e) {
          // It was only held to reserve the port.
        }
      }
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
