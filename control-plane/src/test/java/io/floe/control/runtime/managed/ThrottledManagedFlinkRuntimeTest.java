package io.floe.control.runtime.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.control.runtime.RuntimeThrottledException;
import io.floe.control.runtime.ThrottleBackoff;
import io.floe.control.runtime.ThrottleGate;
import io.floe.control.runtime.ThrottledRuntime;
import io.floe.control.testing.ManualClock;
import io.floe.testing.aws.AwsJsonFakeServer;
import io.floe.testing.aws.FakeKinesisAnalyticsV2;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.LimitExceededException;

/**
 * Throttling end to end below the reconciler: the real SDK client with the control plane's retry
 * strategy (waits shortened to milliseconds) against the kinesisanalyticsv2 fake answering
 * LimitExceededException "Rate exceeded", the Managed Flink runtime, and the throttle gate in front
 * of it on a clock the test moves. Every call the service sees is counted at the fake.
 */
class ThrottledManagedFlinkRuntimeTest {
  private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");
  private static final int ATTEMPTS = 3;

  private final ManualClock clock = new ManualClock(START);
  private FakeKinesisAnalyticsV2 fake;
  private AwsJsonFakeServer server;
  private KinesisAnalyticsV2Client client;
  private ThrottleGate gate;
  private PipelineRuntime runtime;

  @BeforeEach
  void start() {
    fake =
        new FakeKinesisAnalyticsV2(
            "eu-west-1", clock, FakeKinesisAnalyticsV2.Delays.none(), Optional.empty());
    server = AwsJsonFakeServer.start(fake);
    client =
        KinesisAnalyticsV2Client.builder()
            .endpointOverride(server.endpoint())
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(
                c ->
                    c.retryStrategy(
                        AwsRetries.standard(
                            ATTEMPTS,
                            Duration.ofMillis(1),
                            Duration.ofMillis(1),
                            Duration.ofMillis(5))))
            .build();
    gate =
        new ThrottleGate(
            "managed-flink",
            new ThrottleBackoff(Duration.ofSeconds(4), Duration.ofSeconds(20)),
            clock,
            () -> 0.5);
    runtime = new ThrottledRuntime(managedFlink(), gate);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void theSdkRetriesARateLimitExceededAndTheCallSucceeds() {
    fake.throttle("DescribeApplication", ATTEMPTS - 1);

    assertThat(runtime.liveRuns("orders")).isEmpty();

    assertThat(fake.received("DescribeApplication")).isEqualTo(ATTEMPTS);
    assertThat(gate.throttles()).isZero();
    assertThat(gate.openUntil()).isEmpty();
  }

  @Test
  void throttlingBeyondTheSdksRetriesOpensTheGateWhichFailsFastWithoutCallingTheService() {
    fake.throttle("DescribeApplication", ATTEMPTS);

    assertThatThrownBy(() -> runtime.liveRuns("orders"))
        .isInstanceOf(RuntimeThrottledException.class)
        .hasMessageContaining("Rate exceeded")
        .hasCauseInstanceOf(LimitExceededException.class);
    assertThat(fake.received()).isEqualTo(ATTEMPTS);
    assertThat(gate.openUntil()).contains(START.plusSeconds(3));

    assertThatThrownBy(() -> runtime.liveRuns("orders"))
        .isInstanceOf(RuntimeThrottledException.class)
        .hasMessageContaining("throttled the control plane 1 time in a row")
        .hasMessageContaining("wait until " + START.plusSeconds(3));
    assertThatThrownBy(() -> runtime.observe("run-1"))
        .isInstanceOf(RuntimeThrottledException.class);
    assertThatThrownBy(() -> runtime.cancel("run-1")).isInstanceOf(RuntimeThrottledException.class);
    assertThat(fake.received()).as("calls while the gate is open").isEqualTo(ATTEMPTS);

    clock.advance(Duration.ofSeconds(3));
    assertThat(runtime.liveRuns("orders")).isEmpty();
    assertThat(fake.received()).isEqualTo(ATTEMPTS + 1);
    assertThat(gate.throttles()).as("one success closes the gate").isZero();
    assertThat(runtime.liveRuns("orders")).isEmpty();
    assertThat(fake.received()).isEqualTo(ATTEMPTS + 2);
  }

  @Test
  void aProbeThatIsThrottledAgainOpensTheGateForLonger() {
    fake.throttleFor(Duration.ofSeconds(5));

    assertThatThrownBy(() -> runtime.liveRuns("orders"))
        .isInstanceOf(RuntimeThrottledException.class);
    assertThat(gate.openUntil()).contains(START.plusSeconds(3));
    clock.advance(Duration.ofSeconds(3));
    assertThatThrownBy(() -> runtime.liveRuns("orders"))
        .isInstanceOf(RuntimeThrottledException.class)
        .hasCauseInstanceOf(LimitExceededException.class);
    assertThat(fake.received()).isEqualTo(2 * ATTEMPTS);
    assertThat(gate.throttles()).isEqualTo(2);
    assertThat(gate.openUntil()).contains(START.plusSeconds(3 + 6));

    clock.advance(Duration.ofSeconds(6));
    assertThat(runtime.liveRuns("orders")).isEmpty();
    assertThat(gate.throttles()).isZero();
  }

  @Test
  void aQuotaLimitExceededIsNotThrottlingAndLeavesTheGateClosed() {
    assertThat(AwsRetries.isThrottling(limitExceeded("Rate exceeded"))).isTrue();
    assertThat(AwsRetries.isThrottling(limitExceeded("The application has 1000 snapshots.")))
        .isFalse();
    assertThat(
            AwsRetries.isThrottling(
                limitExceeded("Exceeded the number of applications allowed to be generated")))
        .isFalse();
  }

  private static LimitExceededException limitExceeded(String message) {
    return (LimitExceededException)
        LimitExceededException.builder()
            .awsErrorDetails(
                software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                    .errorCode("LimitExceededException")
                    .errorMessage(message)
                    .build())
            .statusCode(400)
            .build();
  }

  private ManagedFlinkRuntime managedFlink() {
    RuntimeProperties.ManagedFlink config =
        new RuntimeProperties.ManagedFlink(
            "eu-west-1",
            server.endpoint(),
            null,
            "arn:aws:iam::123456789012:role/floe-loader",
            "floe-artifacts",
            2,
            4,
            1,
            false,
            "/floe/loaders",
            "floe-",
            Duration.ofSeconds(30),
            new RuntimeProperties.ManagedFlink.CloudWatch(
                null, Duration.ZERO, Duration.ofHours(24)),
            ATTEMPTS);
    return new ManagedFlinkRuntime(
        new SdkManagedFlinkApplications(client),
        config,
        pin -> Optional.empty(),
        (pipeline, type, message) -> {},
        clock::advance,
        ApplicationMetrics.NONE,
        (pipeline, settings) -> Optional.empty(),
        clock);
  }
}
