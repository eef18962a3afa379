package io.floe.control.artifact;

import io.floe.control.model.Artifact;
import java.time.Instant;

/**
 * An artifact as the API shows it.
 *
 * @param sha256 the hex SHA-256 of the JAR: an artifact is stored once per content
 * @param id the artifact's id, by which a pipeline pins it (runtime.artifact)
 * @param size its size in bytes
 * @param bucket the S3 bucket that holds it
 * @param key its S3 key: loader/ and its SHA-256, .jar
 * @param versionId the S3 object version Managed Flink applications pin, where the bucket is
 *     versioned
 * @param fileName the file name it was uploaded with
 * @param source where it came from: upload, or build (the control plane's own loader JAR)
 * @param uploadedAt when it was stored
 */
public record ArtifactView(
    String sha256,
    String id,
    long size,
    String bucket,
    String key,
    String versionId,
    String fileName,
    String source,
    Instant uploadedAt) {
  public static ArtifactView of(Artifact artifact) {
    return new ArtifactView(
        artifact.sha256(),
        artifact.id(),
        artifact.size(),
        artifact.bucket(),
        artifact.key(),
        artifact.versionId().orElse(null),
        artifact.fileName(),
        artifact.source(),
        artifact.uploadedAt());
  }
}
