package io.floe.control.artifact;

import static java.util.Objects.requireNonNull;

import software.amazon.awssdk.services.s3.S3Client;

/** The S3 bucket that holds loader JARs (configured with the managed-flink target). */
public record ArtifactBucket(S3Client s3, String name) {
  public ArtifactBucket {
    requireNonNull(s3, "s3 is null");
    requireNonNull(name, "name is null");
  }
}
