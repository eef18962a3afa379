package io.floe.control.model;

import java.time.Instant;

/**
 * An event as the API shows it.
 *
 * @param id the event's number; larger is newer
 * @param at when it happened
 * @param type what happened, e.g. CREATED, RUN_SUBMITTED, RECOVERING, SCHEMA_CHANGED
 * @param message what happened, in words
 * @param operationId the operation it belongs to, if any
 * @param requestId the API request that caused it, if any (X-Request-Id)
 * @param actor who made that request, if any
 */
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
