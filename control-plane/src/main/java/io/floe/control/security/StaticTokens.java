package io.floe.control.security;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The static bearer tokens, kept only as SHA-256 hashes: configured ones, plus the local admin
 * token that a local run generates on its first start (written once to a file only its owner can
 * read, and announced in the log by its path, never its value).
 */
@Component
public class StaticTokens {
  private static final Logger LOG = LoggerFactory.getLogger(StaticTokens.class);

  /** A caller known by a token. */
  public record Caller(String name, Role role) {}

  private final Map<String, Caller> byHash = new ConcurrentHashMap<>();

  public StaticTokens(SecurityProperties properties) {
    requireNonNull(properties, "properties is null");
    for (SecurityProperties.Token token : properties.tokens()) {
      byHash.put(token.sha256(), new Caller(token.name(), Role.parse(token.role()).orElseThrow()));
    }
    if (properties.localAdminTokenFile() != null) {
      String token = localAdminToken(properties.localAdminTokenFile());
      byHash.put(sha256(token), new Caller("local-admin", Role.ADMIN));
    }
  }

  public Optional<Caller> find(String token) {
    return Optional.ofNullable(byHash.get(sha256(token)));
  }

  private static String localAdminToken(Path file) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = "floe_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      LOG.info(
          "\n\n  Generated a local admin token in {}\n  Use it as: curl -H \"Authorization: Bearer"
              + " $(cat {})\" http://localhost:8080/pipelines\n",
          file,
          file);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or write " + file, e);
    }
  }

  public static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  List<Caller> callers() {
    return List.copyOf(byHash.values());
  }
}
