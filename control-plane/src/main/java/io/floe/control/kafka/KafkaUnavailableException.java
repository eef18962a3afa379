package io.floe.control.kafka;

/** The brokers did not answer (or refused the credentials). */
public class KafkaUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
