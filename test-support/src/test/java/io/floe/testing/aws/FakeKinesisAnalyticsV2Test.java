package io.floe.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationRestoreType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConcurrentModificationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConfigurationType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.LimitExceededException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.OperationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.PropertyGroup;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.RuntimeEnvironment;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;

/** The kinesisanalyticsv2 fake through the real SDK client, on a clock the test moves. */
class FakeKinesisAnalyticsV2Test {
  private static final Duration STEP = Duration.ofSeconds(10);
  private static ManualClock clock;
  private static FakeKinesisAnalyticsV2 fake;
  private static AwsJsonFakeServer server;
  private static KinesisAnalyticsV2Client client;

  @BeforeAll
  static void start() {
    clock = new ManualClock(Instant.parse("2025-05-01T08:00:00.250Z"));
    fake =
        new FakeKinesisAnalyticsV2(
            "eu-west-1", clock, FakeKinesisAnalyticsV2.Delays.uniform(STEP), Optional.empty());
    server = AwsJsonFakeServer.start(fake);
    client =
        KinesisAnalyticsV2Client.builder()
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

  private static String create() {
    String name = "app-" + UUID.randomUUID().toString().substring(0, 8);
    client.createApplication(
        r ->
            r.applicationName(name)
                .runtimeEnvironment(RuntimeEnvironment.FLINK_1_20)
                .serviceExecutionRole("arn:aws:iam::123456789012:role/app")
                .applicationConfiguration(
                    c ->
                        c.applicationCodeConfiguration(
                                code ->
                                    code.codeContentType("ZIPFILE")
                                        .codeContent(
                                            content ->
                                                content.s3ContentLocation(
                                                    s3 ->
                                                        s3.bucketARN("arn:aws:s3:::b")
                                                            .fileKey("loader/a.jar")
                                                            .objectVersion("v1"))))
                            .applicationSnapshotConfiguration(s -> s.snapshotsEnabled(true))
                            .flinkApplicationConfiguration(
                                f ->
                                    f.parallelismConfiguration(
                                        p ->
                                            p.configurationType(ConfigurationType.CUSTOM)
                                                .parallelism(2)))));
    return name;
  }

  private static ApplicationDetail describe(String name) {
    return client.describeApplication(r -> r.applicationName(name)).applicationDetail();
  }

  @Test
  void recordsEachCallAsIamAuthorizesIt() {
    fake.clearCalls();
    String name = create();
    describe(name);
    client.listApplications(r -> r.limit(5));

    String arn = "arn:aws:kinesisanalytics:eu-west-1:123456789012:application/" + name;
    assertThat(fake.calls())
        .containsExactly(
            new AwsCall("akid", "kinesisanalytics:CreateApplication", arn),
            new AwsCall(
                "akid",
                "iam:PassRole",
                "arn:aws:iam::123456789012:role/app",
                Map.of("iam:PassedToService", "kinesisanalytics.amazonaws.com")),
            new AwsCall("akid", "kinesisanalytics:DescribeApplication", arn),
            new AwsCall("akid", "kinesisanalytics:ListApplications", "*"));
  }

  @Test
  void updatesIncrementTheVersionAndAStaleTokenIsAConcurrentModification() {
    String name = create();
    ApplicationDetail first = describe(name);
    assertThat(first.applicationVersionId()).isEqualTo(1);
    assertThat(first.applicationStatus()).isEqualTo(ApplicationStatus.READY);
    client.updateApplication(
        r ->
            r.applicationName(name)
                .conditionalToken(first.conditionalToken())
                .applicationConfigurationUpdate(
                    u ->
                        u.flinkApplicationConfigurationUpdate(
                            f -> f.parallelismConfigurationUpdate(p -> p.parallelismUpdate(3)))));
    assertThatThrownBy(
            () ->
                client.updateApplication(
                    r -> r.applicationName(name).conditionalToken(first.conditionalToken())))
        .isInstanceOf(ResourceInUseException.class);
    clock.advance(STEP);
    ApplicationDetail second = describe(name);
    assertThat(second.applicationVersionId()).isEqualTo(2);
    assertThat(second.conditionalToken()).isNotEqualTo(first.conditionalToken());
    assertThatThrownBy(
            () ->
                client.updateApplication(
                    r -> r.applicationName(name).conditionalToken(first.conditionalToken())))
        .isInstanceOf(ConcurrentModificationException.class);
    assertThatThrownBy(
            () ->
                client.updateApplication(
                    r -> r.applicationName(name).currentApplicationVersionId(1L)))
        .isInstanceOf(ConcurrentModificationException.class);
    assertThatThrownBy(() -> client.updateApplication(r -> r.applicationName(name)))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void startAndStopAreOperationsWithTransitionsAndTheStopTakesASnapshot() {
    String name = create();
    String start =
        client
            .startApplication(
                r ->
                    r.applicationName(name)
                        .runConfiguration(
                            run ->
                                run.applicationRestoreConfiguration(
                                    a ->
                                        a.applicationRestoreType(
                                            ApplicationRestoreType.RESTORE_FROM_LATEST_SNAPSHOT))))
            .operationId();
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.STARTING);
    assertThat(operationStatus(name, start)).isEqualTo(OperationStatus.IN_PROGRESS);
    assertThatThrownBy(() -> client.stopApplication(r -> r.applicationName(name)))
        .isInstanceOf(ResourceInUseException.class);
    clock.advance(STEP);
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.RUNNING);
    assertThat(operationStatus(name, start)).isEqualTo(OperationStatus.SUCCESSFUL);
    String stop = client.stopApplication(r -> r.applicationName(name).force(false)).operationId();
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.STOPPING);
    clock.advance(STEP);
    assertThat(operationStatus(name, stop)).isEqualTo(OperationStatus.SUCCESSFUL);
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.READY);
    SnapshotDetails snapshot =
        client.listApplicationSnapshots(r -> r.applicationName(name)).snapshotSummaries().get(0);
    assertThat(snapshot.snapshotCreationTimestamp()).isEqualTo(clock.instant());
    assertThatThrownBy(
            () ->
                client.deleteApplicationSnapshot(
                    r ->
                        r.applicationName(name)
                            .snapshotName(snapshot.snapshotName())
                            .snapshotCreationTimestamp(Instant.EPOCH)))
        .isInstanceOf(InvalidArgumentException.class);
    client.deleteApplicationSnapshot(
        r ->
            r.applicationName(name)
                .snapshotName(snapshot.snapshotName())
                .snapshotCreationTimestamp(snapshot.snapshotCreationTimestamp()));
    assertThat(client.listApplicationSnapshots(r -> r.applicationName(name)).snapshotSummaries())
        .isEmpty();
  }

  @Test
  void aForcedStopTakesNoSnapshot() {
    String name = create();
    client.startApplication(r -> r.applicationName(name));
    clock.advance(STEP);
    String stop = client.stopApplication(r -> r.applicationName(name).force(true)).operationId();
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.FORCE_STOPPING);
    clock.advance(STEP);
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.READY);
    assertThat(operationStatus(name, stop)).isEqualTo(OperationStatus.SUCCESSFUL);
    assertThat(client.listApplicationSnapshots(r -> r.applicationName(name)).snapshotSummaries())
        .isEmpty();
    assertThatThrownBy(() -> client.stopApplication(r -> r.applicationName(name).force(true)))
        .as("Force is documented for STARTING, UPDATING, STOPPING, AUTOSCALING and RUNNING only")
        .isInstanceOf(ResourceInUseException.class);
  }

  @Test
  void aRolledBackApplicationRunsNothingAndAcceptsWhatReadyAccepts() {
    String name = create();
    client.startApplication(r -> r.applicationName(name));
    clock.advance(STEP);
    fake.rolledBack(name);
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.ROLLING_BACK);
    clock.advance(STEP);
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.ROLLED_BACK);
    assertThat(
            client
                .listApplicationOperations(
                    r -> r.applicationName(name).operation("RollbackApplication"))
                .applicationOperationInfoList())
        .singleElement()
        .satisfies(o -> assertThat(o.operationStatus()).isEqualTo(OperationStatus.SUCCESSFUL));
    assertThat(client.listApplicationSnapshots(r -> r.applicationName(name)).snapshotSummaries())
        .as("no snapshot")
        .isEmpty();
    assertThatThrownBy(() -> client.stopApplication(r -> r.applicationName(name).force(true)))
        .isInstanceOf(ResourceInUseException.class);

    client.startApplication(r -> r.applicationName(name));
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.STARTING);
    clock.advance(STEP);
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.RUNNING);
  }

  @Test
  void anUpdateThatOmitsAllowNonRestoredStateResetsIt() {
    String name = create();
    client.startApplication(
        r ->
            r.applicationName(name)
                .runConfiguration(
                    run -> run.flinkRunConfiguration(f -> f.allowNonRestoredState(true))));
    clock.advance(STEP);
    assertThat(
            describe(name)
                .applicationConfigurationDescription()
                .runConfigurationDescription()
                .flinkRunConfigurationDescription()
                .allowNonRestoredState())
        .isTrue();
    client.updateApplication(
        r -> r.applicationName(name).conditionalToken(describe(name).conditionalToken()));
    clock.advance(STEP.multipliedBy(2));
    assertThat(
            describe(name)
                .applicationConfigurationDescription()
                .runConfigurationDescription()
                .flinkRunConfigurationDescription()
                .allowNonRestoredState())
        .isFalse();
  }

  @Test
  void propertyGroupsOverTheLimitsAreRefused() {
    String name = create();
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < 51; i++) {
      tooMany.put("k" + i, "v");
    }
    assertThatThrownBy(
            () ->
                client.updateApplication(
                    r ->
                        r.applicationName(name)
                            .conditionalToken(describe(name).conditionalToken())
                            .applicationConfigurationUpdate(
                                u ->
                                    u.environmentPropertyUpdates(
                                        e ->
                                            e.propertyGroups(
                                                PropertyGroup.builder()
                                                    .propertyGroupId("source")
                                                    .propertyMap(tooMany)
                                                    .build(),
                                                PropertyGroup.builder()
                                                    .propertyGroupId("table")
                                                    .propertyMap(Map.of("k", "x".repeat(2049)))
                                                    .build())))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("1 to 50 entries")
        .hasMessageContaining("(1 to 2048)");
    assertThat(describe(name).applicationVersionId()).isEqualTo(1);
  }

  @Test
  void aLostCreateResponseLeavesTheApplicationAndTheRetryMeetsResourceInUse() {
    fake.loseResponses("CreateApplication", 1);
    assertThatThrownBy(FakeKinesisAnalyticsV2Test::createWithoutRetries)
        .isInstanceOf(ResourceInUseException.class);
    assertThat(server.requests("CreateApplication").stream().filter(r -> r.httpStatus() == 500))
        .isNotEmpty();
  }

  @Test
  void deletionNeedsTheCreateTimestampAndUnknownApplicationsAreNotFound() {
    String name = create();
    assertThatThrownBy(
            () ->
                client.deleteApplication(
                    r -> r.applicationName(name).createTimestamp(Instant.EPOCH)))
        .isInstanceOf(InvalidArgumentException.class);
    client.deleteApplication(
        r -> r.applicationName(name).createTimestamp(describe(name).createTimestamp()));
    assertThat(describe(name).applicationStatus()).isEqualTo(ApplicationStatus.DELETING);
    clock.advance(STEP);
    assertThatThrownBy(() -> describe(name))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("not found");
  }

  @Test
  void theNextCallsOfAnOperationAreThrottledWithoutTakingEffect() {
    fake.throttle("CreateApplication", 1);
    int creates = fake.received("CreateApplication");
    int applications = client.listApplications(r -> r.limit(50)).applicationSummaries().size();
    assertThatThrownBy(FakeKinesisAnalyticsV2Test::create)
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("LimitExceededException");
              assertThat(e.awsErrorDetails().errorMessage()).startsWith("Rate exceeded");
            });
    assertThat(fake.received("CreateApplication")).isEqualTo(creates + 1);
    assertThat(client.listApplications(r -> r.limit(50)).applicationSummaries())
        .hasSize(applications);

    String name = create();
    fake.throttle("DescribeApplication", 2);
    int describes = fake.received("DescribeApplication");
    assertThatThrownBy(() -> describe(name)).isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> describe(name)).isInstanceOf(LimitExceededException.class);
    assertThat(describe(name).applicationName()).isEqualTo(name);
    assertThat(fake.received("DescribeApplication")).isEqualTo(describes + 3);
  }

  @Test
  void everyCallIsThrottledForAWhileOnTheFakesClock() {
    String name = create();
    int before = fake.received();
    fake.throttleFor(STEP);
    try {
      assertThatThrownBy(() -> describe(name)).isInstanceOf(LimitExceededException.class);
      assertThatThrownBy(() -> client.listApplications(r -> r.limit(5)))
          .isInstanceOf(LimitExceededException.class);
      clock.advance(STEP);
      assertThat(describe(name).applicationName()).isEqualTo(name);
      assertThat(fake.received()).isEqualTo(before + 3);
    } finally {
      fake.throttleFor(Duration.ZERO);
    }
  }

  private static void createWithoutRetries() {
    String name = "lost-" + UUID.randomUUID().toString().substring(0, 8);
    client.createApplication(
        r ->
            r.applicationName(name)
                .runtimeEnvironment(RuntimeEnvironment.FLINK_1_20)
                .serviceExecutionRole("arn:aws:iam::123456789012:role/app"));
  }

  private static OperationStatus operationStatus(String name, String id) {
    return client
        .describeApplicationOperation(r -> r.applicationName(name).operationId(id))
        .applicationOperationInfoDetails()
        .operationStatus();
  }

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
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
