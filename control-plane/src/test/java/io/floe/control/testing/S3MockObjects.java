package io.floe.control.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * Ages an object of the local S3 server (S3Mock) by rewriting its stored metadata, as tests of a
 * local warehouse set a file's modification time: S3 has no call that backdates an object, and
 * orphan cleanup only deletes files older than days.
 */
public final class S3MockObjects {
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private S3MockObjects() {}

  /** Sets the LastModified the server reports for {@code bucket/key} (an unversioned object). */
  public static void setLastModified(Path dataDir, String bucket, String key, Instant at) {
    String keyField = "\"key\":\"" + key.replace("\"", "\\\"") + "\"";
    try (Stream<Path> files = Files.walk(dataDir.resolve(bucket))) {
      List<Path> matches =
          files
              .filter(file -> file.getFileName().toString().equals("objectMetadata.json"))
              .filter(file -> read(file).contains(keyField))
              .toList();
      if (matches.size() != 1) {
        throw new IllegalStateException(
            matches.size() + " stored objects are " + bucket + "/" + key + ": " + matches);
      }
      Path file = matches.get(0);
      String metadata =
          read(file)
              .replaceFirst(
                  "\"modificationDate\":\"[^\"]*\"",
                  Matcher.quoteReplacement("\"modificationDate\":\"" + ISO.format(at) + "\""))
              .replaceFirst("\"lastModified\":\\d+", "\"lastModified\":" + at.toEpochMilli());
      Files.writeString(file, metadata, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
