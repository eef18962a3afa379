package io.floe.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Drives the fake through the real SDK client, so the wire format and the semantics are both
 * checked.
 */
class FakeSecretsManagerTest {
  private static final Instant START = Instant.parse("2025-03-01T10:15:30.123Z");

  private static ManualClock clock;
  private static FakeSecretsManager secrets;
  private static AwsJsonFakeServer server;
  private static SecretsManagerClient client;

  @BeforeAll
  static void start() {
    clock = new ManualClock(START);
    secrets = new FakeSecretsManager("eu-west-1", clock);
    server = AwsJsonFakeServer.start(secrets);
    client =
        SecretsManagerClient.builder()
            .endpointOverride(server.endpoint())
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @BeforeEach
  void clearRequests() {
    server.clearRequests();
  }

  private static String uniqueName() {
    return "floe/test-" + UUID.randomUUID();
  }

  @Test
  void recordsEachCallAsIamAuthorizesItOnTheSecretsArn() {
    secrets.clearCalls();
    String name = uniqueName();
    String arn = client.createSecret(r -> r.name(name).secretString("v")).arn();
    client.getSecretValue(r -> r.secretId(name));
    assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId("floe/absent")))
        .isInstanceOf(ResourceNotFoundException.class);

    assertThat(secrets.calls())
        .containsExactly(
            new AwsCall(
                "akid",
                "secretsmanager:CreateSecret",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + name),
            new AwsCall("akid", "secretsmanager:GetSecretValue", arn),
            new AwsCall(
                "akid",
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:floe/absent"));
  }

  @Test
  void createSecretGivesAnArnWithARandomSuffixAndAFirstVersion() {
    String name = uniqueName();

    CreateSecretResponse created =
        client.createSecret(r -> r.name(name).secretString("{\"apiKey\":\"k\"}"));

    assertThat(created.name()).isEqualTo(name);
    assertThat(created.arn())
        .matches(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
                + java.util.regex.Pattern.quote(name)
                + "-[A-Za-z0-9]{6}");
    assertThat(created.versionId()).isNotBlank();

    GetSecretValueResponse value = client.getSecretValue(r -> r.secretId(name));
    assertThat(value.arn()).isEqualTo(created.arn());
    assertThat(value.name()).isEqualTo(name);
    assertThat(value.secretString()).isEqualTo("{\"apiKey\":\"k\"}");
    assertThat(value.versionId()).isEqualTo(created.versionId());
    assertThat(value.versionStages()).containsExactly("AWSCURRENT");
    assertThat(value.createdDate()).isEqualTo(START);
  }

  @Test
  void createSecretUsesTheClientRequestTokenAsVersionId() {
    String token = UUID.randomUUID().toString();

    CreateSecretResponse created =
        client.createSecret(r -> r.name(uniqueName()).secretString("v").clientRequestToken(token));

    assertThat(created.versionId()).isEqualTo(token);
  }

  @Test
  void aSecretIsAddressedByNameFullArnOrArnWithoutSuffix() {
    String name = uniqueName();
    String arn = client.createSecret(r -> r.name(name).secretString("v")).arn();
    String partialArn = arn.substring(0, arn.length() - 7);

    assertThat(client.getSecretValue(r -> r.secretId(name)).secretString()).isEqualTo("v");
    assertThat(client.getSecretValue(r -> r.secretId(arn)).secretString()).isEqualTo("v");
    assertThat(client.getSecretValue(r -> r.secretId(partialArn)).secretString()).isEqualTo("v");
  }

  @Test
  void createSecretWithoutValueHasNoVersion() {
    String name = uniqueName();

    CreateSecretResponse created = client.createSecret(r -> r.name(name).description("none yet"));

    assertThat(created.versionId()).isNull();
    assertThat(client.describeSecret(r -> r.secretId(name)).versionIdsToStages()).isEmpty();
    assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId(name)))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining(
            "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
  }

  @Test
  void createSecretTwiceIsResourceExists() {
    String name = uniqueName();
    client.createSecret(r -> r.name(name).secretString("v"));

    assertThatThrownBy(() -> client.createSecret(r -> r.name(name).secretString("w")))
        .isInstanceOfSatisfying(
            ResourceExistsException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceExistsException");
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo(
                      "The operation failed because the secret " + name + " already exists.");
            });
  }

  @Test
  void createSecretRetriedWithTheSameTokenAndValueSucceeds() {
    String name = uniqueName();
    String token = UUID.randomUUID().toString();
    String arn =
        client.createSecret(r -> r.name(name).secretString("v").clientRequestToken(token)).arn();

    CreateSecretResponse retried =
        client.createSecret(r -> r.name(name).secretString("v").clientRequestToken(token));

    assertThat(retried.arn()).isEqualTo(arn);
    assertThat(retried.versionId()).isEqualTo(token);
  }

  @Test
  void createSecretRejectsBothStringAndBinaryAndInvalidNames() {
    assertThatThrownBy(
            () ->
                client.createSecret(
                    r ->
                        r.name(uniqueName())
                            .secretString("v")
                            .secretBinary(SdkBytes.fromUtf8String("b"))))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> client.createSecret(r -> r.name("no spaces").secretString("v")))
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void putSecretValueMovesTheStagingLabels() {
    String name = uniqueName();
    String v1 = client.createSecret(r -> r.name(name).secretString("one")).versionId();

    PutSecretValueResponse put2 = client.putSecretValue(r -> r.secretId(name).secretString("two"));
    String v2 = put2.versionId();

    assertThat(v2).isNotEqualTo(v1);
    assertThat(put2.versionStages()).containsExactly("AWSCURRENT");
    assertThat(client.describeSecret(r -> r.secretId(name)).versionIdsToStages())
        .containsOnlyKeys(v1, v2)
        .containsEntry(v1, List.of("AWSPREVIOUS"))
        .containsEntry(v2, List.of("AWSCURRENT"));

    String v3 = client.putSecretValue(r -> r.secretId(name).secretString("three")).versionId();

    // v1 lost its last label: deprecated, no longer listed, still readable by id.
    assertThat(client.describeSecret(r -> r.secretId(name)).versionIdsToStages())
        .containsOnlyKeys(v2, v3)
        .containsEntry(v2, List.of("AWSPREVIOUS"))
        .containsEntry(v3, List.of("AWSCURRENT"));
    assertThat(client.getSecretValue(r -> r.secretId(name)).secretString()).isEqualTo("three");
    assertThat(client.getSecretValue(r -> r.secretId(name).versionStage("AWSPREVIOUS")))
        .satisfies(
            previous -> {
              assertThat(previous.secretString()).isEqualTo("two");
              assertThat(previous.versionId()).isEqualTo(v2);
            });
    GetSecretValueResponse first = client.getSecretValue(r -> r.secretId(name).versionId(v1));
    assertThat(first.secretString()).isEqualTo("one");
    assertThat(first.versionStages()).isEmpty();
    assertThat(
            client
                .getSecretValue(r -> r.secretId(name).versionId(v3).versionStage("AWSCURRENT"))
                .secretString())
        .isEqualTo("three");
  }

  @Test
  void putSecretValueWithOtherStagesLeavesTheCurrentVersion() {
    String name = uniqueName();
    String v1 = client.createSecret(r -> r.name(name).secretString("one")).versionId();

    PutSecretValueResponse pending =
        client.putSecretValue(r -> r.secretId(name).secretString("next").versionStages("PENDING"));

    assertThat(pending.versionStages()).containsExactly("PENDING");
    assertThat(client.getSecretValue(r -> r.secretId(name)).versionId()).isEqualTo(v1);
    assertThat(client.getSecretValue(r -> r.secretId(name).versionStage("PENDING")).secretString())
        .isEqualTo("next");
  }

  @Test
  void putSecretValueIsIdempotentPerClientRequestToken() {
    String name = uniqueName();
    client.createSecret(r -> r.name(name).secretString("one"));
    String token = UUID.randomUUID().toString();

    String first =
        client
            .putSecretValue(r -> r.secretId(name).secretString("two").clientRequestToken(token))
            .versionId();
    String again =
        client
            .putSecretValue(r -> r.secretId(name).secretString("two").clientRequestToken(token))
            .versionId();

    assertThat(first).isEqualTo(token);
    assertThat(again).isEqualTo(token);
    assertThat(client.describeSecret(r -> r.secretId(name)).versionIdsToStages()).hasSize(2);
    assertThatThrownBy(
            () ->
                client.putSecretValue(
                    r -> r.secretId(name).secretString("other").clientRequestToken(token)))
        .isInstanceOf(ResourceExistsException.class);
  }

  @Test
  void binarySecretsRoundTrip() {
    String name = uniqueName();
    SdkBytes bytes = SdkBytes.fromByteArray(new byte[] {0, 1, 2, (byte) 0xff});

    client.createSecret(r -> r.name(name).secretBinary(bytes));

    GetSecretValueResponse value = client.getSecretValue(r -> r.secretId(name));
    assertThat(value.secretBinary()).isEqualTo(bytes);
    assertThat(value.secretString()).isNull();
  }

  @Test
  void unknownSecretsAreResourceNotFound() {
    String missing = uniqueName();
    String missingArn =
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + missing + "-AbCdEf";

    assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId(missing)))
        .isInstanceOfSatisfying(
            ResourceNotFoundException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo("Secrets Manager can't find the specified secret.");
            });
    assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId(missingArn)))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> client.putSecretValue(r -> r.secretId(missing).secretString("v")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> client.describeSecret(r -> r.secretId(missing)))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> client.deleteSecret(r -> r.secretId(missing)))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void unknownVersionsAndMismatchedStagesAreRejected() {
    String name = uniqueName();
    String v1 = client.createSecret(r -> r.name(name).secretString("one")).versionId();
    String unknown = UUID.randomUUID().toString();

    assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId(name).versionId(unknown)))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("VersionId: " + unknown);
    assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId(name).versionStage("NOPE")))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("staging label: NOPE");
    assertThatThrownBy(
            () ->
                client.getSecretValue(
                    r -> r.secretId(name).versionId(v1).versionStage("AWSPREVIOUS")))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void describeSecretReportsMetadata() {
    String name = uniqueName();
    client.createSecret(
        r ->
            r.name(name)
                .description("Kafka credentials")
                .kmsKeyId("alias/floe")
                .tags(Tag.builder().key("team").value("data").build())
                .secretString("v"));
    client.getSecretValue(r -> r.secretId(name));

    DescribeSecretResponse described = client.describeSecret(r -> r.secretId(name));

    assertThat(described.name()).isEqualTo(name);
    assertThat(described.description()).isEqualTo("Kafka credentials");
    assertThat(described.kmsKeyId()).isEqualTo("alias/floe");
    assertThat(described.tags()).containsExactly(Tag.builder().key("team").value("data").build());
    assertThat(described.rotationEnabled()).isFalse();
    assertThat(described.createdDate()).isEqualTo(START);
    assertThat(described.lastAccessedDate()).isEqualTo(Instant.parse("2025-03-01T00:00:00Z"));
    assertThat(described.deletedDate()).isNull();
  }

  @Test
  void aSecretScheduledForDeletionCannotBeReadUntilRestored() {
    String name = uniqueName();
    client.createSecret(r -> r.name(name).secretString("v"));

    DeleteSecretResponse deleted =
        client.deleteSecret(r -> r.secretId(name).recoveryWindowInDays(7L));

    assertThat(deleted.name()).isEqualTo(name);
    assertThat(deleted.deletionDate()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
    assertThat(client.describeSecret(r -> r.secretId(name)).deletedDate())
        .isEqualTo(clock.instant());
    assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId(name)))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo(
                        "You can't perform this operation on the secret because it was marked for"
                            + " deletion."));
    assertThatThrownBy(() -> client.putSecretValue(r -> r.secretId(name).secretString("w")))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> client.createSecret(r -> r.name(name).secretString("w")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("already scheduled for deletion");
    assertThatThrownBy(() -> client.deleteSecret(r -> r.secretId(name)))
        .isInstanceOf(InvalidRequestException.class);

    client.restoreSecret(r -> r.secretId(name));

    assertThat(client.getSecretValue(r -> r.secretId(name)).secretString()).isEqualTo("v");
    assertThat(client.describeSecret(r -> r.secretId(name)).deletedDate()).isNull();
  }

  @Test
  void aSecretIsGoneOnceItsRecoveryWindowHasPassed() {
    ManualClock ownClock = new ManualClock(START);
    FakeSecretsManager ownSecrets = new FakeSecretsManager("eu-west-1", ownClock);
    try (AwsJsonFakeServer ownServer = AwsJsonFakeServer.start(ownSecrets);
        SecretsManagerClient ownClient = clientFor(ownServer)) {
      ownClient.createSecret(r -> r.name("kafka").secretString("old"));
      ownClient.deleteSecret(r -> r.secretId("kafka").recoveryWindowInDays(10L));

      ownClock.advance(Duration.ofDays(10).minusSeconds(1));
      assertThat(ownClient.describeSecret(r -> r.secretId("kafka")).deletedDate()).isNotNull();

      ownClock.advance(Duration.ofSeconds(1));
      assertThatThrownBy(() -> ownClient.describeSecret(r -> r.secretId("kafka")))
          .isInstanceOf(ResourceNotFoundException.class);
      ownClient.createSecret(r -> r.name("kafka").secretString("new"));
      assertThat(ownClient.getSecretValue(r -> r.secretId("kafka")).secretString())
          .isEqualTo("new");
    }
  }

  @Test
  void forcedDeletionIsImmediateEvenWhenAlreadyScheduled() {
    String name = uniqueName();
    client.createSecret(r -> r.name(name).secretString("v"));
    client.deleteSecret(r -> r.secretId(name));

    DeleteSecretResponse forced =
        client.deleteSecret(r -> r.secretId(name).forceDeleteWithoutRecovery(true));

    assertThat(forced.deletionDate()).isEqualTo(clock.instant());
    assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId(name)))
        .isInstanceOf(ResourceNotFoundException.class);
    client.createSecret(r -> r.name(name).secretString("again"));
  }

  @Test
  void deleteSecretValidatesItsParameters() {
    String name = uniqueName();
    client.createSecret(r -> r.name(name).secretString("v"));

    assertThatThrownBy(
            () ->
                client.deleteSecret(
                    r ->
                        r.secretId(name).forceDeleteWithoutRecovery(true).recoveryWindowInDays(7L)))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> client.deleteSecret(r -> r.secretId(name).recoveryWindowInDays(6L)))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> client.deleteSecret(r -> r.secretId(name).recoveryWindowInDays(31L)))
        .isInstanceOf(InvalidParameterException.class);
    assertThat(client.getSecretValue(r -> r.secretId(name)).secretString()).isEqualTo("v");
  }

  @Test
  void putSecretCreatesOrAddsAVersionForTestSetup() {
    String name = uniqueName();

    String arn = secrets.putSecret(name, "first");
    String sameArn = secrets.putSecret(name, "second");

    assertThat(sameArn).isEqualTo(arn);
    assertThat(client.getSecretValue(r -> r.secretId(arn)).secretString()).isEqualTo("second");
    assertThat(
            client.getSecretValue(r -> r.secretId(name).versionStage("AWSPREVIOUS")).secretString())
        .isEqualTo("first");
  }

  @Test
  void unimplementedOperationsAreUnknownOperations() {
    assertThatThrownBy(() -> client.listSecrets())
        .isInstanceOfSatisfying(
            SecretsManagerException.class,
            e ->
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException"));
  }

  @Test
  void everyRequestIsRecorded() {
    String name = uniqueName();
    client.createSecret(r -> r.name(name).secretString("v"));
    assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId(name + "-missing")))
        .isInstanceOf(ResourceNotFoundException.class);

    assertThat(server.requests())
        .extracting(ReceivedRequest::operation)
        .containsExactly("CreateSecret", "GetSecretValue");
    ReceivedRequest create = server.requests("CreateSecret").get(0);
    assertThat(create.target()).isEqualTo("secretsmanager.CreateSecret");
    assertThat(create.text("Name")).contains(name);
    assertThat(create.text("ClientRequestToken")).isPresent();
    assertThat(create.region()).contains("eu-west-1");
    assertThat(create.httpStatus()).isEqualTo(200);
    assertThat(create.errorType()).isEmpty();
    ReceivedRequest get = server.requests("GetSecretValue").get(0);
    assertThat(get.httpStatus()).isEqualTo(400);
    assertThat(get.errorType()).contains("ResourceNotFoundException");
  }

  private static SecretsManagerClient clientFor(AwsJsonFakeServer fake) {
    return SecretsManagerClient.builder()
        .endpointOverride(fake.endpoint())
        .region(Region.EU_WEST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** A clock the test moves by hand, to pass recovery windows without waiting. */
  private static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the fake works in UTC");
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
