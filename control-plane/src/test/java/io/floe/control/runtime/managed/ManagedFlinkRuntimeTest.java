package io.floe.control.runtime.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.model.Artifact;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import io.floe.testing.aws.AwsJsonFakeServer;
import io.floe.testing.aws.FakeCloudWatch;
import io.floe.testing.aws.FakeKinesisAnalyticsV2;
import io.floe.testing.aws.ReceivedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;

/**
 * The runtime against the kinesisanalyticsv2 fake through the real SDK client, on a clock that only
 * the runtime's pauses and the test move: AUTOSCALING waited out, validation errors surfaced once,
 * a failed update and its rollback reported as events, old snapshots deleted, statuses mapped.
 */
class ManagedFlinkRuntimeTest {
  private static final Duration STEP = Duration.ofSeconds(5);
  private static final String ROLE = "arn:aws:iam::123456789012:role/floe-loader";
  private static final String SHA = "ab".repeat(32);
  private static final String APPLICATION = "floe-orders";

  private ManualClock clock;
  private FakeKinesisAnalyticsV2 fake;
  private AwsJsonFakeServer server;
  private KinesisAnalyticsV2Client client;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  private ManagedFlinkRuntime runtime;

  /** The pipeline's newest commit in its table, as the test sets it (none by default). */
  private volatile ManagedFlinkRuntime.PipelineCommits commits =
      (pipeline, settings) -> Optional.empty();

  @BeforeEach
  void start() {
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
    runtime = runtime("loader/" + SHA + ".jar");
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void anAutoscalingApplicationIsWaitedOutBeforeItIsUpdated() {
    running("run-1");
    fake.autoscale(APPLICATION, 2);
    assertThat(runtime.observe("run-1").orElseThrow().state()).isEqualTo(RunState.STARTING);
    server.clearRequests();

    assertThat(runtime.rescaleInPlace("run-1", 3)).isTrue();

    List<ReceivedRequest> updates = server.requests("UpdateApplication");
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).errorType()).isEmpty();
    assertThat(server.requests().stream().filter(r -> r.errorType().isPresent())).isEmpty();
    awaitObserved("run-1", o -> o.state() == RunState.RUNNING && o.parallelism() == 3);
  }

  @Test
  void aStaleTokenIsReadAgainAndRetriedAfterABackoffWithinOneCall() {
    running("run-1");
    fake.raceNextUpdate(APPLICATION);
    server.clearRequests();
    pauses.clear();

    assertThat(runtime.rescaleInPlace("run-1", 2)).isTrue();

    List<ReceivedRequest> updates = server.requests("UpdateApplication");
    assertThat(updates).hasSize(2);
    assertThat(updates.get(0).errorType()).contains("ConcurrentModificationException");
    assertThat(updates.get(1).errorType()).isEmpty();
    assertThat(updates.get(1).text("ConditionalToken"))
        .isNotEqualTo(updates.get(0).text("ConditionalToken"));
    assertThat(pauses).isNotEmpty();
    List<String> order = server.requests().stream().map(ReceivedRequest::operation).toList();
    assertThat(order.subList(order.indexOf("UpdateApplication") + 1, order.size()))
        .as("read again before the retry")
        .startsWith("DescribeApplication");
    awaitObserved("run-1", o -> o.state() == RunState.RUNNING && o.parallelism() == 2);
  }

  @Test
  void aValidationErrorIsSurfacedAndNeverRetried() {
    ManagedFlinkRuntime broken = runtime("");

    assertThatThrownBy(() -> broken.submit(submission("run-1", Optional.empty())))
        .isInstanceOf(RunRejectedException.class)
        .hasMessageContaining("Managed Flink refused the request")
        .hasMessageContaining("FileKey");

    List<ReceivedRequest> creates = server.requests("CreateApplication");
    assertThat(creates).hasSize(1);
    assertThat(creates.get(0).errorType()).contains("InvalidArgumentException");
    assertThat(fake.application(APPLICATION)).isEmpty();
  }

  @Test
  void aFailedUpdateAndItsRollbackBecomePipelineEvents() {
    running("run-1");
    fake.failNextStart(APPLICATION, "the job failed to start (injected)");

    runtime.rescaleInPlace("run-1", 2);
    awaitObserved("run-1", o -> o.state() == RunState.RESTARTING);
    awaitObserved("run-1", o -> o.state() == RunState.RUNNING && o.parallelism() == 1);

    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith("APPLICATION_OPERATION_FAILED UpdateApplication")
                    .contains("the job failed to start (injected)")
                    .contains("rolled back by operation"))
        .anySatisfy(
            e -> assertThat(e).startsWith("APPLICATION_OPERATION_SUCCEEDED RollbackApplication"));
    assertThat(server.requests("DescribeApplicationOperation")).isNotEmpty();
  }

  @Test
  void snapshotsBeyondTheNewestTwoAreDeletedOldestFirst() {
    String run = "run-1";
    running(run);
    for (int cycle = 1; cycle <= 4; cycle++) {
      String trigger = "stop-" + cycle;
      runtime.stopWithSavepoint(run, trigger);
      SavepointOutcome outcome = awaitSavepoint(run, trigger);
      List<String> names = fake.snapshotNames(APPLICATION);
      assertThat(names).hasSizeLessThanOrEqualTo(2).endsWith(outcome.path().orElseThrow());
      run = "run-" + (cycle + 1);
      runtime.submit(submission(run, outcome.path()));
      String started = run;
      awaitObserved(started, o -> o.state() == RunState.RUNNING);
    }
    assertThat(fake.snapshotNames(APPLICATION))
        .containsExactly("floe-fake-auto-3", "floe-fake-auto-4");
    List<ReceivedRequest> deletes = server.requests("DeleteApplicationSnapshot");
    assertThat(deletes).hasSize(2).allSatisfy(d -> assertThat(d.errorType()).isEmpty());
    assertThat(deletes.get(0).text("SnapshotName")).contains("floe-fake-auto-1");
    assertThat(events).anySatisfy(e -> assertThat(e).startsWith("SNAPSHOTS_DELETED"));
  }

  @Test
  void aMissingNamedSnapshotIsNotReplacedByTheLatestOne() {
    running("run-1");
    runtime.stopWithSavepoint("run-1", "stop-1");
    String older = awaitSavepoint("run-1", "stop-1").path().orElseThrow();
    runtime.submit(submission("run-2", Optional.of(older)));
    awaitObserved("run-2", o -> o.state() == RunState.RUNNING);
    runtime.stopWithSavepoint("run-2", "stop-2");
    String named = awaitSavepoint("run-2", "stop-2").path().orElseThrow();
    var snapshot =
        client
            .describeApplicationSnapshot(r -> r.applicationName(APPLICATION).snapshotName(named))
            .snapshotDetails();
    client.deleteApplicationSnapshot(
        r ->
            r.applicationName(APPLICATION)
                .snapshotName(named)
                .snapshotCreationTimestamp(snapshot.snapshotCreationTimestamp()));
    server.clearRequests();

    runtime.submit(submission("run-3", Optional.of(named)));

    List<ReceivedRequest> starts = server.requests("StartApplication");
    assertThat(starts).hasSize(1);
    assertThat(starts.get(0).body().toString())
        .as("never the latest snapshot (%s) in place of the missing one", older)
        .contains("SKIP_RESTORE_FROM_SNAPSHOT")
        .doesNotContain("RESTORE_FROM_LATEST_SNAPSHOT");
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith("RESTORE_POINT_MISSING")
                    .contains(named)
                    .contains("offsets"));
  }

  @Test
  void aStopOfFloesOwnIsNotMistakenForAStopOutsideFloe() {
    running("run-1");
    runtime.stopWithSavepoint("run-1", "stop-1");
    String savepoint = awaitSavepoint("run-1", "stop-1").path().orElseThrow();

    RunObservation stopped = runtime.observe("run-1").orElseThrow();
    assertThat(stopped.state()).isEqualTo(RunState.STOPPED);
    assertThat(stopped.failure()).isEmpty();
    RunObservation afterRestart = runtime("loader/" + SHA + ".jar").observe("run-1").orElseThrow();
    assertThat(afterRestart.state())
        .as("a control plane started afresh still knows the stop was its own")
        .isEqualTo(RunState.STOPPED);

    runtime.submit(submission("run-2", Optional.of(savepoint)));
    awaitObserved("run-2", o -> o.state() == RunState.RUNNING);
    client.stopApplication(r -> r.applicationName(APPLICATION).force(false));
    RunObservation outside = awaitObserved("run-2", o -> o.state().isTerminal());
    assertThat(outside.state()).isEqualTo(RunState.FAILED);
    assertThat(outside.runtimeState()).isEqualTo("READY");
    assertThat(outside.failure())
        .hasValueSatisfying(
            f -> assertThat(f).contains("outside Floe").contains("StopApplication"));
  }

  @Test
  void anUntaggedApplicationOfThePipelineIsALiveRunThatCanBeCancelled() {
    client.createApplication(
        r ->
            r.applicationName(APPLICATION)
                .runtimeEnvironment("FLINK-1_20")
                .serviceExecutionRole(ROLE)
                .applicationConfiguration(
                    c ->
                        c.applicationCodeConfiguration(
                            code ->
                                code.codeContentType("ZIPFILE")
                                    .codeContent(
                                        content ->
                                            content.s3ContentLocation(
                                                s3 ->
                                                    s3.bucketARN("arn:aws:s3:::elsewhere")
                                                        .fileKey("someone-elses.jar"))))));
    client.startApplication(r -> r.applicationName(APPLICATION));
    clock.advance(STEP);
    List<String> live = runtime.liveRuns("orders");
    assertThat(live).hasSize(1);

    runtime.cancel(live.get(0));

    assertThat(server.requests("StopApplication"))
        .singleElement()
        .satisfies(r -> assertThat(r.body().toString()).contains("\"Force\":true"));
    clock.advance(STEP);
    assertThat(runtime.liveRuns("orders")).isEmpty();
  }

  @Test
  void aRunIsNotForceStoppedWhileTheServiceRollsItBack() {
    running("run-1");
    fake.failNextStart(APPLICATION, "the job failed to start (injected)");
    runtime.rescaleInPlace("run-1", 2);
    awaitObserved("run-1", o -> o.runtimeState().equals("ROLLING_BACK"));
    assertThat(runtime.liveRuns("orders")).containsExactly("run-1");
    server.clearRequests();

    assertThatThrownBy(() -> runtime.cancel("run-1"))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("ROLLING_BACK");
    assertThat(server.requests("StopApplication")).isEmpty();

    awaitObserved("run-1", o -> o.state() == RunState.RUNNING);
    runtime.cancel("run-1");
    assertThat(server.requests("StopApplication")).hasSize(1);
  }

  @Test
  void aStopOutsideFloeIsObservedFailedAndItsSnapshotRestoresTheRun() {
    running("run-1");
    Instant committed = clock.instant();
    commits = (pipeline, settings) -> Optional.of(committed);
    clock.advance(STEP);

    client.stopApplication(r -> r.applicationName(APPLICATION).force(false));
    RunObservation stopped = awaitObserved("run-1", o -> o.state().isTerminal());

    assertThat(stopped.state()).isEqualTo(RunState.FAILED);
    assertThat(stopped.latestCheckpoint()).isEmpty();
    String snapshot = fake.snapshotNames(APPLICATION).get(0);
    assertThat(runtime.retainedCheckpoints("run-1")).containsExactly(snapshot);
    assertThat(runtime.resumePoint("run-1", Optional.empty())).contains(snapshot);
  }

  @Test
  void afterAForcedStopARunThatCommittedResumesFromNothing() {
    running("run-1");
    runtime.stopWithSavepoint("run-1", "stop-1");
    String startPoint = awaitSavepoint("run-1", "stop-1").path().orElseThrow();
    clock.advance(STEP);
    runtime.submit(submission("run-2", Optional.of(startPoint)));
    awaitObserved("run-2", o -> o.state() == RunState.RUNNING);
    client.stopApplication(r -> r.applicationName(APPLICATION).force(true));
    awaitObserved("run-2", o -> o.state().isTerminal());
    List<String> seen = new CopyOnWriteArrayList<>();
    commits =
        (pipeline, settings) -> {
          seen.add(pipeline + " " + settings.get("table.name"));
          return Optional.empty();
        };

    assertThat(runtime.resumePoint("run-2", Optional.of(startPoint)))
        .as("nothing committed since run-2 started: the point it started from holds")
        .contains(startPoint);
    assertThat(seen).contains("orders orders");

    Instant committed = clock.instant();
    commits = (pipeline, settings) -> Optional.of(committed);
    events.clear();
    assertThat(runtime.retainedCheckpoints("run-2")).isEmpty();
    assertThat(runtime.resumePoint("run-2", Optional.of(startPoint))).isEmpty();
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith("NO_RESTORE_POINT")
                    .contains("it took no snapshot")
                    .contains("it committed since it started from " + startPoint));
  }

  @Test
  void aSnapshotOlderThanTheTablesNewestCommitDoesNotRestoreTheRun() {
    running("run-1");
    runtime.rescaleInPlace("run-1", 2);
    awaitObserved("run-1", o -> o.state() == RunState.RUNNING && o.parallelism() == 2);
    String update = fake.snapshotNames(APPLICATION).get(0);
    clock.advance(STEP);
    Instant committed = clock.instant();
    commits = (pipeline, settings) -> Optional.of(committed);
    client.stopApplication(r -> r.applicationName(APPLICATION).force(true));
    awaitObserved("run-1", o -> o.state().isTerminal());

    assertThat(runtime.retainedCheckpoints("run-1")).isEmpty();
    assertThat(runtime.resumePoint("run-1", Optional.empty())).isEmpty();
    assertThat(events)
        .anySatisfy(e -> assertThat(e).startsWith("NO_RESTORE_POINT").contains("[" + update + "]"));
  }

  @Test
  void aTableThatCannotBeReadLeavesTheRestorePointUndecided() {
    running("run-1");
    client.stopApplication(r -> r.applicationName(APPLICATION).force(false));
    awaitObserved("run-1", o -> o.state().isTerminal());
    commits =
        (pipeline, settings) -> {
          throw new IllegalStateException("catalog down (injected)");
        };

    assertThatThrownBy(() -> runtime.resumePoint("run-1", Optional.empty()))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("catalog down (injected)");
  }

  @Test
  void everyApplicationStatusMapsToARunState() {
    Map<ApplicationStatus, RunState> expected =
        Map.ofEntries(
            Map.entry(ApplicationStatus.READY, RunState.FAILED),
            Map.entry(ApplicationStatus.STARTING, RunState.STARTING),
            Map.entry(ApplicationStatus.RUNNING, RunState.RUNNING),
            Map.entry(ApplicationStatus.UPDATING, RunState.STARTING),
            Map.entry(ApplicationStatus.AUTOSCALING, RunState.STARTING),
            Map.entry(ApplicationStatus.MAINTENANCE, RunState.STARTING),
            Map.entry(ApplicationStatus.STOPPING, RunState.STOPPING),
            Map.entry(ApplicationStatus.FORCE_STOPPING, RunState.STOPPING),
            Map.entry(ApplicationStatus.DELETING, RunState.STOPPING),
            Map.entry(ApplicationStatus.ROLLING_BACK, RunState.RESTARTING),
            Map.entry(ApplicationStatus.ROLLED_BACK, RunState.FAILED));
    for (ApplicationStatus status : ApplicationStatus.knownValues()) {
      assertThat(ApplicationStates.runState(status))
          .as(status.toString())
          .isEqualTo(expected.get(status));
    }
  }

  @Test
  void aRunningApplicationCarriesItsRestartsAndFailedCheckpointsFromCloudWatch() {
    try (FakeCloudWatch cloudWatch = FakeCloudWatch.start(clock);
        CloudWatchClient metricsClient = cloudWatchClient(cloudWatch)) {
      runtime = runtime("loader/" + SHA + ".jar", new CloudWatchApplicationMetrics(metricsClient));
      running("run-1");
      assertThat(runtime.observe("run-1").orElseThrow().restarts())
          .as("no datapoint yet: unknown, not zero")
          .isEmpty();

      // The job's running totals, re-published every 15 s; the third minute is a new job (an
      // update), counting from zero again.
      Instant minute = Instant.parse("2025-05-01T08:00:00Z");
      publish(cloudWatch, "fullRestarts", minute, 0, 0, 1, 1, 2, 2, 2, 2, 0, 0, 1, 1);
      publish(cloudWatch, "numberOfFailedCheckpoints", minute, 0, 1, 1, 1, 1, 1, 2, 2, 0, 0, 0, 1);
      publish(cloudWatch, "downtime", minute, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
      clock.advance(Duration.ofMinutes(3));

      RunObservation observed = runtime.observe("run-1").orElseThrow();
      assertThat(observed.state()).isEqualTo(RunState.RUNNING);
      assertThat(observed.restarts()).hasValue(3);
      assertThat(observed.failedCheckpoints()).hasValue(3);

      List<FakeCloudWatch.Request> reads = cloudWatch.requests();
      assertThat(reads).isNotEmpty().allSatisfy(r -> assertThat(r.errorCode()).isEmpty());
      Map<String, String> read = reads.get(reads.size() - 1).parameters();
      assertThat(read)
          .containsEntry("MetricDataQueries.member.1.MetricStat.Stat", "Maximum")
          .containsEntry("MetricDataQueries.member.1.MetricStat.Period", "60")
          .containsEntry(
              "MetricDataQueries.member.1.MetricStat.Metric.Namespace", "AWS/KinesisAnalytics")
          .containsEntry(
              "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value",
              APPLICATION);
      assertThat(Instant.parse(read.get("StartTime")))
          .as("from the run's StartApplication, on a period boundary")
          .isEqualTo(minute);
    }
  }

  @Test
  void aRunningApplicationWhoseJobIsDownIsRestarting() {
    try (FakeCloudWatch cloudWatch = FakeCloudWatch.start(clock);
        CloudWatchClient metricsClient = cloudWatchClient(cloudWatch)) {
      runtime = runtime("loader/" + SHA + ".jar", new CloudWatchApplicationMetrics(metricsClient));
      running("run-1");
      Instant minute = Instant.parse("2025-05-01T08:00:00Z");
      publish(cloudWatch, "fullRestarts", minute, 0, 0, 0, 0, 1, 1, 2, 2);
      publish(cloudWatch, "downtime", minute, 0, 0, 0, 0, 0, 0, 4_000, 19_000);
      clock.advance(Duration.ofMinutes(2));

      RunObservation observed = runtime.observe("run-1").orElseThrow();
      assertThat(observed.runtimeState()).isEqualTo("RUNNING");
      assertThat(observed.state()).isEqualTo(RunState.RESTARTING);
      assertThat(observed.failure()).hasValueSatisfying(f -> assertThat(f).contains("19 s"));
      assertThat(observed.restarts()).hasValue(2);
    }
  }

  @Test
  void unreachableCloudWatchLeavesTheFiguresUnknownAndTheStateAlone() {
    FakeCloudWatch cloudWatch = FakeCloudWatch.start(clock);
    try (CloudWatchClient metricsClient = cloudWatchClient(cloudWatch)) {
      runtime = runtime("loader/" + SHA + ".jar", new CloudWatchApplicationMetrics(metricsClient));
      running("run-1");
      cloudWatch.close();

      RunObservation observed = runtime.observe("run-1").orElseThrow();
      assertThat(observed.state()).isEqualTo(RunState.RUNNING);
      assertThat(observed.restarts()).isEmpty();
      assertThat(observed.failedCheckpoints()).isEmpty();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * Samples of a metric of the application every 15 s from {@code start}, as Managed Flink does.
   */
  private static void publish(
      FakeCloudWatch cloudWatch, String metric, Instant start, double... values) {
    for (int i = 0; i < values.length; i++) {
      cloudWatch.record(
          "AWS/KinesisAnalytics",
          metric,
          Map.of("Application", APPLICATION),
          start.plusSeconds(15L * i),
          values[i]);
    }
  }

  private static CloudWatchClient cloudWatchClient(FakeCloudWatch cloudWatch) {
    return CloudWatchClient.builder()
        .endpointOverride(cloudWatch.endpoint())
        .region(Region.EU_WEST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private ManagedFlinkRuntime runtime(String artifactKey) {
    return runtime(artifactKey, ApplicationMetrics.NONE);
  }

  private ManagedFlinkRuntime runtime(String artifactKey, ApplicationMetrics metrics) {
    RuntimeProperties.ManagedFlink config =
        new RuntimeProperties.ManagedFlink(
            "eu-west-1",
            server.endpoint(),
            null,
            ROLE,
            "floe-artifacts",
            2,
            4,
            1,
            false,
            "/floe/loaders",
            "floe-",
            Duration.ofSeconds(30),
            new RuntimeProperties.ManagedFlink.CloudWatch(
                null, Duration.ZERO, Duration.ofHours(24)));
    Artifact artifact =
        new Artifact(
            SHA,
            SHA.substring(0, 12),
            1,
            "floe-artifacts",
            artifactKey,
            Optional.of("v1"),
            "loader.jar",
            "build",
            Instant.EPOCH);
    return new ManagedFlinkRuntime(
        new SdkManagedFlinkApplications(client),
        config,
        pin -> Optional.of(artifact),
        (pipeline, type, message) -> events.add(type + " " + message),
        pause -> {
          pauses.add(pause);
          clock.advance(pause);
        },
        metrics,
        (pipeline, settings) -> commits.newestCommit(pipeline, settings),
        clock);
  }

  private static RunSubmission submission(String runId, Optional<String> restore) {
    Map<String, String> settings =
        Map.of(
            "pipeline.name", "orders",
            "source.bootstrap-servers", "localhost:9092",
            "source.topics", "orders",
            "table.catalog.type", "hadoop",
            "table.catalog.warehouse", "file:///tmp/warehouse",
            "table.namespace", "db",
            "table.name", "orders",
            "bad-messages.dead-letter-topic", "orders-dlq",
            "job.flush-interval", "2s");
    return new RunSubmission(runId, "orders", settings, 1, restore);
  }

  private void running(String runId) {
    runtime.submit(submission(runId, Optional.empty()));
    awaitObserved(runId, o -> o.state() == RunState.RUNNING);
  }

  /** Observes the run, moving the clock a step at a time, until the condition holds. */
  private RunObservation awaitObserved(String runId, Predicate<RunObservation> condition) {
    for (int i = 0; i < 20; i++) {
      Optional<RunObservation> observed = runtime.observe(runId);
      if (observed.isPresent() && condition.test(observed.get())) {
        return observed.get();
      }
      clock.advance(Duration.ofSeconds(1));
    }
    throw new AssertionError("run " + runId + " never matched; last " + runtime.observe(runId));
  }

  private SavepointOutcome awaitSavepoint(String runId, String trigger) {
    for (int i = 0; i < 20; i++) {
      SavepointOutcome outcome = runtime.savepoint(runId, trigger);
      if (outcome.path().isPresent()) {
        return outcome;
      }
      assertThat(outcome.failure()).as("stop " + trigger).isEmpty();
      clock.advance(Duration.ofSeconds(1));
    }
    throw new AssertionError("stop " + trigger + " never completed");
  }

  /** A clock that moves only when told. */
  private static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = start;
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
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
