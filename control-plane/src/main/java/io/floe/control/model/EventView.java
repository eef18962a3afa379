package io.floe.control.model;

import java.time.Instant;

/** An event as the API shows it. */
public record EventView(
    long id,
    Instant at,
    String type,
    String message,
    String operationId,
    String requestId,
    String actor) {
  public static EventView of(Event event) {
    return new EventView(
        event.id(),
        event.at(),
        event.type(),
        event.message(),
        event.operationId().orElse(null),
        event.requestId().orElse(null),
        event.actor().orElse(null));
  }
}
