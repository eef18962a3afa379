package io.floe.loader.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.loader.settings.CredentialsReference;
import io.floe.loader.settings.CredentialsReference.Kind;
import io.floe.testing.aws.AwsJsonFakeServer;
import io.floe.testing.aws.FakeSecretsManager;
import io.floe.testing.aws.ReceivedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

class CredentialsResolverTest {
  private static final String SECRET = "s3cr3t-Value";

  private static FakeSecretsManager secrets;
  private static AwsJsonFakeServer aws;

  @TempDir Path directory;

  private final Map<String, String> environment = new HashMap<>();

  @BeforeAll
  static void startFakeSecretsManager() {
    secrets = new FakeSecretsManager("eu-west-1", Clock.systemUTC());
    aws = AwsJsonFakeServer.start(secrets);
  }

  @AfterAll
  static void stopFakeSecretsManager() {
    aws.close();
  }

  @BeforeEach
  void clearRequests() {
    aws.clearRequests();
  }

  /** Reads the fake through the real SDK client, as the loader does. */
  private static SecretsManagerClient fakeClient(String secretId) {
    return SecretsManagerClient.builder()
        .endpointOverride(aws.endpoint())
        .region(Region.EU_WEST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private CredentialsResolver resolver() {
    return new CredentialsResolver(CredentialsResolverTest::fakeClient, environment::get);
  }

  private KafkaCredentials resolve(Kind kind, String locator) {
    return resolver().resolve(new CredentialsReference(kind, locator), "apiKey", "apiSecret");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(directory.resolve(name), content, StandardCharsets.UTF_8);
  }

  private static String uniqueName() {
    return "floe/kafka-" + UUID.randomUUID();
  }

  // --- files

  @Test
  void readsAJsonFile() throws IOException {
    Path file = write("kafka.json", "{\"apiKey\": \"alice\", \"apiSecret\": \"" + SECRET + "\"}");

    KafkaCredentials credentials = resolve(Kind.FILE, file.toString());

    assertThat(credentials.username()).isEqualTo("alice");
    assertThat(credentials.password()).isEqualTo(SECRET);
  }

  @Test
  void readsAPropertiesFileWithTheGivenFieldNames() throws IOException {
    Path file =
        write(
            "kafka.properties",
            "# Kafka credentials\nusername = alice\npassword=" + SECRET + "\nother: x\n");

    KafkaCredentials credentials =
        resolver()
            .resolve(new CredentialsReference(Kind.FILE, file.toString()), "username", "password");

    assertThat(credentials).isEqualTo(new KafkaCredentials("alice", SECRET));
  }

  @Test
  void aJsonFileMayStartWithAByteOrderMarkAndWhitespace() throws IOException {
    Path file = write("kafka.json", "\uFEFF\n  {\"apiKey\":\"alice\",\"apiSecret\":\"pw\"}\n");

    assertThat(resolve(Kind.FILE, file.toString()).username()).isEqualTo("alice");
  }

  @Test
  void aMissingFieldIsNamedWithTheFieldsThatExist() throws IOException {
    Path file = write("kafka.json", "{\"apiKey\":\"alice\",\"user\":\"" + SECRET + "\"}");

    assertThatThrownBy(() -> resolve(Kind.FILE, file.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("file " + file + " has no field 'apiSecret'; its fields are: apiKey, user")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void aMissingFieldInAPropertiesFile() throws IOException {
    Path file = write("kafka.properties", "apiKey=alice\n");

    assertThatThrownBy(() -> resolve(Kind.FILE, file.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("file " + file + " has no field 'apiSecret'; its fields are: apiKey");
  }

  @Test
  void anEmptyFileHasNoFields() throws IOException {
    Path file = write("kafka.properties", "");

    assertThatThrownBy(() -> resolve(Kind.FILE, file.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("file " + file + " has no field 'apiKey'; it has no fields");
  }

  @Test
  void fieldsMustBeNonEmptyStrings() throws IOException {
    Path number = write("number.json", "{\"apiKey\":\"alice\",\"apiSecret\":12345}");
    Path empty = write("empty.json", "{\"apiKey\":\"\",\"apiSecret\":\"" + SECRET + "\"}");
    Path nullValue = write("null.json", "{\"apiKey\":\"alice\",\"apiSecret\":null}");

    assertThatThrownBy(() -> resolve(Kind.FILE, number.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("field 'apiSecret' of file " + number + " is a number, not a string")
        .hasMessageNotContaining("12345");
    assertThatThrownBy(() -> resolve(Kind.FILE, empty.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("field 'apiKey' of file " + empty + " is empty");
    assertThatThrownBy(() -> resolve(Kind.FILE, nullValue.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("field 'apiSecret' of file " + nullValue + " is null, not a string");
  }

  @Test
  void invalidJsonIsReportedByPositionWithoutQuotingIt() throws IOException {
    Path file = write("kafka.json", "{\"apiKey\": \"alice\",\n \"apiSecret\": " + SECRET + "}");

    assertThatThrownBy(() -> resolve(Kind.FILE, file.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessageStartingWith("file " + file + " is not a valid JSON document (error at line 2")
        .hasMessageNotContaining(SECRET)
        .hasNoCause();
  }

  @Test
  void trailingContentAfterTheJsonObjectIsInvalid() throws IOException {
    Path file = write("kafka.json", "{\"apiKey\":\"alice\",\"apiSecret\":\"pw\"} " + SECRET);

    assertThatThrownBy(() -> resolve(Kind.FILE, file.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessageContaining("is not a valid JSON document")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = directory.resolve("missing.json");

    assertThatThrownBy(() -> resolve(Kind.FILE, missing.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("file " + missing + " does not exist");
  }

  @Test
  void anUnreadableFileIsNamed() throws IOException {
    Path notAFile = Files.createDirectory(directory.resolve("kafka.json"));

    assertThatThrownBy(() -> resolve(Kind.FILE, notAFile.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessageStartingWith("could not read file " + notAFile + ": ")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void aFileThatIsNotUtf8IsUnreadable() throws IOException {
    Path file = directory.resolve("latin1.json");
    Files.write(file, "{\"apiKey\":\"j\u00f6rg\",\"apiSecret\":\"pw\"}".getBytes("ISO-8859-1"));

    assertThatThrownBy(() -> resolve(Kind.FILE, file.toString()))
        .isInstanceOf(CredentialsException.class)
        .hasMessageStartingWith("could not read file " + file);
  }

  // --- environment

  @Test
  void readsAnEnvironmentVariableHoldingJson() {
    environment.put("KAFKA_CREDENTIALS", "{\"apiKey\":\"alice\",\"apiSecret\":\"" + SECRET + "\"}");

    KafkaCredentials credentials = resolve(Kind.ENV, "KAFKA_CREDENTIALS");

    assertThat(credentials).isEqualTo(new KafkaCredentials("alice", SECRET));
  }

  @Test
  void anUnsetOrEmptyEnvironmentVariableIsNamed() {
    environment.put("EMPTY", " ");

    assertThatThrownBy(() -> resolve(Kind.ENV, "KAFKA_CREDENTIALS"))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("environment variable KAFKA_CREDENTIALS is not set");
    assertThatThrownBy(() -> resolve(Kind.ENV, "EMPTY"))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("environment variable EMPTY is empty");
  }

  @Test
  void anEnvironmentVariableMustHoldAJsonObject() {
    environment.put("PLAIN", SECRET);
    environment.put("ARRAY", "[\"" + SECRET + "\"]");

    assertThatThrownBy(() -> resolve(Kind.ENV, "PLAIN"))
        .isInstanceOf(CredentialsException.class)
        .hasMessageStartingWith("environment variable PLAIN is not a valid JSON document")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> resolve(Kind.ENV, "ARRAY"))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("environment variable ARRAY does not hold a JSON object (it holds an array)");
  }

  @Test
  void aMissingFieldInTheEnvironment() {
    environment.put("KAFKA_CREDENTIALS", "{\"key\":\"alice\",\"apiSecret\":\"" + SECRET + "\"}");

    assertThatThrownBy(() -> resolve(Kind.ENV, "KAFKA_CREDENTIALS"))
        .isInstanceOf(CredentialsException.class)
        .hasMessage(
            "environment variable KAFKA_CREDENTIALS has no field 'apiKey'; its fields are:"
                + " apiSecret, key");
  }

  // --- Secrets Manager

  @Test
  void readsAJsonSecretByArn() {
    String arn =
        secrets.putSecret(uniqueName(), "{\"apiKey\":\"alice\",\"apiSecret\":\"" + SECRET + "\"}");

    KafkaCredentials credentials = resolve(Kind.SECRETSMANAGER, arn);

    assertThat(credentials).isEqualTo(new KafkaCredentials("alice", SECRET));
    List<ReceivedRequest> requests = aws.requests();
    assertThat(requests).extracting(ReceivedRequest::operation).containsExactly("GetSecretValue");
    assertThat(requests.get(0).text("SecretId")).contains(arn);
    assertThat(requests.get(0).text("VersionStage")).isEmpty();
  }

  @Test
  void readsTheCurrentVersionOfASecretByName() {
    String name = uniqueName();
    secrets.putSecret(name, "{\"apiKey\":\"alice\",\"apiSecret\":\"old\"}");
    secrets.putSecret(name, "{\"apiKey\":\"alice\",\"apiSecret\":\"new\"}");

    assertThat(resolve(Kind.SECRETSMANAGER, name).password()).isEqualTo("new");
  }

  @Test
  void aMissingSecretIsNamedWithItsRegion() {
    String name = uniqueName();

    assertThatThrownBy(() -> resolve(Kind.SECRETSMANAGER, name))
        .isInstanceOf(CredentialsException.class)
        .hasMessage(
            "secret "
                + name
                + " was not found in Secrets Manager (region eu-west-1): Secrets Manager can't"
                + " find the specified secret.")
        .hasCauseInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void aMissingFieldInASecretIsNamedWithTheFieldsThatExist() {
    String arn =
        secrets.putSecret(uniqueName(), "{\"apiKey\":\"alice\",\"user\":\"" + SECRET + "\"}");

    assertThatThrownBy(() -> resolve(Kind.SECRETSMANAGER, arn))
        .isInstanceOf(CredentialsException.class)
        .hasMessage("secret " + arn + " has no field 'apiSecret'; its fields are: apiKey, user")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void aSecretThatIsNotJsonIsReportedWithoutQuotingIt() {
    String arn = secrets.putSecret(uniqueName(), SECRET);

    assertThatThrownBy(() -> resolve(Kind.SECRETSMANAGER, arn))
        .isInstanceOf(CredentialsException.class)
        .hasMessageStartingWith("secret " + arn + " is not a valid JSON document")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void aBinarySecretHasNoJson() {
    String name = uniqueName();
    try (SecretsManagerClient client = fakeClient(name)) {
      client.createSecret(r -> r.name(name).secretBinary(SdkBytes.fromUtf8String(SECRET)));
    }

    assertThatThrownBy(() -> resolve(Kind.SECRETSMANAGER, name))
        .isInstanceOf(CredentialsException.class)
        .hasMessageContaining("has no SecretString")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void aSecretScheduledForDeletionCannotBeRead() {
    String name = uniqueName();
    secrets.putSecret(name, "{\"apiKey\":\"alice\",\"apiSecret\":\"pw\"}");
    try (SecretsManagerClient client = fakeClient(name)) {
      client.deleteSecret(r -> r.secretId(name));
    }

    assertThatThrownBy(() -> resolve(Kind.SECRETSMANAGER, name))
        .isInstanceOf(CredentialsException.class)
        .hasMessageStartingWith("could not read secret " + name + " from Secrets Manager: ")
        .hasMessageContaining("marked for deletion");
  }

  @Test
  void theDefaultClientFollowsTheSdkChainsAndTheArnsRegion() {
    FakeSecretsManager otherRegion = new FakeSecretsManager("ap-southeast-2", Clock.systemUTC());
    String arn =
        otherRegion.putSecret("kafka", "{\"apiKey\":\"alice\",\"apiSecret\":\"" + SECRET + "\"}");
    Map<String, String> saved = new HashMap<>();
    try (AwsJsonFakeServer server = AwsJsonFakeServer.start(otherRegion)) {
      // The SDK's default chains read these system properties before anything else.
      Map<String, String> sdkProperties =
          Map.of(
              "aws.endpointUrlSecretsManager", server.endpoint().toString(),
              "aws.region", "us-east-1",
              "aws.accessKeyId", "akid",
              "aws.secretAccessKey", "secret");
      sdkProperties.forEach(
          (key, value) -> {
            saved.put(key, System.getProperty(key));
            System.setProperty(key, value);
          });

      KafkaCredentials credentials =
          new CredentialsResolver()
              .resolve(new CredentialsReference(Kind.SECRETSMANAGER, arn), "apiKey", "apiSecret");

      assertThat(credentials).isEqualTo(new KafkaCredentials("alice", SECRET));
      assertThat(server.requests())
          .extracting(ReceivedRequest::region)
          .containsExactly(Optional.of("ap-southeast-2"));
    } finally {
      saved.forEach(
          (key, value) -> {
            if (value == null) {
              System.clearProperty(key);
            } else {
              System.setProperty(key, value);
            }
          });
    }
  }

  @Test
  void arnRegion() {
    assertThat(
            CredentialsResolver.arnRegion(
                "arn:aws:secretsmanager:eu-central-1:123456789012:secret:kafka-AbCdEf"))
        .contains("eu-central-1");
    assertThat(CredentialsResolver.arnRegion("floe/kafka")).isEmpty();
    assertThat(CredentialsResolver.arnRegion("arn:aws:secretsmanager")).isEmpty();
  }

  @Test
  void credentialsNeverPrintThePassword() {
    assertThat(new KafkaCredentials("alice", SECRET).toString())
        .contains("alice")
        .doesNotContain(SECRET);
  }
}
