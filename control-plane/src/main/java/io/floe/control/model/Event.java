package io.floe.control.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** Something that happened to a pipeline: what, when, by which request and operation. */
public record Event(
    long id,
    String pipeline,
    Instant at,
    String type,
    String message,
    Optional<String> operationId,
    Optional<String> requestId,
    Optional<String> actor) {
  public Event {
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(at, "at is null");
    requireNonNull(type, "type is null");
    requireNonNull(message, "message is null");
    requireNonNull(operationId, "operationId is null");
    requireNonNull(requestId, "requestId is null");
    requireNonNull(actor, "actor is null");
  }
}
