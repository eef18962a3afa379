package io.floe.loader.deadletter;

import static java.util.Objects.requireNonNull;

import io.floe.loader.parse.BadMessageException;
import io.floe.loader.source.KafkaMessage;
import java.io.Serializable;

/**
 * A message the loader could not turn into a row, with why, on its way to the dead-letter topic.
 */
public final class DeadLetter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final KafkaMessage message;
  private final String reason;
  private final String errorMessage;
  private final String path;

  public DeadLetter(KafkaMessage message, BadMessageException error) {
    this(message, error.reason().name(), error.getMessage(), error.path());
  }

  DeadLetter(KafkaMessage message, String reason, String errorMessage, String path) {
    this.message = requireNonNull(message, "message is null");
    this.reason = requireNonNull(reason, "reason is null");
    this.errorMessage = requireNonNull(errorMessage, "errorMessage is null");
    this.path = requireNonNull(path, "path is null");
  }

  public KafkaMessage message() {
    return message;
  }

  /** The {@link BadMessageException.Reason} name, e.g. MALFORMED_JSON. */
  public String reason() {
    return reason;
  }

  public String errorMessage() {
    return errorMessage;
  }

  /** The failing column or JSON path; empty when the whole message failed. */
  public String path() {
    return path;
  }
}
