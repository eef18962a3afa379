package io.floe.control.artifact;

import io.floe.control.model.Artifact;
import java.time.Instant;

/** An artifact as the API shows it. */
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
