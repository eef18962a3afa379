package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The loader JAR on this machine and its content hash, which names the upload: the same content is
 * uploaded to a cluster once, and found again by name after a control-plane restart.
 *
 * @param path the local file
 * @param sha256 the file's SHA-256, in lower-case hex
 * @param size the file's size when hashed
 * @param lastModified the file's modification time when hashed
 */
public record LoaderJar(Path path, String sha256, long size, FileTime lastModified) {
  private static final int NAME_HASH_DIGITS = 16;

  public LoaderJar {
    requireNonNull(path, "path is null");
    requireNonNull(sha256, "sha256 is null");
    requireNonNull(lastModified, "lastModified is null");
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
    }
  }

  /** Hashes the file. */
  public static LoaderJar read(Path path) {
    requireNonNull(path, "path is null");
    try {
      long size = Files.size(path);
      FileTime lastModified = Files.getLastModifiedTime(path);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      try (InputStream in = Files.newInputStream(path)) {
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          digest.update(buffer, 0, n);
        }
      }
      return new LoaderJar(path, HexFormat.of().formatHex(digest.digest()), size, lastModified);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the loader JAR " + path, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The name to upload it under: {@code floe-loader-<first 16 hex digits of the hash>.jar}. */
  public String uploadName() {
    return "floe-loader-" + sha256.substring(0, NAME_HASH_DIGITS) + ".jar";
  }

  /** Whether the file still has the size and modification time it had when it was hashed. */
  public boolean isUnchanged() {
    try {
      return Files.size(path) == size && Files.getLastModifiedTime(path).equals(lastModified);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the loader JAR " + path, e);
    }
  }
}
