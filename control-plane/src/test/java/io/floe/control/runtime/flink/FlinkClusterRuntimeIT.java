package io.floe.control.runtime.flink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.SavepointOutcome;
import io.floe.control.testing.TestStack;
import io.floe.local.LocalFlinkCluster;
import io.floe.testing.kafka.KafkaTestClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink cluster runtime against a real local session cluster (adaptive scheduler), a real Kafka
 * broker, a Hadoop-catalog Iceberg table and the real loader JAR.
 */
class FlinkClusterRuntimeIT {
  private static final Path LOADER_JAR = Path.of("target", "loader", "loader-job.jar");
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()));

  @TempDir static Path dir;

  private static TestStack stack;
  private static LocalFlinkCluster flink;
  private static KafkaTestClient kafka;
  private static HadoopCatalog catalog;
  private static FlinkRestClient client;
  private static String warehouse;

  @BeforeAll
  static void startCluster() {
    assertThat(LOADER_JAR).as("the loader JAR the build copies for the tests").isRegularFile();
    stack =
        TestStack.in(dir)
            .flinkCluster(
                cluster ->
                    cluster
                        .taskSlots(4)
                        // Rescale at once rather than 30 s after the job started running.
                        .config("jobmanager.adaptive-scheduler.scaling-interval.min", "1s")
                        // Forget savepoint results soon, so the test sees a forgotten trigger.
                        .config("rest.async.store-duration", "4s")
                        // The REST API caches a job's details this long (3 s by default); a
                        // restart shows.
                        .config("web.refresh-interval", "1s"))
            .withoutControlPlane()
            .start();
    flink = stack.flinkCluster().orElseThrow();
    kafka = stack.topics();
    client = new FlinkRestClient(flink.restUrl(), HTTP_TIMEOUT);
    warehouse = dir.resolve("warehouse").toUri().toString();
    catalog = new HadoopCatalog(new Configuration(), warehouse);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (catalog != null) {
      catalog.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void submitsRescalesStopsWithASavepointAndRestoresTheLoader() throws Exception {
    String topic = createTopic("orders", 2);
    createTable("orders");
    publish(topic, 1, 5);
    FlinkClusterRuntime runtime = newRuntime();
    String firstRun = newId();
    Map<String, String> settings = settings("orders", topic, "orders");

    runtime.submit(new RunSubmission(firstRun, "orders", settings, 1, Optional.empty()));
    try {
      RunObservation running = awaitState(runtime, firstRun, RunState.RUNNING);
      assertThat(running.parallelism()).isEqualTo(1);
      assertThat(running.runtimeState()).isEqualTo("RUNNING");
      assertThat(running.restarts()).hasValue(0);
      assertThat(loaderJarsOnCluster()).hasSize(1);
      String jarId = loaderJarsOnCluster().get(0).id();
      awaitRows("orders", 5);
      // The REST API caches checkpoint statistics (for web.refresh-interval), so rows
      // committed by a checkpoint may show before the checkpoint does.
      Optional<String> checkpoint =
          await(
              "a retained checkpoint of run " + firstRun,
              () -> runtime.observe(firstRun).orElseThrow().latestCheckpoint(),
              Optional::isPresent);
      assertThat(checkpoint)
          .hasValueSatisfying(path -> assertThat(path).contains(firstRun + "/chk-"));
      // Triggers Flink declined while the tasks deployed (counted in its own figure, with a 1 s
      // flush interval) are no failed checkpoints: none that it started failed.
      assertThat(runtime.observe(firstRun).orElseThrow().failedCheckpoints())
          .as(
              "Flink counts %s failed",
              client.checkpointStatistics(firstRun).orElseThrow().failed())
          .hasValue(0);

      int jobsBefore = client.overview().jobsRunning();
      runtime.submit(new RunSubmission(firstRun, "orders", settings, 1, Optional.empty()));
      assertThat(client.overview().jobsRunning()).isEqualTo(jobsBefore);
      assertThat(runtime.observe(firstRun).orElseThrow().state()).isEqualTo(RunState.RUNNING);

      assertThat(runtime.rescaleInPlace(firstRun, 2)).isTrue();
      await(
          "run " + firstRun + " RUNNING with parallelism 2",
          () -> runtime.observe(firstRun),
          run ->
              run.isPresent()
                  && run.get().state() == RunState.RUNNING
                  && run.get().parallelism() == 2);
      publish(topic, 6, 5);
      awaitRows("orders", 10);
      String source =
          client.jobDetails(firstRun).orElseThrow().vertices().stream()
              .filter(vertex -> vertex.name().startsWith("Source: "))
              .findFirst()
              .orElseThrow()
              .id();
      await(
          "the source's numRecordsOut",
          () -> client.metrics(firstRun, source, List.of("numRecordsOut")),
          metrics ->
              metrics.containsKey("numRecordsOut") && metrics.get("numRecordsOut").sum() > 0);
      await(
          "the job's uptime",
          () -> client.jobMetrics(firstRun, List.of("uptime", "numRestarts")),
          metrics -> metrics.containsKey("uptime"));

      String trigger = newId();
      runtime.stopWithSavepoint(firstRun, trigger);
      runtime.stopWithSavepoint(firstRun, trigger);
      SavepointOutcome outcome =
          await(
              "the savepoint of " + firstRun,
              () -> runtime.savepoint(firstRun, trigger),
              SavepointOutcome::done);
      assertThat(outcome.failure()).isEmpty();
      String savepoint = outcome.path().orElseThrow();
      assertThat(Path.of(URI.create(savepoint))).isDirectory();
      RunObservation stopped = awaitState(runtime, firstRun, RunState.STOPPED);
      assertThat(stopped.runtimeState()).isEqualTo("FINISHED");
      runtime.stopWithSavepoint(firstRun, trigger);
      assertThat(runtime.savepoint(firstRun, trigger).path()).contains(savepoint);

      // Once Flink forgot the trigger, the stop's savepoint is still found.
      await(
          "Flink forgets trigger " + trigger,
          () -> client.savepointStatus(firstRun, trigger),
          Optional::isEmpty);
      assertThat(runtime.savepoint(firstRun, trigger))
          .isEqualTo(SavepointOutcome.completed(savepoint));

      FlinkClusterRuntime restarted = newRuntime();
      String secondRun = newId();
      restarted.submit(new RunSubmission(secondRun, "orders", settings, 2, Optional.of(savepoint)));
      try {
        RunObservation restored = awaitState(restarted, secondRun, RunState.RUNNING);
        assertThat(restored.parallelism()).isEqualTo(2);
        assertThat(loaderJarsOnCluster()).extracting(JarFile::id).containsExactly(jarId);
        publish(topic, 11, 5);
        awaitRows("orders", 15);
        // Two more checkpoints complete: whatever the restored run read again would be committed.
        long completed = completedCheckpoints(secondRun);
        await(
            "two more checkpoints of run " + secondRun,
            () -> completedCheckpoints(secondRun),
            count -> count >= completed + 2);
        assertThat(rows("orders")).as("rows after more commits").isEqualTo(15);
      } finally {
        client.cancel(secondRun);
      }
    } finally {
      client.cancel(firstRun);
    }
  }

  @Test
  void invalidSettingsAreRejectedWithTheLoadersMessage() {
    String topic = createTopic("invalid", 1);
    createTable("invalid");
    FlinkClusterRuntime runtime = newRuntime();
    String run = newId();
    Map<String, String> settings = new HashMap<>(settings("invalid", topic, "invalid"));
    settings.put("job.flush-interval", "soon");

    assertThatThrownBy(
            () -> runtime.submit(new RunSubmission(run, "invalid", settings, 1, Optional.empty())))
        .isInstanceOf(RunRejectedException.class)
        .hasMessageStartingWith("Invalid loader settings (1 problem):")
        .hasMessageContaining("job.flush-interval: 'soon' is not a duration")
        .hasMessageNotContaining("\tat ")
        .hasMessageNotContaining("ProgramInvocationException");
    assertThat(runtime.observe(run)).isEmpty();
  }

  @Test
  void aMissingTopicIsRejectedWithTheLoadersMessage() {
    createTable("missing");
    FlinkClusterRuntime runtime = newRuntime();
    String run = newId();

    assertThatThrownBy(
            () ->
                runtime.submit(
                    new RunSubmission(
                        run,
                        "missing",
                        settings("missing", "no-such-topic", "missing"),
                        1,
                        Optional.empty())))
        .isInstanceOf(RunRejectedException.class)
        .hasMessage("A topic of source.topics does not exist: [no-such-topic]");
    assertThat(runtime.observe(run)).isEmpty();
  }

  @Test
  void anUnknownRunIsNotObservedAndHasNoSavepoint() {
    FlinkClusterRuntime runtime = newRuntime();
    String run = newId();

    assertThat(runtime.observe(run)).isEmpty();
    runtime.stopWithSavepoint(run, newId());
    assertThat(runtime.savepoint(run, newId()).failure())
        .hasValueSatisfying(
            failure -> assertThat(failure).startsWith(FlinkClusterRuntime.RESULT_NO_LONGER_KNOWN));
    assertThatThrownBy(() -> runtime.rescaleInPlace(run, 2))
        .isInstanceOf(RunRejectedException.class);
  }

  @Test
  void aKilledTaskManagerRestartsTheRun() throws Exception {
    String topic = createTopic("failover", 1);
    createTable("failover");
    publish(topic, 1, 3);
    FlinkClusterRuntime runtime = newRuntime();
    String run = newId();
    Map<String, String> settings = new HashMap<>(settings("failover", topic, "failover"));
    settings.put("job.restart-delay", "3s");
    runtime.submit(new RunSubmission(run, "failover", settings, 1, Optional.empty()));
    try {
      awaitState(runtime, run, RunState.RUNNING);
      awaitRows("failover", 3);
      // From here on each look follows a listing, as in the reconciler: a look at a run the
      // listing shows unchanged reads only its checkpoints, so the failover must show in it.
      RunObservation steady = observeAfterListing(runtime, run).orElseThrow();
      assertThat(observeAfterListing(runtime, run).orElseThrow())
          .usingRecursiveComparison()
          .comparingOnlyFields("state", "runtimeState", "parallelism", "restarts", "failure")
          .isEqualTo(steady);

      flink.killTaskManager();
      RunObservation restarting;
      try {
        // Flink records the failure in the job's exception history asynchronously, after the job
        // is already RESTARTING; the TaskManager comes back only once the cause is reported, so
        // the run cannot recover before then.
        restarting =
            await(
                    "run " + run + " RESTARTING with its failure reported",
                    () -> observeAfterListing(runtime, run),
                    observed ->
                        observed.isPresent()
                            && observed.get().state() == RunState.RESTARTING
                            && observed.get().failure().isPresent(),
                    Duration.ofMillis(100))
                .orElseThrow();
      } finally {
        flink.startTaskManager();
      }
      assertThat(restarting.restarts().orElseThrow()).isGreaterThanOrEqualTo(1);

      RunObservation recovered =
          await(
                  "run " + run + " RUNNING again",
                  () -> observeAfterListing(runtime, run),
                  observed -> observed.isPresent() && observed.get().state() == RunState.RUNNING)
              .orElseThrow();
      assertThat(recovered.restarts().orElseThrow()).isGreaterThanOrEqualTo(1);
      assertThat(recovered.failure()).isEmpty();
      publish(topic, 4, 2);
      awaitRows("failover", 5);
    } finally {
      client.cancel(run);
    }
    RunObservation cancelled = awaitState(runtime, run, RunState.STOPPED);
    assertThat(cancelled.runtimeState()).isEqualTo("CANCELED");
    assertThat(runtime.savepoint(run, newId()).failure())
        .hasValueSatisfying(
            failure ->
                assertThat(failure)
                    .startsWith(FlinkClusterRuntime.RESULT_NO_LONGER_KNOWN)
                    .contains("CANCELED"));
  }

  private static FlinkClusterRuntime newRuntime() {
    return new FlinkClusterRuntime(flink.restUrl(), LOADER_JAR, HTTP_TIMEOUT);
  }

  private static List<JarFile> loaderJarsOnCluster() {
    String name = LoaderJar.read(LOADER_JAR).uploadName();
    return client.listJars().stream().filter(jar -> jar.name().equals(name)).toList();
  }

  private static Map<String, String> settings(String pipeline, String topic, String table) {
    return Map.of(
        "pipeline.name",
        pipeline,
        "source.bootstrap-servers",
        kafka.bootstrapServers(),
        "source.topics",
        topic,
        "table.catalog.type",
        "hadoop",
        "table.catalog.warehouse",
        warehouse,
        "table.namespace",
        "db",
        "table.name",
        table,
        "job.flush-interval",
        "1s");
  }

  private static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static String createTopic(String name, int partitions) {
    kafka.createTopic(name, partitions);
    return name;
  }

  private static void createTable(String name) {
    catalog.createTable(TableIdentifier.of("db", name), SCHEMA);
  }

  private static void publish(String topic, int firstId, int count) {
    for (int id = firstId; id < firstId + count; id++) {
      kafka.sendRaw(topic, ("{\"id\": " + id + ", \"name\": \"n" + id + "\"}").getBytes(UTF_8));
    }
    kafka.flush();
  }

  private static long completedCheckpoints(String run) {
    return client.checkpointStatistics(run).map(CheckpointStatistics::completed).orElse(0L);
  }

  /** Rows in the table: the current snapshot's total-records. */
  private static long rows(String table) {
    Snapshot snapshot = catalog.loadTable(TableIdentifier.of("db", table)).currentSnapshot();
    return snapshot == null ? 0 : Long.parseLong(snapshot.summary().get("total-records"));
  }

  private static void awaitRows(String table, long expected) {
    long rows = await("rows in " + table, () -> rows(table), count -> count >= expected);
    assertThat(rows).as("rows in " + table).isEqualTo(expected);
  }

  /** A listing of the cluster's jobs, then a look at the run, as the reconciler makes them. */
  private static Optional<RunObservation> observeAfterListing(
      FlinkClusterRuntime runtime, String run) {
    assertThat(runtime.runStates()).isPresent();
    return runtime.observe(run);
  }

  private static RunObservation awaitState(
      FlinkClusterRuntime runtime, String run, RunState state) {
    return await(
            "run " + run + " " + state,
            () -> runtime.observe(run),
            observed -> observed.isPresent() && observed.get().state() == state)
        .orElseThrow();
  }

  private static <T> T await(String what, Supplier<T> probe, Predicate<T> done) {
    return await(what, probe, done, Duration.ofMillis(250));
  }

  private static <T> T await(String what, Supplier<T> probe, Predicate<T> done, Duration pause) {
    Instant deadline = Instant.now().plus(WAIT);
    T last = probe.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "Waited " + WAIT + " for " + what + "; last seen: " + last + logHint());
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for " + what, e);
      }
      last = probe.get();
    }
    return last;
  }

  private static String logHint() {
    Path log = flink.jobManagerLog();
    return Files.exists(log) ? " (see " + log + ")" : "";
  }
}
