package io.floe.benchmarks.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Diagnostic commands to another JVM on this machine through the JDK's {@code jcmd}. */
public final class Jcmd {
  private Jcmd() {}

  /** Runs {@code jcmd <pid> <command...>}; fails with its output if it reports an error. */
  public static void run(long pid, String... command) {
    List<String> args = new ArrayList<>();
    args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    args.add(Long.toString(pid));
    args.addAll(List.of(command));
    try {
      Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0 || output.contains("Exception") || output.contains("Could not")) {
        throw new IllegalStateException(String.join(" ", args) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run jcmd", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
