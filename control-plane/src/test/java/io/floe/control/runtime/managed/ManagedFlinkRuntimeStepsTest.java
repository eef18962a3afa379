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
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationRestoreType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;

/**
 * The runtime's decisions against an in-memory Managed Flink: what each step does with the
 * application it finds, that a step never sleeps through a transition (it is unavailable, and the
 * next pass carries on), that a stale version is read again, and that observing records nothing
 * until an operation of Floe's finished.
 */
class ManagedFlinkRuntimeStepsTest {
  private static final String APPLICATION = "floe-orders";

  private final InMemoryManagedFlinkApplications service = new InMemoryManagedFlinkApplications();
  private final List<String> events = new ArrayList<>();
  private final List<Duration> pauses = new ArrayList<>();
  private String loaderKey = "loader/one.jar";
  private final ManagedFlinkRuntime runtime =
      new ManagedFlinkRuntime(
          service,
          config(),
          pin -> Optional.of(artifact(loaderKey)),
          (pipeline, type, message) -> events.add(type + " " + message),
          pauses::add,
          ApplicationMetrics.NONE,
          (pipeline, settings) -> Optional.empty(),
          Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));

  @Test
  void aFirstSubmitCreatesTheApplicationTaggedWithTheRunAndStartsItRestoringNothing() {
    runtime.submit(submission("run-1", Optional.empty()));

    assertThat(service.calls("CreateApplication")).hasSize(1);
    assertThat(service.starts(APPLICATION))
        .singleElement()
        .satisfies(
            start ->
                assertThat(start.restore().type())
                    .isEqualTo(ApplicationRestoreType.RESTORE_FROM_LATEST_SNAPSHOT));
    assertThat(runtime.liveRuns("orders")).containsExactly("run-1");
    assertThat(runtime.observe("run-1").orElseThrow().state()).isEqualTo(RunState.STARTING);
    service.settle();
    assertThat(runtime.observe("run-1").orElseThrow().state()).isEqualTo(RunState.RUNNING);
    assertThat(events)
        .anySatisfy(e -> assertThat(e).startsWith("APPLICATION_CREATED"))
        .anySatisfy(e -> assertThat(e).startsWith("APPLICATION_STARTING"));
  }

  @Test
  void observingRecordsNothingUntilAnOperationFinishedAndThenReportsItOnce() {
    runtime.submit(submission("run-1", Optional.empty()));
    events.clear();

    runtime.observe("run-1");
    assertThat(events).as("StartApplication is still in progress").isEmpty();

    service.settle();
    runtime.observe("run-1");
    runtime.observe("run-1");
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> assertThat(e).startsWith("APPLICATION_OPERATION_SUCCEEDED StartApplication"));
  }

  @Test
  void aSubmitThatFindsTheApplicationStoppingIsUnavailableWithoutSleeping() {
    running("run-1");
    runtime.stopWithSavepoint("run-1", "stop-1");
    assertThat(service.status(APPLICATION)).isEqualTo(ApplicationStatus.STOPPING);

    assertThatThrownBy(() -> runtime.submit(submission("run-2", Optional.empty())))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("STOPPING");
    assertThat(pauses).isEmpty();
    assertThat(service.calls("StartApplication")).hasSize(1);

    service.settle();
    String savepoint = awaitSavepoint("run-1", "stop-1");
    runtime.submit(submission("run-2", Optional.of(savepoint)));
    assertThat(service.starts(APPLICATION).get(1).restore())
        .isEqualTo(ManagedFlinkApplications.Restore.named(savepoint));
  }

  @Test
  void aNewLoaderIsUpdatedOnceAndItsRunStartsOnTheNextPassAllowingNonRestoredState() {
    running("run-1");
    runtime.stopWithSavepoint("run-1", "stop-1");
    service.settle();
    String savepoint = awaitSavepoint("run-1", "stop-1");
    loaderKey = "loader/two.jar";

    assertThatThrownBy(() -> runtime.submit(submission("run-2", Optional.of(savepoint))))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("UPDATING");
    assertThat(service.calls("UpdateApplication")).hasSize(1);
    assertThat(service.starts(APPLICATION)).hasSize(1);

    service.settle();
    runtime.submit(submission("run-2", Optional.of(savepoint)));

    assertThat(service.calls("UpdateApplication")).as("updated once").hasSize(1);
    assertThat(service.starts(APPLICATION).get(1))
        .isEqualTo(
            new InMemoryManagedFlinkApplications.Start(
                ManagedFlinkApplications.Restore.named(savepoint), true));
    assertThat(pauses).isEmpty();
  }

  @Test
  void aStaleVersionIsReadAgainAndTheUpdateRetried() {
    running("run-1");
    service.raceNextUpdate(APPLICATION);
    service.clearCalls();

    assertThat(runtime.rescaleInPlace("run-1", 2)).isTrue();

    assertThat(service.calls("UpdateApplication"))
        .extracting(InMemoryManagedFlinkApplications.Call::error)
        .containsExactly(Optional.of("ConcurrentModificationException"), Optional.empty());
    assertThat(pauses).hasSize(1);
    service.settle();
    RunObservation rescaled = runtime.observe("run-1").orElseThrow();
    assertThat(rescaled.state()).isEqualTo(RunState.RUNNING);
    assertThat(rescaled.parallelism()).isEqualTo(2);
    assertThat(service.snapshotNames(APPLICATION)).hasSize(1);
  }

  @Test
  void aStopOfFloesOwnIsStoppedAndAStopOutsideFloeIsAFailure() {
    running("run-1");
    runtime.stopWithSavepoint("run-1", "stop-1");
    runtime.stopWithSavepoint("run-1", "stop-1");
    assertThat(service.calls("StopApplication")).as("one stop per trigger").hasSize(1);
    assertThat(runtime.savepoint("run-1", "stop-1")).isEqualTo(SavepointOutcome.pending());
    service.settle();
    String savepoint = awaitSavepoint("run-1", "stop-1");
    assertThat(runtime.observe("run-1").orElseThrow().state()).isEqualTo(RunState.STOPPED);

    runtime.submit(submission("run-2", Optional.of(savepoint)));
    service.settle();
    service.stopOutsideFloe(APPLICATION, false);
    service.settle();

    RunObservation outside = runtime.observe("run-2").orElseThrow();
    assertThat(outside.state()).isEqualTo(RunState.FAILED);
    assertThat(outside.failure()).hasValueSatisfying(f -> assertThat(f).contains("outside Floe"));
  }

  @Test
  void aRunningApplicationIsNeitherRestartedUnderAnotherRunNorRemoved() {
    running("run-1");

    assertThatThrownBy(() -> runtime.submit(submission("run-2", Optional.empty())))
        .isInstanceOf(RunRejectedException.class)
        .hasMessageContaining("stop it first");
    assertThat(runtime.remove("orders")).isFalse();
    runtime.submit(submission("run-1", Optional.empty()));
    assertThat(service.calls("StartApplication")).as("a repeated submit").hasSize(1);

    runtime.cancel("run-1");
    assertThat(runtime.remove("orders")).as("FORCE_STOPPING: not waited for").isFalse();
    service.settle();
    assertThat(runtime.remove("orders")).isTrue();
    assertThat(runtime.observe("run-1")).isEmpty();
    assertThat(pauses).isEmpty();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void running(String runId) {
    runtime.submit(submission(runId, Optional.empty()));
    service.settle();
    assertThat(runtime.observe(runId).orElseThrow().state()).isEqualTo(RunState.RUNNING);
  }

  private String awaitSavepoint(String runId, String trigger) {
    SavepointOutcome outcome = runtime.savepoint(runId, trigger);
    assertThat(outcome.failure()).isEmpty();
    return outcome.path().orElseThrow();
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
            "job.flush-interval", "2s");
    return new RunSubmission(runId, "orders", settings, 1, restore);
  }

  private static Artifact artifact(String key) {
    String sha = (key.contains("two") ? "cd" : "ab").repeat(32);
    return new Artifact(
        sha,
        sha.substring(0, 12),
        1,
        "floe-artifacts",
        key,
        Optional.of("v1"),
        "loader.jar",
        "build",
        Instant.EPOCH);
  }

  private static RuntimeProperties.ManagedFlink config() {
    return new RuntimeProperties.ManagedFlink(
        "eu-west-1",
        URI.create("http://localhost:1"),
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
        new RuntimeProperties.ManagedFlink.CloudWatch(null, Duration.ZERO, Duration.ofHours(24)));
  }
}
