package io.floe.control.runtime;

import java.util.Optional;

/**
 * The outcome of a stop-with-savepoint request.
 *
 * @param done whether the request finished (successfully or not)
 * @param path the savepoint's location when it succeeded
 * @param failure why it failed, when it failed
 */
public record SavepointOutcome(boolean done, Optional<String> path, Optional<String> failure) {
  public static SavepointOutcome pending() {
    return new SavepointOutcome(false, Optional.empty(), Optional.empty());
  }

  public static SavepointOutcome completed(String path) {
    return new SavepointOutcome(true, Optional.of(path), Optional.empty());
  }

  public static SavepointOutcome failed(String failure) {
    return new SavepointOutcome(true, Optional.empty(), Optional.of(failure));
  }
}
