package io.floe.benchmarks.environment;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a figure was measured on: cores, memory, CPU model, Java, kernel and how busy the machine
 * was, so that numbers from different machines (or a busy one) are never compared blindly.
 */
public final class Machine {
  private final int cores;
  private final long memoryBytes;
  private final String cpuModel;
  private final String java;
  private final String kernel;
  private final double loadAverage;

  private Machine(
      int cores,
      long memoryBytes,
      String cpuModel,
      String java,
      String kernel,
      double loadAverage) {
    this.cores = cores;
    this.memoryBytes = memoryBytes;
    this.cpuModel = cpuModel;
    this.java = java;
    this.kernel = kernel;
    this.loadAverage = loadAverage;
  }

  /** This machine, now. */
  public static Machine current() {
    long memory =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getTotalMemorySize()
            : -1;
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        memory,
        readCpuModel().orElse("unknown"),
        System.getProperty("java.runtime.version", System.getProperty("java.version"))
            + " ("
            + System.getProperty("java.vm.name")
            + ", "
            + System.getProperty("java.vendor")
            + ")",
        readFirstLine(Path.of("/proc/sys/kernel/osrelease"))
            .orElse(System.getProperty("os.name") + " " + System.getProperty("os.version")),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** Processors available to the JVM (Runtime.availableProcessors). */
  public int cores() {
    return cores;
  }

  /** Physical memory in bytes; -1 when unknown. */
  public long memoryBytes() {
    return memoryBytes;
  }

  public String cpuModel() {
    return cpuModel;
  }

  public String java() {
    return java;
  }

  /** The kernel release, as {@code uname -r} prints it. */
  public String kernel() {
    return kernel;
  }

  /** The 1-minute load average; negative when unknown. */
  public double loadAverage() {
    return loadAverage;
  }

  /** The 1-minute load average now. */
  public static double currentLoadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static Optional<String> readCpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return Optional.of(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return Optional.empty();
  }

  private static Optional<String> readFirstLine(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .findFirst()
          .map(String::trim);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
