package io.floe.control.runtime.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import io.floe.control.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How Flink's job details translate into Floe's view of a run, the loader's arguments, and the
 * runtime's decisions against a cluster in memory ({@link FakeFlink}).
 */
class FlinkClusterRuntimeTest {
  private static final String RUN = "0123456789abcdef0123456789abcdef";
  private static final String TRIGGER = "fedcba9876543210fedcba9876543210";
  private static final JobDetails.Vertex SOURCE =
      new JobDetails.Vertex(
          "61252f73469d3ffba207c548d29a0267", "Source: Kafka t", 3, 128, "RUNNING");
  private static final JobDetails.Vertex COMMITTER =
      new JobDetails.Vertex("cc1bd7c0d36e6565e899c555cca42793", "Commit db.t", 1, 1, "RUNNING");

  @Test
  void mapsEveryFlinkJobState() {
    Map<String, RunState> expected =
        Map.ofEntries(
            Map.entry("INITIALIZING", RunState.STARTING),
            Map.entry("CREATED", RunState.STARTING),
            Map.entry("RECONCILING", RunState.STARTING),
            Map.entry("RUNNING", RunState.RUNNING),
            Map.entry("RESTARTING", RunState.RESTARTING),
            Map.entry("FAILING", RunState.RESTARTING),
            Map.entry("CANCELLING", RunState.STOPPING),
            Map.entry("SUSPENDED", RunState.STOPPING),
            Map.entry("FINISHED", RunState.STOPPED),
            Map.entry("CANCELED", RunState.STOPPED),
            Map.entry("FAILED", RunState.FAILED));
    expected.forEach(
        (flinkState, state) ->
            assertThat(FlinkClusterRuntime.state(job(flinkState, Map.of("RUNNING", 4))))
                .as(flinkState)
                .isEqualTo(state));
  }

  @Test
  void aRunningJobWithTasksStillDeployingIsStarting() {
    assertThat(FlinkClusterRuntime.state(job("RUNNING", Map.of("RUNNING", 3, "DEPLOYING", 1))))
        .isEqualTo(RunState.STARTING);
    assertThat(FlinkClusterRuntime.state(job("RUNNING", Map.of("RUNNING", 3, "FINISHED", 1))))
        .isEqualTo(RunState.RUNNING);
  }

  @Test
  void anUnknownStateIsNotGuessed() {
    assertThatThrownBy(() -> FlinkClusterRuntime.state(job("NAPPING", Map.of())))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("NAPPING");
  }

  @Test
  void theParallelismIsTheLargestAmongVerticesThatCanScale() {
    assertThat(FlinkClusterRuntime.parallelism(job("RUNNING", Map.of()))).isEqualTo(3);
    JobDetails committerOnly =
        new JobDetails("a".repeat(32), "floe-t", "RUNNING", List.of(COMMITTER), Map.of());
    assertThat(FlinkClusterRuntime.parallelism(committerOnly)).isEqualTo(1);
  }

  @Test
  void passesEverySettingAsKeyAndValueSortedByKey() {
    assertThat(
            FlinkClusterRuntime.programArguments(
                Map.of("source.topics", "orders", "job.flush-interval", "1s", "pipeline.name", "")))
        .containsExactly(
            "--job.flush-interval", "1s", "--pipeline.name", "", "--source.topics", "orders");
  }

  @TempDir Path dir;
  private FakeFlink flink;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T10:00:00Z"));
  private FlinkClusterRuntime runtime;
  private String uploadName;

  @BeforeEach
  void newRuntime() throws IOException {
    Path jar = Files.write(dir.resolve("loader-job.jar"), new byte[] {1, 2, 3});
    uploadName = LoaderJar.read(jar).uploadName();
    flink = new FakeFlink();
    runtime = new FlinkClusterRuntime(flink, flink, jar, clock);
  }

  @Test
  void uploadsTheLoaderJarOnceAndSubmitsARunOnce() {
    runtime.submit(submission(RUN));
    runtime.submit(submission(RUN));
    runtime.submit(submission(TRIGGER));

    assertThat(flink.uploads).containsExactly(uploadName);
    assertThat(flink.runs).extracting(JarRun::jobId).containsExactly(RUN, TRIGGER);
    assertThat(flink.runs.get(0).entryClass()).isEqualTo(FlinkClusterRuntime.ENTRY_CLASS);
    assertThat(flink.runs.get(0).programArgs()).containsExactly("--pipeline.name", "p");
  }

  @Test
  void findsTheJarAnEarlierControlPlaneUploaded() {
    flink.jar(new JarFile("old_" + uploadName, uploadName, 1));
    flink.jar(new JarFile("new_" + uploadName, uploadName, 2));

    runtime.submit(submission(RUN));

    assertThat(flink.uploads).isEmpty();
    assertThat(flink.runJarIds).containsExactly("new_" + uploadName);
  }

  @Test
  void uploadsAgainOnceWhenTheClusterLostTheJar() {
    runtime.submit(submission(RUN));
    flink.loseJars();
    flink.failNextRun(rejected("Jar file /tmp/flink-web/lost.jar does not exist"));

    runtime.submit(submission(TRIGGER));

    assertThat(flink.uploads).containsExactly(uploadName, uploadName);
    assertThat(flink.runs).extracting(JarRun::jobId).containsExactly(RUN, TRIGGER);
  }

  @Test
  void aDuplicateSubmissionIsTheRunAlreadySubmitted() {
    flink.failNextRun(rejected("org.apache.flink.DuplicateJobSubmissionException: " + RUN));

    runtime.submit(submission(RUN));

    assertThat(flink.runJarIds).hasSize(1);
  }

  @Test
  void aLoaderThatRefusesItsSettingsIsRejectedWithItsOwnMessage() {
    flink.failNextRun(
        rejected(
            "org.apache.flink.client.program.ProgramInvocationException: The main method caused"
                + " an error: Invalid loader settings (1 problem): x\n\tat io.floe.Loader"));

    assertThatThrownBy(() -> runtime.submit(submission(RUN)))
        .isInstanceOf(RunRejectedException.class)
        .isNotInstanceOf(FlinkRejectedException.class)
        .hasMessage("Invalid loader settings (1 problem): x");
  }

  @Test
  void stopsWithASavepointOnlyARunThatStillRuns() {
    runtime.stopWithSavepoint(RUN, TRIGGER);
    flink.job(job(RUN, "CANCELED"));
    runtime.stopWithSavepoint(RUN, TRIGGER);
    assertThat(flink.stops).isEmpty();

    flink.job(job(RUN, "RUNNING"));
    runtime.stopWithSavepoint(RUN, TRIGGER);

    assertThat(flink.stops).containsExactly(RUN + "/" + TRIGGER);
  }

  @Test
  void aSavepointFlinkReportsIsItsOutcome() {
    flink.job(job(RUN, "RUNNING")).savepoint(RUN, TRIGGER, SavepointOutcome.completed("file:/s"));

    assertThat(runtime.savepoint(RUN, TRIGGER)).isEqualTo(SavepointOutcome.completed("file:/s"));
  }

  @Test
  void aSavepointFlinkForgotIsTheStopsOwnOrNoLongerKnown() {
    assertThat(runtime.savepoint(RUN, TRIGGER).failure())
        .hasValueSatisfying(
            failure -> assertThat(failure).startsWith(FlinkClusterRuntime.RESULT_NO_LONGER_KNOWN));

    flink.job(job(RUN, "CANCELLING"));
    assertThat(runtime.savepoint(RUN, TRIGGER)).isEqualTo(SavepointOutcome.pending());

    flink.job(job(RUN, "FINISHED")).checkpoints(RUN, savepointTaken("SYNC_SAVEPOINT"));
    assertThat(runtime.savepoint(RUN, TRIGGER))
        .isEqualTo(SavepointOutcome.completed("file:/savepoints/sp-1"));

    flink.checkpoints(RUN, savepointTaken("SAVEPOINT"));
    assertThat(runtime.savepoint(RUN, TRIGGER).failure())
        .hasValueSatisfying(
            failure ->
                assertThat(failure)
                    .startsWith(FlinkClusterRuntime.RESULT_NO_LONGER_KNOWN)
                    .contains("FINISHED"));

    flink.job(job(RUN, "RUNNING"));
    assertThat(runtime.savepoint(RUN, TRIGGER).failure())
        .hasValueSatisfying(failure -> assertThat(failure).contains("never triggered"));
  }

  @Test
  void cancelsOnlyARunThatHasNotEndedNorIsCancelling() {
    runtime.cancel(RUN);
    flink.job(job(RUN, "CANCELLING"));
    runtime.cancel(RUN);
    flink.job(job(RUN, "FAILED"));
    runtime.cancel(RUN);
    assertThat(flink.cancels).isEmpty();

    flink.job(job(RUN, "RESTARTING"));
    runtime.cancel(RUN);

    assertThat(flink.cancels).containsExactly(RUN);
  }

  @Test
  void rescalesEveryVertexWithinItsMaxParallelism() {
    flink
        .job(new JobDetails(RUN, "floe-t", "RUNNING", List.of(SOURCE, COMMITTER), Map.of()))
        .requirements(
            RUN,
            Map.of(
                SOURCE.id(), new ParallelismBounds(1, 3),
                COMMITTER.id(), new ParallelismBounds(1, 1)));

    assertThat(runtime.rescaleInPlace(RUN, 5)).isTrue();

    assertThat(flink.rescales.get(RUN))
        .isEqualTo(
            Map.of(
                SOURCE.id(), new ParallelismBounds(1, 5),
                COMMITTER.id(), new ParallelismBounds(1, 1)));
  }

  @Test
  void aSchedulerThatCannotRescaleInPlaceIsNoFailure() {
    flink
        .job(job(RUN, "RUNNING"))
        .failRequirements(
            new FlinkUnavailableException(
                "GET /jobs", 500, FlinkErrors.of("java.lang.UnsupportedOperationException")));

    assertThat(runtime.rescaleInPlace(RUN, 2)).isFalse();
    assertThatThrownBy(() -> runtime.rescaleInPlace(TRIGGER, 2))
        .isInstanceOf(RunRejectedException.class);
  }

  @Test
  void countsRestartsFromTheExceptionHistoryAndTheMetricOnceItDroppedEntries() {
    flink.job(job(RUN, "FAILED")).exceptions(RUN, new JobExceptions(Optional.of("boom"), 3, false));
    RunObservation failed = runtime.observe(RUN).orElseThrow();
    assertThat(failed.state()).isEqualTo(RunState.FAILED);
    assertThat(failed.restarts()).hasValue(2);
    assertThat(failed.failure()).contains("boom");

    flink
        .job(job(RUN, "RUNNING"))
        .exceptions(RUN, new JobExceptions(Optional.of("boom"), 16, true))
        .jobMetric(RUN, "numRestarts", "40");
    RunObservation running = runtime.observe(RUN).orElseThrow();
    assertThat(running.restarts()).hasValue(40);
    assertThat(running.failure()).isEmpty();
    assertThat(runtime.observe(TRIGGER)).isEmpty();
  }

  @Test
  void aSteadyRunIsLookedAtWithOneRequestOnceAListingTakenSinceShowsItUnchanged() {
    RunObservation first = lookFullyAtASettledRun();
    assertThat(flink.reads)
        .containsExactly("details " + RUN, "exceptions " + RUN, "checkpoints " + RUN);

    flink.reads.clear();
    flink.checkpoints(RUN, checkpointsCompleted(9));
    runtime.runStates();
    RunObservation steady = runtime.observe(RUN).orElseThrow();

    assertThat(flink.reads).containsExactly("checkpoints " + RUN);
    assertThat(steady.completedCheckpoints()).isEqualTo(9);
    assertThat(steady.latestCheckpoint()).contains("s3://b/chk-9");
    assertThat(steady)
        .usingRecursiveComparison()
        .ignoringFields("completedCheckpoints", "latestCheckpoint")
        .isEqualTo(first);
  }

  @Test
  void aLookSoonAfterTheJobChangedStandsForNoLaterLook() {
    // Flink serves a job's details from a cache: a look right after a change may read the job as it
    // was (its tasks still deploying), while the listing already shows the change.
    flink.job(job(RUN, "RUNNING")).checkpoints(RUN, checkpointsCompleted(4));
    runtime.runStates();
    clock.advance(FlinkClusterRuntime.SETTLED.minusMillis(1));
    runtime.observe(RUN);
    runtime.runStates();
    clock.advance(Duration.ofMillis(1));
    flink.reads.clear();

    runtime.observe(RUN);
    runtime.runStates();
    runtime.observe(RUN);

    assertThat(flink.reads)
        .as("a full look, settled this time, then one request")
        .containsExactly(
            "details " + RUN, "exceptions " + RUN, "checkpoints " + RUN, "checkpoints " + RUN);
  }

  @Test
  void aRunThatChangedSinceItsLastFullLookIsLookedAtFully() {
    lookFullyAtASettledRun();
    // It failed over and runs again: its tasks were redeployed, the listing's time moved.
    flink
        .job(job(RUN, "RUNNING"))
        .exceptions(RUN, new JobExceptions(Optional.of("boom"), 1, false));
    flink.reads.clear();
    runtime.runStates();

    RunObservation restarted = runtime.observe(RUN).orElseThrow();

    assertThat(flink.reads)
        .containsExactly("details " + RUN, "exceptions " + RUN, "checkpoints " + RUN);
    assertThat(restarted.restarts()).hasValue(1);
  }

  @Test
  void withoutAListingSinceTheLastLookOrAfterAChangeItMadeTheRuntimeLooksFully() {
    lookFullyAtASettledRun();
    runtime.runStates();
    runtime.observe(RUN); // one request: the listing is newer than the look
    flink.reads.clear();

    runtime.observe(RUN); // no listing since the last look
    runtime.runStates();
    runtime.cancel(RUN);
    runtime.observe(RUN); // the runtime changed the run itself

    assertThat(flink.reads)
        .containsExactly(
            "details " + RUN,
            "exceptions " + RUN,
            "checkpoints " + RUN,
            "details " + RUN, // cancel's own check
            "details " + RUN,
            "exceptions " + RUN,
            "checkpoints " + RUN);
  }

  @Test
  void aFailedListingLeavesTheNextLookFull() {
    lookFullyAtASettledRun();
    runtime.runStates();
    flink.failListing(
        new FlinkUnavailableException("GET /jobs/overview", 503, FlinkErrors.of("refused")));
    assertThatThrownBy(runtime::runStates).isInstanceOf(FlinkUnavailableException.class);
    flink.reads.clear();

    runtime.observe(RUN);

    assertThat(flink.reads)
        .containsExactly("details " + RUN, "exceptions " + RUN, "checkpoints " + RUN);
  }

  @Test
  void aListingWithoutModificationTimesLeavesEveryLookFull() {
    flink.withoutModificationTimes();
    lookFullyAtASettledRun();
    runtime.runStates();
    flink.reads.clear();

    runtime.observe(RUN);

    assertThat(flink.reads)
        .containsExactly("details " + RUN, "exceptions " + RUN, "checkpoints " + RUN);
  }

  @Test
  void theLiveRunsAreThePipelinesJobsThatDidNotEnd() {
    flink
        .job(new JobDetails(RUN, "floe-orders", "RUNNING", List.of(), Map.of()))
        .job(new JobDetails(TRIGGER, "floe-orders", "CANCELED", List.of(), Map.of()))
        .job(new JobDetails("b".repeat(32), "floe-other", "RUNNING", List.of(), Map.of()));

    assertThat(runtime.liveRuns("orders")).containsExactly(RUN);
  }

  @Test
  void theRetainedCheckpointIsTheLatestTheClusterReportsWhenItsDirectoryIsNotLocal() {
    flink
        .configuration("execution.checkpointing.dir", "s3://bucket/checkpoints")
        .checkpoints(
            RUN,
            new CheckpointStatistics(
                1,
                0,
                0,
                0,
                Optional.of(
                    new CheckpointStatistics.Checkpoint(
                        7, "CHECKPOINT", "s3://bucket/checkpoints/chk-7", false, 0)),
                Optional.empty(),
                0));

    assertThat(runtime.retainedCheckpoints(RUN)).containsExactly("s3://bucket/checkpoints/chk-7");
    assertThat(runtime.retainedCheckpoints(TRIGGER)).isEmpty();
  }

  private static RunSubmission submission(String runId) {
    return new RunSubmission(runId, "p", Map.of("pipeline.name", "p"), 1, Optional.empty());
  }

  private static FlinkRejectedException rejected(String error) {
    return new FlinkRejectedException("POST /jars/x/run", 400, FlinkErrors.of(error));
  }

  private static CheckpointStatistics savepointTaken(String type) {
    return new CheckpointStatistics(
        1,
        0,
        0,
        0,
        Optional.empty(),
        Optional.of(
            new CheckpointStatistics.Checkpoint(1, type, "file:/savepoints/sp-1", false, 0)),
        0);
  }

  /**
   * A running job, listed unchanged for {@link FlinkClusterRuntime#SETTLED} before a full look at
   * it: a look that later ones may stand on.
   */
  private RunObservation lookFullyAtASettledRun() {
    flink.job(job(RUN, "RUNNING")).checkpoints(RUN, checkpointsCompleted(4));
    runtime.runStates();
    clock.advance(FlinkClusterRuntime.SETTLED);
    return runtime.observe(RUN).orElseThrow();
  }

  private static CheckpointStatistics checkpointsCompleted(long id) {
    return new CheckpointStatistics(
        id,
        0,
        0,
        0,
        Optional.of(
            new CheckpointStatistics.Checkpoint(id, "CHECKPOINT", "s3://b/chk-" + id, false, 0)),
        Optional.empty(),
        0);
  }

  private static JobDetails job(String jobId, String state) {
    return new JobDetails(jobId, "floe-t", state, List.of(SOURCE, COMMITTER), Map.of());
  }

  private static JobDetails job(String state, Map<String, Integer> taskCounts) {
    return new JobDetails("a".repeat(32), "floe-t", state, List.of(SOURCE, COMMITTER), taskCounts);
  }
}
