package io.floe.benchmarks.stack;

import static java.util.Objects.requireNonNull;

import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * The real components a benchmark loads through, each in its own JVM on this machine: a Kafka
 * broker, a Flink session cluster (one JobManager, one TaskManager) and an Iceberg warehouse
 * folder, all under one work folder that is emptied first, so no run inherits another's data.
 */
public final class BenchmarkStack implements AutoCloseable {
  /** Marks a folder as a benchmark's work folder, which the next benchmark may empty. */
  private static final String MARKER = ".floe-benchmark-work";

  private final Path workDir;
  private final LocalKafka kafka;
  private final LocalFlinkCluster flink;

  private BenchmarkStack(Path workDir, LocalKafka kafka, LocalFlinkCluster flink) {
    this.workDir = workDir;
    this.kafka = kafka;
    this.flink = flink;
  }

  /**
   * Empties the work folder (only if a benchmark made it, or it is empty), then starts the broker
   * and the cluster.
   *
   * @param taskSlots slots of the one TaskManager
   * @param taskManagerMemory the TaskManager's process size, e.g. 4096m
   */
  public static BenchmarkStack start(Path workDir, int taskSlots, String taskManagerMemory) {
    requireNonNull(workDir, "workDir is null");
    requireNonNull(taskManagerMemory, "taskManagerMemory is null");
    Path dir = workDir.toAbsolutePath().normalize();
    prepare(dir);
    LocalKafka kafka = LocalKafka.builder(dir.resolve("kafka")).start();
    try {
      LocalFlinkCluster flink =
          LocalFlinkCluster.builder(dir.resolve("flink"))
              .taskSlots(taskSlots)
              .taskManagerMemory(taskManagerMemory)
              // REST metrics (TaskManager heap, records the sources emitted) at most 500 ms old
              // rather than 10 s.
              .config("metrics.fetcher.update-interval", "500")
              // Every job loads the loader's classes in a class loader of its own, and some
              // (Hadoop's shutdown hooks, for one) are never released: an invocation that runs
              // dozens of jobs exhausts the default 256m of metaspace. Managed memory is unused by
              // a streaming job on the heap state backend, so it gives the room back.
              .config("taskmanager.memory.jvm-metaspace.size", "1536m")
              .config("taskmanager.memory.managed.size", "256m")
              .config("jobmanager.memory.process.size", "2048m")
              .config("jobmanager.memory.jvm-metaspace.size", "1024m")
              .start();
      return new BenchmarkStack(dir, kafka, flink);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public Path workDir() {
    return workDir;
  }

  public LocalKafka kafka() {
    return kafka;
  }

  public LocalFlinkCluster flink() {
    return flink;
  }

  /** The Iceberg warehouse of the Hadoop catalog, on local disk. */
  public Path warehouse() {
    return workDir.resolve("warehouse");
  }

  @Override
  public void close() {
    try {
      flink.close();
    } finally {
      kafka.close();
    }
  }

  private static void prepare(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        boolean empty;
        try (Stream<Path> entries = Files.list(dir)) {
          empty = entries.findAny().isEmpty();
        }
        if (!empty && !Files.exists(dir.resolve(MARKER))) {
          throw new IllegalArgumentException(
              "The work folder "
                  + dir
                  + " is not empty and was not made by a benchmark: give an empty or new folder");
        }
        deleteContents(dir);
      }
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(MARKER), "Emptied by the next benchmark run.\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the work folder " + dir, e);
    }
  }

  private static void deleteContents(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path folder, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            if (!folder.equals(dir)) {
              Files.delete(folder);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
