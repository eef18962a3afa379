package io.floe.loader.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.SaslMechanism;
import io.floe.loader.settings.SourceSettings;
import io.floe.testing.aws.AwsJsonFakeServer;
import io.floe.testing.aws.FakeSecretsManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class KafkaSecurityPropertiesTest {
  private final Map<String, String> environment = new HashMap<>();

  @TempDir Path directory;

  private KafkaSecurityProperties properties() {
    return new KafkaSecurityProperties(
        new CredentialsResolver(
            secretId -> {
              throw new AssertionError("no Secrets Manager in this test");
            },
            environment::get));
  }

  private static SourceSettings source(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("pipeline.name", "orders");
    settings.put("source.bootstrap-servers", "localhost:9092");
    settings.put("source.topics", "orders");
    settings.put("table.catalog.type", "hadoop");
    settings.put("table.catalog.warehouse", "file:///tmp/warehouse");
    settings.put("table.namespace", "sales");
    settings.put("table.name", "orders");
    settings.putAll(extra);
    return LoaderSettings.parse(settings).source();
  }

  /** Reads the properties back the way a Kafka consumer does, login options included. */
  private static AppConfigurationEntry kafkaLogin(Properties properties) {
    Properties consumer = new Properties();
    consumer.putAll(properties);
    consumer.put("bootstrap.servers", "localhost:9092");
    consumer.put("key.deserializer", ByteArrayDeserializer.class.getName());
    consumer.put("value.deserializer", ByteArrayDeserializer.class.getName());
    ConsumerConfig config = new ConsumerConfig(consumer);
    List<AppConfigurationEntry> entries =
        JaasContext.loadClientContext(config.values()).configurationEntries();
    assertThat(entries).hasSize(1);
    return entries.get(0);
  }

  @Test
  void plaintextAddsNothingToThePassThroughProperties() {
    Properties properties =
        properties()
            .forSource(
                source(Map.of("source.kafka.fetch.min.bytes", "1024", "source.kafka.acks", "all")));

    assertThat(properties)
        .containsOnly(Map.entry("fetch.min.bytes", "1024"), Map.entry("acks", "all"));
  }

  @Test
  void aClientAlsoGetsTheBootstrapServers() {
    Properties properties =
        properties().forClient(source(Map.of("source.security-protocol", "ssl")));

    assertThat(properties)
        .containsOnly(
            Map.entry("bootstrap.servers", "localhost:9092"),
            Map.entry("security.protocol", "SSL"));
  }

  @Test
  void sslAddsTheProtocol() {
    Properties properties =
        properties()
            .forSource(
                source(
                    Map.of(
                        "source.security-protocol", "ssl",
                        "source.kafka.ssl.truststore.location", "/etc/kafka/truststore.jks")));

    assertThat(properties)
        .containsOnly(
            Map.entry("security.protocol", "SSL"),
            Map.entry("ssl.truststore.location", "/etc/kafka/truststore.jks"));
  }

  @Test
  void saslSslWithScramFromTheEnvironment() {
    environment.put("KAFKA_CREDENTIALS", "{\"apiKey\":\"alice\",\"apiSecret\":\"pa55word\"}");

    Properties properties =
        properties()
            .forSource(
                source(
                    Map.of(
                        "source.security-protocol", "sasl-ssl",
                        "source.sasl-mechanism", "scram-sha-512",
                        "source.credentials", "env:KAFKA_CREDENTIALS",
                        "source.kafka.client.dns.lookup", "use_all_dns_ips")));

    assertThat(properties)
        .containsOnly(
            Map.entry("client.dns.lookup", "use_all_dns_ips"),
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
            Map.entry(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"alice\" password=\"pa55word\";"));
    AppConfigurationEntry login = kafkaLogin(properties);
    assertThat(login.getLoginModuleName())
        .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
    assertThat(login.getControlFlag())
        .isEqualTo(AppConfigurationEntry.LoginModuleControlFlag.REQUIRED);
    assertThat(login.getOptions()).isEqualTo(Map.of("username", "alice", "password", "pa55word"));
  }

  @Test
  void saslPlaintextWithPlainFromAFileWithOtherFieldNames() throws Exception {
    Path file = Files.writeString(directory.resolve("kafka.properties"), "user=bob\npass=pw\n");

    Properties properties =
        properties()
            .forSource(
                source(
                    Map.of(
                        "source.security-protocol", "sasl-plaintext",
                        "source.sasl-mechanism", "plain",
                        "source.credentials", "file:" + file,
                        "source.credentials.username-field", "user",
                        "source.credentials.password-field", "pass")));

    assertThat(properties.getProperty("security.protocol")).isEqualTo("SASL_PLAINTEXT");
    assertThat(properties.getProperty("sasl.mechanism")).isEqualTo("PLAIN");
    AppConfigurationEntry login = kafkaLogin(properties);
    assertThat(login.getLoginModuleName())
        .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule");
    assertThat(login.getOptions()).isEqualTo(Map.of("username", "bob", "password", "pw"));
  }

  @Test
  void saslWithCredentialsFromSecretsManager() {
    FakeSecretsManager secrets = new FakeSecretsManager();
    String arn =
        secrets.putSecret("kafka", "{\"apiKey\":\"carol\",\"apiSecret\":\"from-secrets\"}");
    try (AwsJsonFakeServer aws = AwsJsonFakeServer.start(secrets)) {
      KafkaSecurityProperties securityProperties =
          new KafkaSecurityProperties(
              new CredentialsResolver(
                  secretId ->
                      SecretsManagerClient.builder()
                          .endpointOverride(aws.endpoint())
                          .region(Region.US_EAST_1)
                          .credentialsProvider(
                              StaticCredentialsProvider.create(
                                  AwsBasicCredentials.create("akid", "secret")))
                          .httpClient(UrlConnectionHttpClient.create())
                          .build(),
                  environment::get));

      Properties properties =
          securityProperties.forSource(
              source(
                  Map.of(
                      "source.security-protocol", "sasl-ssl",
                      "source.sasl-mechanism", "scram-sha-256",
                      "source.credentials", "secretsmanager:" + arn)));

      assertThat(properties.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-256");
      assertThat(kafkaLogin(properties).getOptions())
          .isEqualTo(Map.of("username", "carol", "password", "from-secrets"));
    }
  }

  @Test
  void valuesAreEscapedSoKafkaReadsThemBackUnchanged() {
    String username = "user \"quoted\" \\ back";
    String password = "p\"a\\s;s=w\no\r\t'rd}{ é";
    environment.put(
        "KAFKA_CREDENTIALS",
        "{\"apiKey\":\"user \\\"quoted\\\" \\\\ back\","
            + "\"apiSecret\":\"p\\\"a\\\\s;s=w\\no\\r\\t'rd}{ é\"}");

    Properties properties =
        properties()
            .forSource(
                source(
                    Map.of(
                        "source.security-protocol", "sasl-ssl",
                        "source.sasl-mechanism", "plain",
                        "source.credentials", "env:KAFKA_CREDENTIALS")));

    assertThat(kafkaLogin(properties).getOptions())
        .isEqualTo(Map.of("username", username, "password", password));
  }

  @Test
  void jaasConfigQuotesEachValue() {
    assertThat(
            KafkaSecurityProperties.jaasConfig(
                SaslMechanism.PLAIN, new KafkaCredentials("a\"b", "c\\d")))
        .isEqualTo(
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"a\\\"b\" password=\"c\\\\d\";");
  }

  @Test
  void credentialsFailuresPropagate() {
    assertThatThrownBy(
            () ->
                properties()
                    .forSource(
                        source(
                            Map.of(
                                "source.security-protocol", "sasl-ssl",
                                "source.sasl-mechanism", "plain",
                                "source.credentials", "env:KAFKA_CREDENTIALS"))))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("environment variable KAFKA_CREDENTIALS is not set");
  }
}
