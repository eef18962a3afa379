package io.floe.control.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * The benchmark's warehouse on local disk through java.nio. Hadoop's local file system, Iceberg's
 * default here, starts a {@code chmod} process for every file it writes (six per commit): at 1,000
 * commits a minute that is 100 processes a second on the benchmark's machine, which S3 would not
 * cost the control plane it measures.
 */
public class LocalFileIO implements FileIO, SupportsPrefixOperations {
  public LocalFileIO() {}

  @Override
  public InputFile newInputFile(String path) {
    return org.apache.iceberg.Files.localInput(path(path).toFile());
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return org.apache.iceberg.Files.localOutput(path(path).toFile());
  }

  @Override
  public void deleteFile(String path) {
    try {
      Files.deleteIfExists(path(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    Path root = path(prefix);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        files.add(
            new FileInfo(
                file.toUri().toString(),
                attributes.size(),
                attributes.lastModifiedTime().toMillis()));
      }
    } catch (NoSuchFileException e) {
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  @Override
  public void deletePrefix(String prefix) {
    Path root = path(prefix);
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A location as the catalog writes it: {@code file:/...}, {@code file:///...} or a path. */
  static Path path(String location) {
    return location.startsWith("file:")
        ? Path.of(java.net.URI.create(location))
        : Path.of(location);
  }
}
