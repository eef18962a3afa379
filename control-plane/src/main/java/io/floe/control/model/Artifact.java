package io.floe.control.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One loader JAR in the artifact bucket, stored once per content under {@code loader/<sha256>.jar}.
 *
 * @param sha256 the JAR's SHA-256 in lower-case hex, its identity
 * @param id the first 12 hex digits of the hash, a short name pipelines may pin
 * @param size the JAR's size in bytes
 * @param bucket the S3 bucket
 * @param key the object key
 * @param versionId the S3 object version written (empty in an unversioned bucket)
 * @param fileName the name it was uploaded with
 * @param source how it came: {@code upload} (REST) or {@code build} (floe.runtime.loader-jar)
 * @param uploadedAt when it was stored
 */
public record Artifact(
    String sha256,
    String id,
    long size,
    String bucket,
    String key,
    Optional<String> versionId,
    String fileName,
    String source,
    Instant uploadedAt) {
  public Artifact {
    requireNonNull(sha256, "sha256 is null");
    requireNonNull(id, "id is null");
    requireNonNull(bucket, "bucket is null");
    requireNonNull(key, "key is null");
    requireNonNull(versionId, "versionId is null");
    requireNonNull(fileName, "fileName is null");
    requireNonNull(source, "source is null");
    requireNonNull(uploadedAt, "uploadedAt is null");
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
    }
  }

  /** The content-addressed key of a JAR: {@code loader/<sha256>.jar}. */
  public static String keyOf(String sha256) {
    return "loader/" + sha256 + ".jar";
  }

  /** Whether a pin (a full hash or a short id) names this artifact. */
  public boolean matches(String pin) {
    return sha256.equals(pin) || id.equals(pin);
  }

  /** The object's ARN, as IAM policies name it. */
  public String objectArn() {
    return "arn:aws:s3:::" + bucket + "/" + key;
  }
}
