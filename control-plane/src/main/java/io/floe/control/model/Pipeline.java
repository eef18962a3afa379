package io.floe.control.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * A stored pipeline: the user's spec and intent, with a generation that every change increments
 * (the ETag).
 */
public record Pipeline(
    String name,
    PipelineSpec spec,
    DesiredState desiredState,
    Map<String, String> labels,
    long generation,
    Instant createdAt,
    Instant updatedAt) {
  public Pipeline {
    requireNonNull(name, "name is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(desiredState, "desiredState is null");
    labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(updatedAt, "updatedAt is null");
  }

  /** The strong ETag of this version. */
  public String etag() {
    return "\"" + generation + "\"";
  }
}
