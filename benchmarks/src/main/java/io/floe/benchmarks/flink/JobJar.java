package io.floe.benchmarks.flink;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * The JAR of the benchmark's own Flink jobs (stage ceilings, Flink SQL load): their classes, taken
 * from the benchmark's code, plus the shaded loader JAR nested as {@code lib/loader-job.jar}, which
 * Flink extracts onto the job's classpath. So those jobs run the loader's exact classes (source,
 * parser, writer, committer), in the versions the loader runs with.
 */
public final class JobJar {
  /** Class-file prefixes of the job classes (paths inside the benchmark's JAR). */
  static final List<String> JOB_CLASSES =
      List.of("io/floe/benchmarks/jobs/", "io/floe/loader/sink/GeneratedRows");

  private JobJar() {}

  /**
   * Writes the job JAR.
   *
   * @param benchmarkCode the benchmark's JAR or classes folder
   * @param loaderJar the shaded loader JAR to nest
   */
  public static Path write(Path target, Path benchmarkCode, Path loaderJar) {
    requireNonNull(target, "target is null");
    requireNonNull(benchmarkCode, "benchmarkCode is null");
    requireNonNull(loaderJar, "loaderJar is null");
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target))) {
        if (Files.isDirectory(benchmarkCode)) {
          copyClassesFromFolder(benchmarkCode, out);
        } else {
          copyClassesFromJar(benchmarkCode, out);
        }
        nest(loaderJar, out);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the job JAR " + target, e);
    }
  }

  static boolean isJobClass(String path) {
    return JOB_CLASSES.stream().anyMatch(path::startsWith) && path.endsWith(".class");
  }

  private static void copyClassesFromJar(Path jar, JarOutputStream out) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        if (isJobClass(entry.getName())) {
          out.putNextEntry(new JarEntry(entry.getName()));
          try (InputStream in = file.getInputStream(entry)) {
            in.transferTo(out);
          }
          out.closeEntry();
        }
      }
    }
  }

  private static void copyClassesFromFolder(Path folder, JarOutputStream out) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String name = folder.relativize(file).toString().replace('\\', '/');
      if (isJobClass(name)) {
        out.putNextEntry(new JarEntry(name));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  /** Stored, not deflated: the nested JAR is compressed already. */
  private static void nest(Path loaderJar, OutputStream target) throws IOException {
    JarOutputStream out = (JarOutputStream) target;
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(loaderJar)) {
      for (int read; (read = in.read(buffer)) > 0; ) {
        crc.update(buffer, 0, read);
      }
    }
    JarEntry entry = new JarEntry("lib/loader-job.jar");
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(Files.size(loaderJar));
    entry.setCompressedSize(Files.size(loaderJar));
    entry.setCrc(crc.getValue());
    out.putNextEntry(entry);
    Files.copy(loaderJar, out);
    out.closeEntry();
  }
}
