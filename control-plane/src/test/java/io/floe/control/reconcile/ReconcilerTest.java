package io.floe.control.reconcile;

import static io.floe.control.reconcile.ReconcileFixture.PIPELINE;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.model.DesiredState;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationState;
import io.floe.control.model.OperationType;
import io.floe.control.model.PipelineStatus;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.testing.TestingRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The reconciler's decisions (observe, decide, act) on fakes and a clock the test moves: what
 * RecoveryIT shows end to end, in milliseconds. Leases are the real ones, on an in-memory H2.
 */
class ReconcilerTest {
  private static JdbcClient jdbc;

  private ReconcileFixture fixture;
  private TestingRuntime runtime;
  private Reconciler reconciler;

  @BeforeAll
  static void leases() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(
        "jdbc:h2:mem:reconciler-"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    jdbc = JdbcClient.create(dataSource);
  }

  @BeforeEach
  void start() {
    jdbc.sql("delete from pipeline_lease").update();
    jdbc.sql("delete from control_plane_replica").update();
    fixture = new ReconcileFixture();
    runtime = fixture.runtime;
    reconciler = fixture.reconciler(new PipelineLeases(jdbc, fixture.clock));
  }

  @AfterEach
  void stop() {
    reconciler.destroy();
    assertThat(runtime.violations()).as("two runs of the pipeline alive at once").isEmpty();
  }

  @Test
  void aLiveLoaderIsGivenTimeToFollowASchemaChangeAndIsRestartedOnlyWhenItDoesNot() {
    AtomicReference<Optional<SchemaDrift.Drift>> drift = new AtomicReference<>(Optional.empty());
    Reconciler live = fixture.reconciler(new PipelineLeases(jdbc, fixture.clock), p -> drift.get());
    try {
      fixture.create(DesiredState.RUNNING, "live");
      fixture.enqueue(OperationType.START, Map.of());
      for (int i = 0; i < 10 && fixture.status().observedState() != ObservedState.RUNNING; i++) {
        live.reconcile(PIPELINE);
        fixture.clock.advance(Duration.ofSeconds(1));
      }
      String run = fixture.status().runId().orElseThrow();
      String start = lastOperation().id();

      drift.set(Optional.of(new SchemaDrift.Drift(run, "the table's schema is now 2")));
      // Three flush intervals (60 s by default), at least 30 s.
      Duration grace = Reconciler.liveSchemaGrace(fixture.pipeline());
      assertThat(grace).isEqualTo(Duration.ofMinutes(3));
      for (int second = 0; second < grace.toSeconds() - 1; second++) {
        live.reconcile(PIPELINE);
        fixture.clock.advance(Duration.ofSeconds(1));
      }
      assertThat(lastOperation().id()).as("no restart within the grace").isEqualTo(start);

      // The loader followed: its commits carry the new schema, the drift is gone.
      drift.set(Optional.empty());
      fixture.clock.advance(Duration.ofMinutes(5));
      live.reconcile(PIPELINE);
      assertThat(lastOperation().id()).as("nothing to restart").isEqualTo(start);

      // A change it cannot follow: after the grace, the restart rolls it out.
      drift.set(Optional.of(new SchemaDrift.Drift(run, "the table's schema is now 3")));
      live.reconcile(PIPELINE);
      fixture.clock.advance(grace);
      live.reconcile(PIPELINE);
      Operation restart = lastOperation();
      assertThat(restart.type())
          .as(fixture.status() + " " + fixture.eventTypes())
          .isEqualTo(OperationType.RESTART);
      assertThat(fixture.operations.events(PIPELINE, 100).stream().map(e -> e.message()))
          .anyMatch(m -> m.contains("the table's schema is now 3: the loader did not follow it"));
    } finally {
      live.destroy();
    }
  }

  @Test
  void aSteadyRunIsObservedOnlyWhenTheRunListingShowsAChangeOrTheSteadyIntervalPassed() {
    String run = running();
    round(); // the look after it became RUNNING changed nothing: the pipeline holds still
    int observations = runtime.calls("observe").size();

    assertThat(reconciler.due()).as("steady, its run listed RUNNING as last seen").isEmpty();
    Duration wait = reconciler.steadyWait(PIPELINE);
    assertThat(wait).isBetween(Duration.ofSeconds(45), Duration.ofSeconds(60));
    fixture.clock.advance(wait.minusSeconds(2)); // a second before it (a round is 1 s)
    assertThat(reconciler.due()).as("within the steady wait").isEmpty();
    assertThat(runtime.calls("observe")).hasSize(observations);
    assertThat(runtime.calls("runStates")).as("one listing per pass").hasSize(2);

    fixture.clock.advance(Duration.ofSeconds(1));
    assertThat(reconciler.due())
        .as("the steady interval passed, not urgent")
        .containsExactly(Map.entry(PIPELINE, false));
    round();
    assertThat(reconciler.due()).isEmpty();

    runtime.fail(run, "boom");
    assertThat(reconciler.due())
        .as("the listing shows the run FAILED: urgent")
        .containsExactly(Map.entry(PIPELINE, true));
    round();
    assertThat(fixture.status().observedState()).isEqualTo(ObservedState.FAILED);
    assertThat(reconciler.due()).as("failed, to be recovered: looked at every pass").hasSize(1);
  }

  @Test
  void aSteadyPipelineIsLookedAtAtOnceForAnOperationAFailedListingOrAMissingRun() {
    String run = running();
    round();
    assertThat(reconciler.due()).isEmpty();

    fixture.enqueue(OperationType.RESTART, Map.of());
    assertThat(reconciler.due()).as("an operation to carry out").containsOnlyKeys(PIPELINE);
    awaitRunning();
    round();
    assertThat(reconciler.due()).isEmpty();

    runtime.listing(TestingRuntime.Listing.FAILS);
    assertThat(reconciler.due()).as("the listing failed").containsOnlyKeys(PIPELINE);
    runtime.listing(TestingRuntime.Listing.LISTS);
    assertThat(reconciler.due()).isEmpty();

    runtime.hide(fixture.status().runId().orElseThrow(), 1);
    assertThat(reconciler.due()).as("the run is not listed").containsOnlyKeys(PIPELINE);
    runtime.listing(TestingRuntime.Listing.UNSUPPORTED);
    assertThat(reconciler.due()).as("no listing: the steady interval decides").isEmpty();
    assertThat(run).isNotEqualTo(fixture.status().runId().orElseThrow());
  }

  @Test
  void urgentLooksGoBeforeSteadyOnesEachInTheOrderWoken() {
    java.util.concurrent.PriorityBlockingQueue<Reconciler.QueuedLook> queue =
        new java.util.concurrent.PriorityBlockingQueue<>();
    Runnable nothing = () -> {};
    queue.add(new Reconciler.QueuedLook(false, 1, nothing));
    queue.add(new Reconciler.QueuedLook(false, 2, nothing));
    queue.add(new Reconciler.QueuedLook(true, 4, nothing));
    queue.add(new Reconciler.QueuedLook(true, 3, nothing));
    List<String> taken = new java.util.ArrayList<>();
    while (!queue.isEmpty()) {
      Reconciler.QueuedLook look = queue.poll();
      taken.add((look.urgent() ? "urgent-" : "steady-") + look.order());
    }
    assertThat(taken).containsExactly("urgent-3", "urgent-4", "steady-1", "steady-2");
  }

  @Test
  void aPipelineLeasedByAnotherReplicaIsLeftToIt() {
    running();
    round();
    fixture.clock.advance(Duration.ofMinutes(2));
    jdbc.sql("update pipeline_lease set owner = 'other', expires_at = ?")
        .param(fixture.clock.instant().plusSeconds(30).atOffset(java.time.ZoneOffset.UTC))
        .update();
    assertThat(reconciler.due()).as("its lease is the other replica's").isEmpty();
    fixture.clock.advance(Duration.ofSeconds(31));
    assertThat(reconciler.due()).as("the other's lease lapsed").containsOnlyKeys(PIPELINE);
  }

  @Test
  void replicasShareThePipelinesEvenlyAndOneTakesThemAllWhenTheOtherIsGone() {
    fixture.create(DesiredState.STOPPED, 1);
    for (int i = 1; i < 6; i++) {
      fixture.pipelines.insert(
          new io.floe.control.model.Pipeline(
              "stopped-" + i,
              fixture.pipeline().spec(),
              DesiredState.STOPPED,
              Map.of(),
              1,
              fixture.clock.instant(),
              fixture.clock.instant()),
          PipelineStatus.pending("stopped-" + i, fixture.clock.instant()));
    }
    PipelineLeases leases = new PipelineLeases(jdbc, fixture.clock);
    Reconciler other = fixture.replica(leases, "replica-other");
    try {
      pass(reconciler);
      assertThat(holders())
          .as("alone, it takes every pipeline")
          .isEqualTo(Map.of("replica-test", 6L));

      pass(other);
      assertThat(holders()).as("nothing is free").isEqualTo(Map.of("replica-test", 6L));
      fixture.clock.advance(Duration.ofSeconds(10)); // the next renewal sees two replicas
      pass(reconciler);
      pass(other);
      assertThat(holders())
          .as("half each")
          .isEqualTo(Map.of("replica-test", 3L, "replica-other", 3L));

      // replica-test is gone (killed: no pass any more); its row and leases expire.
      fixture.clock.advance(Duration.ofSeconds(31));
      pass(other);
      assertThat(holders()).as("taken over").isEqualTo(Map.of("replica-other", 6L));
    } finally {
      other.destroy();
    }
  }

  /** One pass of a replica, its looks made here one after the other. */
  private static void pass(Reconciler replica) {
    for (String name : replica.due().keySet()) {
      replica.reconcile(name);
    }
  }

  private static Map<String, Long> holders() {
    Map<String, Long> owners = new java.util.TreeMap<>();
    jdbc.sql("select owner, count(*) from pipeline_lease group by owner")
        .query((rs, row) -> owners.put(rs.getString(1), rs.getLong(2)))
        .list();
    return owners;
  }

  @Test
  void aFailedRunIsRecoveredFromItsCheckpointAndAgainOnlyAfterTheBackoff() {
    String first = running();
    String checkpoint = runtime.checkpoint(first);

    runtime.fail(first, "boom");
    round();
    assertThat(fixture.status().observedState()).isEqualTo(ObservedState.FAILED);
    assertThat(fixture.status().lastError().orElseThrow()).contains("boom");

    round();
    Operation recover = lastOperation();
    assertThat(recover.type()).isEqualTo(OperationType.RECOVER);
    assertThat(recover.parameters()).containsEntry(OperationRunner.ATTEMPT, "1");
    String second = awaitRunning();
    assertThat(second).isNotEqualTo(first);
    assertThat(runtime.run(second).restoredFrom()).contains(checkpoint);
    assertThat(fixture.status().recovery().attempts()).isEqualTo(1);

    runtime.fail(second, "boom again");
    round();
    round();
    assertThat(lastOperation().id()).as("no attempt within the backoff").isEqualTo(recover.id());
    fixture.clock.advance(fixture.properties.backoffAfter(1));
    round();
    assertThat(lastOperation().type()).isEqualTo(OperationType.RECOVER);
    assertThat(lastOperation().parameters()).containsEntry(OperationRunner.ATTEMPT, "2");
    awaitRunning();
  }

  @Test
  void aRecoveredRunThatLoadsEndsTheRecovery() {
    String first = running();
    runtime.fail(first, "boom");
    round();
    round();
    String second = awaitRunning();
    assertThat(fixture.status().recovery().attempts()).isEqualTo(1);

    runtime.checkpoint(second);
    round();

    assertThat(fixture.status().recovery().attempts()).isZero();
    assertThat(fixture.eventTypes()).contains("RECOVERED");
  }

  @Test
  void theThirdRecoveryAttemptRestoresNothing() {
    running();
    for (int attempt = 1; attempt <= 3; attempt++) {
      String run = fixture.status().runId().orElseThrow();
      runtime.checkpoint(run);
      runtime.fail(run, "boom " + attempt);
      round();
      fixture.clock.advance(fixture.properties.recoveryMaxBackoff());
      round();
      assertThat(lastOperation().parameters())
          .containsEntry(OperationRunner.ATTEMPT, Integer.toString(attempt));
      String next = awaitRunning();
      assertThat(runtime.run(next).restoredFrom().isPresent())
          .as("attempt %s restores state", attempt)
          .isEqualTo(attempt <= OperationRunner.RECOVERY_ATTEMPTS_WITH_STATE);
    }
  }

  @Test
  void aRunGoneFromTheRuntimeIsRecoveredOnlyOnceItStaysGone() {
    String first = running();
    runtime.hide(first, 2);
    round();
    round();
    assertThat(fixture.status().observedState())
        .as("two unknowns are a JobManager failing over")
        .isEqualTo(ObservedState.RUNNING);
    round();
    assertThat(fixture.status().observedState()).isEqualTo(ObservedState.RUNNING);

    runtime.lose(first);
    round();
    round();
    round();
    assertThat(fixture.status().observedState())
        .as("three unknowns, not yet for gone-after")
        .isEqualTo(ObservedState.RUNNING);
    fixture.clock.advance(fixture.properties.goneAfter());
    round();
    assertThat(fixture.status().observedState()).isEqualTo(ObservedState.FAILED);
    assertThat(fixture.status().lastError().orElseThrow()).contains("is gone from the runtime");

    round();
    assertThat(lastOperation().type()).isEqualTo(OperationType.RECOVER);
    assertThat(awaitRunning()).isNotEqualTo(first);
  }

  @Test
  void aRunCancelledOutsideFloeStaysDown() {
    String first = running();
    runtime.cancelOutside(first);
    round();

    PipelineStatus status = fixture.status();
    assertThat(status.observedState()).isEqualTo(ObservedState.FAILED);
    assertThat(status.lastError().orElseThrow()).contains("outside Floe");
    assertThat(status.recovery().halted()).isTrue();

    Operation last = lastOperation();
    fixture.clock.advance(Duration.ofHours(1));
    round();
    round();
    assertThat(lastOperation().id()).isEqualTo(last.id());
    assertThat(runtime.runsOf(PIPELINE)).hasSize(1);
  }

  @Test
  void aStrayRunIsCancelledBeforeAStartSubmitsAnother() {
    fixture.create(DesiredState.RUNNING, 1);
    runtime.submit(
        new RunSubmission(
            "0123456789abcdef0123456789abcdef",
            PIPELINE,
            fixture.renderer.render(PIPELINE, fixture.pipeline().spec()),
            1,
            Optional.empty()));
    fixture.enqueue(OperationType.START, Map.of());

    String run = awaitRunning();

    assertThat(run).isNotEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(runtime.cancelled()).containsExactly("0123456789abcdef0123456789abcdef");
    assertThat(fixture.eventTypes()).contains("STRAY_RUN_CANCELLED");
    List<String> order =
        runtime.calls().stream()
            .filter(call -> call.method().equals("cancel") || call.method().equals("submit"))
            .map(call -> call.method() + " " + call.arguments().get(0))
            .toList();
    assertThat(order)
        .containsExactly(
            "submit 0123456789abcdef0123456789abcdef",
            "cancel 0123456789abcdef0123456789abcdef",
            "submit " + run);
  }

  @Test
  void theLiveRunThePipelineNamesIsAdoptedNotReplaced() {
    String first = running();
    fixture.pipelines.saveStatus(
        fixture
            .status()
            .withState(
                ObservedState.FAILED, Optional.of("lost for a moment"), fixture.clock.instant()));
    fixture.enqueue(OperationType.RECOVER, Map.of(OperationRunner.ATTEMPT, "1"));

    assertThat(awaitRunning()).isEqualTo(first);
    assertThat(runtime.calls("submit")).hasSize(1);
    assertThat(fixture.eventTypes()).contains("RUN_ADOPTED");
  }

  @Test
  void aRunThatDoesNotStartInTimeIsCancelledAndTheStartFails() {
    fixture.create(DesiredState.RUNNING, 1);
    runtime.startDelay(null);
    Operation start = fixture.enqueue(OperationType.START, Map.of());
    round();
    round();
    String run = fixture.status().runId().orElseThrow();
    assertThat(fixture.status().observedState()).isEqualTo(ObservedState.STARTING);

    Instant submitted =
        Instant.parse(
            fixture.operation(start.id()).progress(OperationRunner.SUBMITTED_AT).orElseThrow());
    fixture.clock.set(submitted.plus(fixture.properties.startTimeout()));
    reconciler.reconcile(PIPELINE);
    assertThat(fixture.operation(start.id()).state()).isEqualTo(OperationState.RUNNING);
    fixture.clock.advance(Duration.ofSeconds(1));
    round();

    assertThat(runtime.cancelled()).containsExactly(run);
    assertThat(fixture.operation(start.id()).state()).isEqualTo(OperationState.FAILED);
    assertThat(fixture.operation(start.id()).outcome().orElseThrow())
        .contains("did not reach RUNNING within");
    assertThat(fixture.status().observedState()).isEqualTo(ObservedState.FAILED);
  }

  @Test
  void aRunThatFailsWhileStartingFailsTheStart() {
    fixture.create(DesiredState.RUNNING, 1);
    runtime.failNextStarts(1);
    Operation start = fixture.enqueue(OperationType.START, Map.of());
    round();
    round();

    assertThat(fixture.operation(start.id()).state()).isEqualTo(OperationState.FAILED);
    assertThat(fixture.operation(start.id()).outcome().orElseThrow())
        .contains("ended FAILED while starting");
    assertThat(fixture.status().observedState()).isEqualTo(ObservedState.FAILED);
  }

  @Test
  void aStoppedPipelineWhoseRunEndsIsNotRecovered() {
    String first = running();
    fixture.want(DesiredState.STOPPED);
    runtime.fail(first, "boom");
    round();
    fixture.clock.advance(Duration.ofHours(1));
    round();

    assertThat(fixture.status().observedState()).isEqualTo(ObservedState.STOPPED);
    assertThat(lastOperation().type()).isEqualTo(OperationType.START);
  }

  /** A pipeline RUNNING on its first run; returns the run's id. */
  private String running() {
    fixture.create(DesiredState.RUNNING, 1);
    fixture.enqueue(OperationType.START, Map.of());
    return awaitRunning();
  }

  /** Rounds until no operation is left and the pipeline runs; returns its run. */
  private String awaitRunning() {
    roundsUntil(
        status ->
            fixture.operations.nextUnfinished(PIPELINE).isEmpty()
                && status.observedState() == ObservedState.RUNNING);
    return fixture.status().runId().orElseThrow();
  }

  private void roundsUntil(Predicate<PipelineStatus> condition) {
    for (int round = 0; round < 50; round++) {
      if (condition.test(fixture.status())) {
        return;
      }
      round();
    }
    throw new AssertionError("Not reached in 50 rounds: " + fixture.status());
  }

  /** One round of the reconciler for the pipeline, a second later than the last. */
  private void round() {
    reconciler.reconcile(PIPELINE);
    fixture.clock.advance(Duration.ofSeconds(1));
  }

  private Operation lastOperation() {
    return fixture.operations.list(PIPELINE, 1).get(0);
  }
}
