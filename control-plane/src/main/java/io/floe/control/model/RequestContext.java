package io.floe.control.model;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** Who asked and under which request id: recorded with every operation and event. */
public record RequestContext(String requestId, Optional<String> actor) {
  public RequestContext {
    requireNonNull(requestId, "requestId is null");
    requireNonNull(actor, "actor is null");
  }

  /** Work the control plane starts on its own. */
  public static RequestContext system(String what) {
    return new RequestContext(what, Optional.of("floe"));
  }
}
