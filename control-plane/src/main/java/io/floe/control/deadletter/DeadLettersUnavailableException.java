package io.floe.control.deadletter;

/** The dead-letter topic cannot be read now. */
public class DeadLettersUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DeadLettersUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
