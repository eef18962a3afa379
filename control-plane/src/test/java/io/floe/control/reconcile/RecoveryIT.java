package io.floe.control.reconcile;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.TestStack;
import io.floe.control.testing.TestingRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The reconciler brings pipelines back on its own, against a runtime whose runs the test steers
 * (start slowly, disappear, fail, get cancelled from outside, go unknown for a moment), with the
 * real control plane, store, API and a real broker for the pipeline checks. Every submit is
 * checked: never while another run of the same pipeline is alive.
 */
class RecoveryIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration BACKOFF = Duration.ofSeconds(2);

  @TempDir static Path dir;
  static TestStack stack;
  static TestingRuntime runtime;
  static ApiClient api;
  static int pipelines;

  @BeforeAll
  static void start() {
    runtime = new TestingRuntime();
    stack =
        TestStack.in(dir)
            .topic("events", 2)
            .property("floe.runtime.default-target", TestingRuntime.TARGET)
            .property("floe.reconcile.interval", "200ms")
            .property("floe.reconcile.lease", "5s")
            .property("floe.reconcile.gone-after", "2s")
            .property("floe.reconcile.start-timeout", "3s")
            .property("floe.reconcile.recovery-backoff", BACKOFF.toSeconds() + "s")
            .property("floe.reconcile.recovery-max-backoff", "8s")
            .initializer(runtime.initializer())
            .start();
    api = stack.api();
  }

  @AfterEach
  void noTwoRunsOfAPipelineEverAlive() {
    assertThat(runtime.violations()).isEmpty();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A new pipeline, RUNNING on its first run; returns its name. */
  private static String runningPipeline() {
    runtime.startDelay(Duration.ZERO);
    String name = "recovering-" + ++pipelines;
    Map<String, Object> body =
        stack.pipeline("events", name).idColumnOnly().skipBadMessages().body();
    ApiClient.Response created = api.put("/pipelines/" + name, body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    api.awaitState(name, "RUNNING", WAIT);
    return name;
  }

  private static String runId(String pipeline) {
    return api.get("/pipelines/" + pipeline).body().path("status").path("runId").asString();
  }

  private static JsonNode status(String pipeline) {
    return api.get("/pipelines/" + pipeline).body().path("status");
  }

  private static List<JsonNode> events(String pipeline, String type) {
    return api.get("/pipelines/" + pipeline + "/events?limit=500")
        .body()
        .valueStream()
        .filter(event -> event.path("type").asString().equals(type))
        .collect(Collectors.toList());
  }

  private static TestingRuntime.Run awaitNewRun(String pipeline, String after) {
    return await(
        "a run of " + pipeline + " after " + after,
        () -> {
          List<TestingRuntime.Run> runs = runtime.runsOf(pipeline);
          TestingRuntime.Run last = runs.get(runs.size() - 1);
          return last.id().equals(after) ? null : last;
        },
        run -> run != null,
        WAIT);
  }

  @Test
  void aRunThatDisappearsIsRecoveredFromItsNewestRetainedCheckpoint() {
    String pipeline = runningPipeline();
    String first = runId(pipeline);
    runtime.checkpoint(first);
    String newest = runtime.checkpoint(first);

    runtime.lose(first);

    TestingRuntime.Run second = awaitNewRun(pipeline, first);
    assertThat(second.restoredFrom()).contains(newest);
    api.awaitState(pipeline, "RUNNING", WAIT);
    assertThat(events(pipeline, "RECOVERING"))
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.path("message").asString())
                    .contains("Recovery attempt 1")
                    .contains("is gone from the runtime")
                    .contains("restoring " + newest));
    assertThat(status(pipeline).path("recovery").path("attempts").asInt()).isEqualTo(1);

    runtime.checkpoint(second.id());
    await(
        "recovery settled once the new run checkpoints",
        () -> status(pipeline),
        s -> s.path("recovery").isMissingNode() || s.path("recovery").isNull(),
        WAIT);
    assertThat(events(pipeline, "RECOVERED")).hasSize(1);
  }

  @Test
  void aRunTheRuntimeDoesNotKnowForAMomentIsNeitherFailedNorStartedAgain() {
    String pipeline = runningPipeline();
    String run = runId(pipeline);
    int before = runtime.run(run).observations();

    runtime.hide(run, 2);
    await(
        "observations past the unknown ones",
        () -> runtime.run(run).observations(),
        n -> n >= before + 6,
        WAIT);

    assertThat(runtime.runsOf(pipeline)).hasSize(1);
    assertThat(status(pipeline).path("observedState").asString()).isEqualTo("RUNNING");
    assertThat(events(pipeline, "STATE_CHANGED"))
        .noneSatisfy(e -> assertThat(e.path("message").asString()).contains("FAILED"));
  }

  @Test
  void aStartSlowerThanTheTimeoutIsCancelledBeforeAnotherRunStarts() {
    String pipeline = runningPipeline();
    String first = runId(pipeline);
    runtime.startDelay(Duration.ofMinutes(10));

    ApiClient.Response restart = api.post("/pipelines/" + pipeline + "/restart", "");
    assertThat(restart.status()).as(restart.toString()).isEqualTo(202);
    JsonNode operation = api.awaitOperation(restart.body().path("id").asString(), WAIT);

    assertThat(operation.path("state").asString()).isEqualTo("FAILED");
    assertThat(operation.path("outcome").asString())
        .contains("did not reach RUNNING within")
        .contains("it was cancelled");
    TestingRuntime.Run slow = awaitNewRun(pipeline, first);
    assertThat(runtime.cancelled()).contains(slow.id());

    runtime.startDelay(Duration.ZERO);
    TestingRuntime.Run recovered = awaitNewRun(pipeline, slow.id());
    api.awaitState(pipeline, "RUNNING", WAIT);
    assertThat(runtime.run(recovered.id()).phase()).isEqualTo(TestingRuntime.Phase.RUNNING);
  }

  @Test
  void aFailedRunIsRecoveredWithGrowingWaitsBetweenAttempts() {
    String pipeline = runningPipeline();
    String first = runId(pipeline);
    String checkpoint = runtime.checkpoint(first);
    runtime.failNextStarts(3);

    runtime.fail(first, "java.lang.OutOfMemoryError: Java heap space");

    await("four runs", () -> runtime.runsOf(pipeline).size(), n -> n >= 5, WAIT);
    api.awaitState(pipeline, "RUNNING", WAIT);
    List<TestingRuntime.Run> runs = runtime.runsOf(pipeline);
    assertThat(runs.get(1).restoredFrom()).as("attempt 1").contains(checkpoint);
    assertThat(runs.get(2).restoredFrom())
        .as("attempt 2: the failed run had no checkpoint, so the point it started from")
        .contains(checkpoint);
    assertThat(runs.get(3).restoredFrom()).as("attempt 3: the table's offsets").isEmpty();
    assertThat(events(pipeline, "RECOVERING")).hasSize(4);
    List<Instant> attempts =
        api.get("/pipelines/" + pipeline + "/operations?limit=50")
            .body()
            .valueStream()
            .filter(op -> op.path("type").asString().equals("RECOVER"))
            .map(op -> Instant.parse(op.path("createdAt").asString()))
            .sorted()
            .collect(Collectors.toList());
    assertThat(attempts).hasSize(4);
    for (int i = 1; i < attempts.size(); i++) {
      Duration wait = Duration.between(attempts.get(i - 1), attempts.get(i));
      Duration expected = BACKOFF.multipliedBy(1L << Math.min(i - 1, 2));
      assertThat(wait).as("wait before attempt " + (i + 1)).isGreaterThanOrEqualTo(expected);
    }
  }

  @Test
  void aRunCancelledOutsideFloeStaysDownEvenOnceTheRuntimeForgetsIt() {
    String pipeline = runningPipeline();
    String run = runId(pipeline);
    String witness = runningPipeline();
    String witnessRun = runId(witness);

    runtime.cancelOutside(run);
    JsonNode failed = api.awaitState(pipeline, "FAILED", WAIT).path("status");
    assertThat(failed.path("lastError").asString())
        .isEqualTo("Run " + run + " ended CANCELED outside Floe");
    assertThat(failed.path("recovery").path("halted").asBoolean()).isTrue();

    // Both runs disappear (a JobManager restarted): the witness is recovered, and by then the
    // reconciler looked at the cancelled one for as long.
    runtime.lose(run);
    runtime.lose(witnessRun);
    awaitNewRun(witness, witnessRun);
    assertThat(runtime.runsOf(pipeline)).as("not resurrected").hasSize(1);

    ApiClient.Response started = api.post("/pipelines/" + pipeline + "/start", "");
    assertThat(
            api.awaitOperation(started.body().path("id").asString(), WAIT).path("state").asString())
        .isEqualTo("SUCCEEDED");
    assertThat(runtime.runsOf(pipeline)).hasSize(2);
    assertThat(status(pipeline).path("recovery").isMissingNode()).isTrue();
  }

  @Test
  void aStrayRunOfThePipelineIsCancelledBeforeAnotherIsSubmitted() {
    String pipeline = runningPipeline();
    String first = runId(pipeline);
    // The pipeline lost track of its run (e.g. its status was restored from a backup), which runs
    // on.
    runtime.hide(first, Integer.MAX_VALUE);
    TestingRuntime.Run second = awaitNewRun(pipeline, first);

    assertThat(runtime.cancelled()).contains(first);
    assertThat(events(pipeline, "STRAY_RUN_CANCELLED")).hasSize(1);
    api.awaitState(pipeline, "RUNNING", WAIT);
    assertThat(runId(pipeline)).isEqualTo(second.id());
  }
}
