package io.floe.control.artifact;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Artifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Loader JARs for Managed Flink: each content is stored once in the artifact bucket under {@code
 * loader/<sha256>.jar}, with the S3 object version that applications pin, and registered in the
 * database. Uploads over 512 MiB (the Managed Flink limit) are refused before anything is stored.
 * The JAR of the build ({@code floe.runtime.loader-jar}) is registered at startup and is the
 * default of pipelines that pin none.
 */
public class ArtifactService {
  /** Managed Flink's limit on application code. */
  public static final long MAX_BYTES = 512L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ArtifactService.class);

  private final ArtifactStore store;
  private final ObjectProvider<ArtifactBucket> bucket;
  private final Optional<Path> buildJar;
  private final Clock clock;
  private final long maxBytes;
  private volatile Optional<String> buildArtifact = Optional.empty();

  /**
   * @param buildJar the build's loader JAR, registered at startup when Managed Flink is configured
   */
  public ArtifactService(
      ArtifactStore store,
      ObjectProvider<ArtifactBucket> bucket,
      Optional<Path> buildJar,
      Clock clock) {
    this(store, bucket, buildJar, clock, MAX_BYTES);
  }

  ArtifactService(
      ArtifactStore store,
      ObjectProvider<ArtifactBucket> bucket,
      Optional<Path> buildJar,
      Clock clock,
      long maxBytes) {
    this.store = requireNonNull(store, "store is null");
    this.bucket = requireNonNull(bucket, "bucket is null");
    this.buildJar = requireNonNull(buildJar, "buildJar is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.maxBytes = maxBytes;
  }

  /** Whether artifacts can be stored here (the managed-flink target is configured). */
  public boolean configured() {
    return bucket.getIfAvailable() != null;
  }

  /**
   * Stores a JAR once per content; uploading the same content again returns the first artifact.
   *
   * @throws ArtifactException TOO_LARGE over 512 MiB, NOT_A_JAR for anything but a ZIP file,
   *     NOT_CONFIGURED without an artifact bucket, UNAVAILABLE when S3 fails
   */
  public Artifact upload(InputStream content, String fileName, String source) {
    requireNonNull(content, "content is null");
    ArtifactBucket target = bucket.getIfAvailable();
    if (target == null) {
      throw new ArtifactException(
          ArtifactException.Kind.NOT_CONFIGURED,
          "No artifact bucket is configured: set floe.runtime.managed-flink.artifact-bucket");
    }
    String name = fileName == null || fileName.isBlank() ? "loader.jar" : fileName;
    Path temp = null;
    try {
      temp = Files.createTempFile("floe-artifact-", ".jar");
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      long size = copy(content, temp, sha256);
      byte[] digest = sha256.digest();
      String hash = HexFormat.of().formatHex(digest);
      Optional<Artifact> existing = store.find(hash);
      if (existing.isPresent()) {
        return existing.get();
      }
      requireJar(temp, name);
      String key = Artifact.keyOf(hash);
      PutObjectResponse put;
      try {
        put =
            target
                .s3()
                .putObject(
                    request ->
                        request
                            .bucket(target.name())
                            .key(key)
                            .contentLength(size)
                            .contentType("application/java-archive")
                            .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                            .checksumSHA256(Base64.getEncoder().encodeToString(digest)),
                    RequestBody.fromFile(temp));
      } catch (SdkException e) {
        throw new ArtifactException(
            ArtifactException.Kind.UNAVAILABLE,
            "Could not store the artifact in s3://"
                + target.name()
                + "/"
                + key
                + ": "
                + e.getMessage(),
            e);
      }
      Optional<String> version =
          Optional.ofNullable(put.versionId()).filter(v -> !v.equals("null"));
      if (version.isEmpty()) {
        LOG.warn(
            "Bucket {} is not versioned: artifact {} has no object version to pin",
            target.name(),
            hash);
      }
      Artifact artifact =
          new Artifact(
              hash,
              hash.substring(0, 12),
              size,
              target.name(),
              key,
              version,
              name,
              source,
              // As the database keeps it, so that the answer equals every later read.
              clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
      if (!store.insert(artifact)) {
        return store.find(hash).orElse(artifact);
      }
      LOG.info(
          "Registered loader artifact {} ({} bytes, version {})", hash, size, version.orElse("-"));
      return artifact;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot buffer the artifact", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          LOG.debug("Cannot delete {}", temp, e);
        }
      }
    }
  }

  /** Registers the build's loader JAR (floe.runtime.loader-jar) when not registered yet. */
  public Optional<Artifact> registerBuildJar() {
    if (buildJar.isEmpty() || !configured()) {
      return Optional.empty();
    }
    Path jar = buildJar.orElseThrow();
    try (InputStream in = Files.newInputStream(jar)) {
      Artifact artifact = upload(in, jar.getFileName().toString(), "build");
      buildArtifact = Optional.of(artifact.sha256());
      return Optional.of(artifact);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read floe.runtime.loader-jar " + jar, e);
    }
  }

  @EventListener(ApplicationReadyEvent.class)
  void registerOnStartup() {
    try {
      registerBuildJar();
    } catch (RuntimeException e) {
      LOG.warn("Could not register the build's loader JAR as an artifact: {}", e.getMessage(), e);
    }
  }

  public List<Artifact> list() {
    return store.list();
  }

  /** The artifact a pin names. */
  public Optional<Artifact> find(String pin) {
    return store.find(pin);
  }

  /**
   * The artifact to deploy for a pin, or the default without one: the build's JAR, else the newest
   * upload.
   */
  public Optional<Artifact> resolve(Optional<String> pin) {
    if (pin.isPresent()) {
      return store.find(pin.get());
    }
    Optional<Artifact> build = buildArtifact.flatMap(store::find);
    return build.isPresent() ? build : store.list().stream().findFirst();
  }

  private long copy(InputStream content, Path temp, MessageDigest digest) throws IOException {
    long size = 0;
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(temp)) {
      for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
        size += n;
        if (size > maxBytes) {
          throw new ArtifactException(
              ArtifactException.Kind.TOO_LARGE,
              "The artifact is larger than "
                  + maxBytes / (1024 * 1024)
                  + " MiB, the Managed Flink limit on application code");
        }
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    return size;
  }

  private static void requireJar(Path file, String name) throws IOException {
    byte[] magic = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(magic, 0, 4) < 4
          || magic[0] != 'P'
          || magic[1] != 'K'
          || magic[2] != 3
          || magic[3] != 4) {
        throw new ArtifactException(
            ArtifactException.Kind.NOT_A_JAR, name + " is not a JAR (ZIP) file");
      }
    }
  }
}
