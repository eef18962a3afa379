package io.floe.control.runtime.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The complete checkpoints Flink retained for one job in a local checkpoint directory: {@code
 * chk-<n>} folders whose {@code _metadata} file (written last) is there and not empty, newest
 * first, as URIs Flink restores from.
 */
final class RetainedCheckpoints {
  private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

  private RetainedCheckpoints() {}

  static List<String> in(Path jobDirectory) {
    if (!Files.isDirectory(jobDirectory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(jobDirectory)) {
      return entries
          .filter(RetainedCheckpoints::complete)
          .sorted(Comparator.comparingLong(RetainedCheckpoints::number).reversed())
          .map(path -> path.toUri().toString())
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the checkpoints in " + jobDirectory, e);
    }
  }

  private static boolean complete(Path checkpoint) {
    if (number(checkpoint) < 0) {
      return false;
    }
    Path metadata = checkpoint.resolve("_metadata");
    try {
      return Files.isRegularFile(metadata) && Files.size(metadata) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static long number(Path checkpoint) {
    Matcher matcher = CHECKPOINT.matcher(checkpoint.getFileName().toString());
    return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
  }
}
