package io.floe.loader.credentials;

/**
 * The Kafka credentials could not be read: the reference's store is missing, unreadable or lacks a
 * field. The message names the reference and the field, never a secret value.
 */
public final class CredentialsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CredentialsException(String message) {
    super(message);
  }

  public CredentialsException(String message, Throwable cause) {
    super(message, cause);
  }
}
