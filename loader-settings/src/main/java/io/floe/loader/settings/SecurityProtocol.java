package io.floe.loader.settings;

/** Kafka security protocols the loader can connect with. */
public enum SecurityProtocol {
  PLAINTEXT,
  SSL,
  SASL_PLAINTEXT,
  SASL_SSL;

  public boolean usesSasl() {
    return this == SASL_PLAINTEXT || this == SASL_SSL;
  }
}
