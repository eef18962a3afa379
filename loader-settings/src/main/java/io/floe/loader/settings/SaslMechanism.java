package io.floe.loader.settings;

/** SASL mechanisms with a username and password, taken from the credentials reference. */
public enum SaslMechanism {
  PLAIN("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
  SCRAM_SHA_256("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"),
  SCRAM_SHA_512("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

  private final String kafkaName;
  private final String loginModule;

  SaslMechanism(String kafkaName, String loginModule) {
    this.kafkaName = kafkaName;
    this.loginModule = loginModule;
  }

  /** The name Kafka's {@code sasl.mechanism} expects. */
  public String kafkaName() {
    return kafkaName;
  }

  public String loginModule() {
    return loginModule;
  }
}
