package io.floe.loader.credentials;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.CredentialsReference;
import io.floe.loader.settings.SaslMechanism;
import io.floe.loader.settings.SecurityProtocol;
import io.floe.loader.settings.SourceSettings;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * Turns a source's settings into the Kafka client properties that carry its security: the user's
 * pass-through {@code source.kafka.*} properties, then {@code security.protocol} and, with SASL,
 * {@code sasl.mechanism} and a {@code sasl.jaas.config} login built from the resolved credentials.
 * The one place where credentials meet the Kafka client.
 */
public final class KafkaSecurityProperties {
  private final CredentialsResolver resolver;

  public KafkaSecurityProperties(CredentialsResolver resolver) {
    this.resolver = requireNonNull(resolver, "resolver is null");
  }

  /**
   * The client properties for the source. PLAINTEXT adds nothing to the pass-through properties (it
   * is Kafka's default); SSL adds the protocol (trust and key stores come through {@code
   * source.kafka.ssl.*}); SASL protocols resolve the credentials, once per call.
   *
   * <p>The result holds the password inside {@code sasl.jaas.config}: never log it. Kafka itself
   * logs that key as {@code [hidden]}.
   *
   * @throws CredentialsException if the credentials cannot be resolved
   */
  public Properties forSource(SourceSettings source) {
    return securityOf(source);
  }

  /**
   * The properties of a client of the source's brokers: {@link #forSource} plus {@code
   * bootstrap.servers}, for clients built from properties alone (the control plane's admin client
   * and readers; the loader gives the servers to the connector's builders).
   *
   * @throws CredentialsException if the credentials cannot be resolved
   */
  public Properties forClient(SourceSettings source) {
    Properties properties = securityOf(source);
    properties.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
    return properties;
  }

  private Properties securityOf(SourceSettings source) {
    requireNonNull(source, "source is null");
    Properties properties = new Properties();
    properties.putAll(source.kafkaProperties());
    SecurityProtocol protocol = source.securityProtocol();
    if (protocol == SecurityProtocol.PLAINTEXT) {
      return properties;
    }
    properties.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name());
    if (protocol.usesSasl()) {
      SaslMechanism mechanism =
          source
              .saslMechanism()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          SourceSettings.SASL_MECHANISM.key()
                              + " is required with security protocol "
                              + protocol));
      CredentialsReference reference =
          source
              .credentials()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          SourceSettings.CREDENTIALS.key()
                              + " is required with security protocol "
                              + protocol));
      KafkaCredentials credentials =
          resolver.resolve(reference, source.usernameField(), source.passwordField());
      properties.setProperty(SaslConfigs.SASL_MECHANISM, mechanism.kafkaName());
      properties.setProperty(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(mechanism, credentials));
    }
    return properties;
  }

  /**
   * {@code <LoginModule> required username="..." password="...";}, each value quoted so that
   * Kafka's JAAS parser reads it back unchanged.
   */
  static String jaasConfig(SaslMechanism mechanism, KafkaCredentials credentials) {
    return mechanism.loginModule()
        + " required username="
        + quoted(credentials.username())
        + " password="
        + quoted(credentials.password())
        + ";";
  }

  /**
   * A JAAS option value in double quotes. Kafka parses {@code sasl.jaas.config} with a {@link
   * java.io.StreamTokenizer}, which reads a backslash as an escape and ends a quoted string at a
   * line break: so backslashes and quotes are escaped, and line breaks written as escapes.
   */
  static String quoted(String value) {
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\':
          quoted.append("\\\\");
          break;
        case '"':
          quoted.append("\\\"");
          break;
        case '\n':
          quoted.append("\\n");
          break;
        case '\r':
          quoted.append("\\r");
          break;
        default:
          quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}
