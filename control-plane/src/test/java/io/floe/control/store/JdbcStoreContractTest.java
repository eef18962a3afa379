package io.floe.control.store;

import static io.floe.control.store.StoreContractTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.maintenance.JdbcMaintenanceRuns;
import io.floe.control.maintenance.MaintenanceRun;
import io.floe.control.maintenance.MaintenanceRuns;
import io.floe.control.model.DesiredState;
import io.floe.control.model.Event;
import io.floe.control.model.MaintenanceTask;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationState;
import io.floe.control.model.OperationType;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.control.reconcile.PipelineLeases;
import io.floe.control.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionInterceptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * The store contract through the real stores ({@link JdbcPipelineStore}, {@link
 * JdbcOperationStore}, {@link PipelineLeases}) on a database that Flyway migrated from scratch, and
 * what only a database does (rounding, leases, maintenance runs). Each subclass supplies one
 * database: the embedded default (H2) and production's (PostgreSQL), so SQL that only one of them
 * accepts fails here.
 */
abstract class JdbcStoreContractTest extends StoreContractTest {
  private static final Duration LEASE = Duration.ofSeconds(30);

  private JdbcClient jdbc;
  private DataSource dataSource;
  private JsonMapper json;
  private PipelineLeases leases;
  private Leases tableLeases;
  private MaintenanceRuns maintenanceRuns;
  private ManualClock clock;

  /** A new, empty database (or schema) for this test class, which nothing else uses. */
  protected abstract DataSource openDatabase() throws Exception;

  /** Drops what {@link #openDatabase()} made. */
  protected abstract void closeDatabase() throws Exception;

  @Override
  protected Stores openStores() throws Exception {
    dataSource = openDatabase();
    MigrateResult migration =
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration")
            .failOnMissingLocations(true)
            .load()
            .migrate();
    assertThat(migration.success).isTrue();
    assertThat(migration.initialSchemaVersion).as("a fresh schema").isNull();
    assertThat(migration.migrationsExecuted).isPositive();

    jdbc = JdbcClient.create(dataSource);
    json = JsonMapper.builder().build();
    clock = new ManualClock(T0);
    leases = new PipelineLeases(jdbc, clock);
    tableLeases = new Leases(jdbc, clock, "table_lease", "table_name");
    maintenanceRuns = new JdbcMaintenanceRuns(jdbc, json);
    return new Stores(
        transactional(
            new JdbcPipelineStore(jdbc, json, new StoreProperties(Duration.ZERO), clock),
            dataSource),
        new JdbcOperationStore(jdbc, json));
  }

  @Override
  protected void closeStores() throws Exception {
    closeDatabase();
  }

  @Override
  protected void emptyStores() {
    for (String table :
        List.of(
            "pipeline_status",
            "pipeline",
            "operation",
            "pipeline_event",
            "idempotency_key",
            "pipeline_lease",
            "maintenance_run",
            "table_lease",
            "control_plane_replica")) {
      jdbc.sql("delete from " + table).update();
    }
    clock.set(T0);
  }

  /** The store with its {@code @Transactional} boundaries, as Spring serves it. */
  private static PipelineStore transactional(PipelineStore store, DataSource dataSource) {
    ProxyFactory proxy = new ProxyFactory(store);
    proxy.addAdvice(
        new TransactionInterceptor(
            new DataSourceTransactionManager(dataSource),
            new AnnotationTransactionAttributeSource()));
    return (PipelineStore) proxy.getProxy();
  }

  @Test
  void theListingShowsThisStoresWritesAtOnceAndAnotherReplicasWithinItsMaxAge() {
    PipelineStore replicaA = replicaStore(Duration.ofSeconds(1));
    PipelineStore replicaB = replicaStore(Duration.ofSeconds(1));
    assertThat(replicaA.listing()).isEmpty();

    replicaB.insert(pipeline("b", 1, T0), PipelineStatus.pending("b", T0));
    assertThat(replicaA.listing()).as("B's write, within A's max age").isEmpty();
    replicaA.insert(pipeline("a", 1, T0), PipelineStatus.pending("a", T0));
    assertThat(replicaA.listing())
        .as("A's own write, at once")
        .extracting(PipelineStore.Listed::name)
        .containsExactly("a", "b");

    replicaB.saveStatus(
        PipelineStatus.pending("b", T0).withState(ObservedState.RUNNING, Optional.empty(), T0));
    assertThat(replicaA.listing())
        .extracting(PipelineStore.Listed::observedState)
        .containsExactly(ObservedState.PENDING, ObservedState.PENDING);
    clock.advance(Duration.ofSeconds(1));
    assertThat(replicaA.listing())
        .extracting(PipelineStore.Listed::observedState)
        .containsExactly(ObservedState.PENDING, ObservedState.RUNNING);

    replicaA.delete("b");
    assertThat(replicaA.listing()).extracting(PipelineStore.Listed::name).containsExactly("a");
  }

  /** Another replica's store on the same database, with its own listing. */
  private PipelineStore replicaStore(Duration listingMaxAge) {
    return transactional(
        new JdbcPipelineStore(jdbc, json, new StoreProperties(listingMaxAge), clock), dataSource);
  }

  @Test
  void saveStatusStoresOneWhereNoneIsStored() {
    pipelines.insert(pipeline("orders", 1, T0), PipelineStatus.pending("orders", T0));
    jdbc.sql("delete from pipeline_status where name = ?").param("orders").update();
    assertThat(pipelines.status("orders")).isEmpty();

    PipelineStatus status =
        PipelineStatus.pending("orders", T0)
            .withRun("job-1", 3, 1, T0.plusSeconds(1))
            .withState(ObservedState.RUNNING, Optional.empty(), T0.plusSeconds(1));
    pipelines.saveStatus(status);

    assertThat(pipelines.status("orders")).contains(status);
  }

  @Test
  void nanosecondsRoundToTheNearestMicrosecond() {
    Instant createdAt = Instant.parse("2026-03-01T10:15:30.1234565Z");
    Instant updatedAt = Instant.parse("2026-03-01T10:15:30.9999995Z");
    Instant statusAt = Instant.parse("2026-03-01T10:15:30.1234564Z");
    pipelines.insert(
        new Pipeline(
            "orders", spec("orders"), DesiredState.RUNNING, Map.of(), 1, createdAt, updatedAt),
        PipelineStatus.pending("orders", statusAt));

    Pipeline found = pipelines.find("orders").orElseThrow();
    assertThat(found.createdAt()).isEqualTo("2026-03-01T10:15:30.123457Z");
    assertThat(found.updatedAt()).isEqualTo("2026-03-01T10:15:31Z");
    assertThat(pipelines.status("orders").orElseThrow().updatedAt())
        .isEqualTo("2026-03-01T10:15:30.123456Z");
  }

  @Test
  void freeTextWithANulCharacterIsStoredWithAReplacementCharacter() {
    // PostgreSQL refuses U+0000 in text, H2 takes it: an error message from outside may hold one.
    String nul = "bad \u0000 byte";
    String replaced = "bad \uFFFD byte";
    Pipeline orders =
        new Pipeline("orders", spec("orders"), DesiredState.RUNNING, Map.of("k", nul), 1, T0, T0);
    pipelines.insert(orders, PipelineStatus.pending("orders", T0));
    pipelines.saveStatus(
        PipelineStatus.pending("orders", T0).withState(ObservedState.FAILED, Optional.of(nul), T0));
    Operation operation =
        new Operation(
            "op-1",
            "orders",
            OperationType.START,
            OperationState.PENDING,
            Map.of("p", nul),
            Map.of("q", nul),
            Optional.empty(),
            Optional.empty(),
            Optional.of(nul),
            T0,
            T0,
            Optional.empty());
    operations.insert(operation);
    operations.append(
        new Event(
            0, "orders", T0, "failed", nul, Optional.empty(), Optional.empty(), Optional.empty()));

    assertThat(pipelines.find("orders")).as("JSON escapes it").contains(orders);
    assertThat(pipelines.status("orders").orElseThrow().lastError()).contains(replaced);
    Operation found = operations.find("op-1").orElseThrow();
    assertThat(found.parameters()).containsEntry("p", nul);
    assertThat(found.progress()).containsEntry("q", nul);
    assertThat(found.outcome()).contains(replaced);
    operations.update(found.finished(OperationState.FAILED, nul + "!", T0));
    assertThat(operations.find("op-1").orElseThrow().outcome()).contains(replaced + "!");
    assertThat(operations.events("orders", 1)).extracting(Event::message).containsExactly(replaced);
  }

  @Test
  void onlyOneOwnerHoldsALeaseAndTheHolderRenewsIt() {
    assertThat(leases.tryAcquire("orders", "replica-a", LEASE)).isTrue();
    assertThat(leases.tryAcquire("orders", "replica-b", LEASE)).isFalse();

    clock.advance(Duration.ofSeconds(20));
    assertThat(leases.tryAcquire("orders", "replica-a", LEASE)).as("renewal").isTrue();

    // 40 s after the first acquisition: past its expiry, not past the renewal's.
    clock.advance(Duration.ofSeconds(20));
    assertThat(leases.tryAcquire("orders", "replica-b", LEASE)).isFalse();
    assertThat(leases.tryAcquire("orders", "replica-a", LEASE)).isTrue();

    // Leases are per pipeline.
    assertThat(leases.tryAcquire("refunds", "replica-b", LEASE)).isTrue();
    assertThat(leases.tryAcquire("refunds", "replica-a", LEASE)).isFalse();
  }

  @Test
  void renewAllRenewsTheOwnersUnexpiredLeasesAndEveryHolderIsKnown() {
    assertThat(leases.tryAcquire("orders", "replica-a", LEASE)).isTrue();
    clock.advance(Duration.ofSeconds(20));
    assertThat(leases.tryAcquire("refunds", "replica-a", LEASE)).isTrue();
    assertThat(leases.tryAcquire("payments", "replica-b", LEASE)).isTrue();
    assertThat(leases.holders())
        .isEqualTo(Map.of("orders", "replica-a", "refunds", "replica-a", "payments", "replica-b"));

    clock.advance(Duration.ofSeconds(20)); // orders expired 10 s ago; refunds holds 10 s more
    leases.renewAll("replica-a", LEASE);
    assertThat(leases.holders())
        .as("an expired lease is not renewed")
        .isEqualTo(Map.of("refunds", "replica-a", "payments", "replica-b"));
    clock.advance(Duration.ofSeconds(25));
    assertThat(leases.holders()).as("renewed for 30 s").isEqualTo(Map.of("refunds", "replica-a"));
    assertThat(leases.tryAcquire("orders", "replica-b", LEASE)).isTrue();
    assertThat(leases.tryAcquire("refunds", "replica-b", LEASE)).isFalse();
  }

  @Test
  void replicasAreAliveWhileTheyRenewTheirRow() {
    assertThat(leases.liveReplicas("replica-a", LEASE)).isEqualTo(1);
    assertThat(leases.liveReplicas("replica-b", LEASE)).isEqualTo(2);
    clock.advance(Duration.ofSeconds(20));
    assertThat(leases.liveReplicas("replica-a", LEASE)).as("renewed, not added").isEqualTo(2);
    clock.advance(Duration.ofSeconds(11));
    assertThat(leases.liveReplicas("replica-a", LEASE)).as("replica-b's row expired").isEqualTo(1);
  }

  @Test
  void anExpiredLeaseIsTakenOver() {
    assertThat(leases.tryAcquire("orders", "replica-a", LEASE)).isTrue();

    clock.advance(LEASE.minusMillis(1));
    assertThat(leases.tryAcquire("orders", "replica-b", LEASE)).isFalse();

    clock.advance(Duration.ofMillis(2));
    assertThat(leases.tryAcquire("orders", "replica-b", LEASE)).isTrue();
    assertThat(leases.tryAcquire("orders", "replica-a", LEASE)).isFalse();
    assertThat(leases.tryAcquire("orders", "replica-b", LEASE)).isTrue();
  }

  @Test
  void releaseFreesTheLeaseOnlyForItsHolder() {
    assertThat(leases.tryAcquire("orders", "replica-a", LEASE)).isTrue();

    leases.release("orders", "replica-b");
    assertThat(leases.tryAcquire("orders", "replica-b", LEASE)).isFalse();

    leases.release("orders", "replica-a");
    assertThat(leases.tryAcquire("orders", "replica-b", LEASE)).isTrue();
    assertThat(leases.tryAcquire("orders", "replica-a", LEASE)).isFalse();

    leases.release("orders", "replica-b");
    leases.release("orders", "replica-b");
    leases.release("never-leased", "replica-a");
    assertThat(leases.tryAcquire("orders", "replica-a", LEASE)).isTrue();
  }

  @Test
  void ofOwnersRacingForAFreeLeaseExactlyOneWins() throws Exception {
    assertThat(race("orders")).isEqualTo(1);
  }

  @Test
  void ofOwnersRacingForAnExpiredLeaseExactlyOneWins() throws Exception {
    assertThat(leases.tryAcquire("orders", "replica-dead", LEASE)).isTrue();
    clock.advance(LEASE.plusSeconds(1));

    assertThat(race("orders")).isEqualTo(1);
    assertThat(leases.tryAcquire("orders", "replica-dead", LEASE)).isFalse();
  }

  @Test
  void tableLeasesAreHeldPerTableByOneOwner() throws Exception {
    String table = "glue." + "analytics_" + "x".repeat(400) + ".events";
    assertThat(tableLeases.tryAcquire(table, "replica-a", LEASE)).isTrue();
    assertThat(tableLeases.tryAcquire(table, "replica-b", LEASE)).isFalse();
    assertThat(tableLeases.tryAcquire("glue.analytics.other", "replica-b", LEASE)).isTrue();
    clock.advance(LEASE.plusSeconds(1));
    assertThat(tableLeases.tryAcquire(table, "replica-b", LEASE)).isTrue();
    tableLeases.release(table, "replica-b");

    int owners = 6;
    ExecutorService executor = Executors.newFixedThreadPool(owners);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> attempts = new ArrayList<>();
      for (int i = 0; i < owners; i++) {
        String owner = "racer-" + i;
        attempts.add(
            executor.submit(
                () -> {
                  start.await();
                  return tableLeases.tryAcquire(table, owner, LEASE);
                }));
      }
      start.countDown();
      int won = 0;
      for (Future<Boolean> attempt : attempts) {
        won += attempt.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void maintenanceRunsAreQueuedStartedOnceAndFinishedWithTheirFigures() {
    MaintenanceRun queued =
        MaintenanceRun.queued(
            "run-1",
            "orders",
            "local.sales.orders",
            MaintenanceTask.COMPACTION,
            MaintenanceRun.Trigger.REQUEST,
            Optional.of("req-1"),
            Optional.of("admin"),
            T0);
    maintenanceRuns.insert(queued);
    assertThat(maintenanceRuns.find("run-1")).contains(queued);
    assertThat(maintenanceRuns.queued("orders")).containsExactly(queued);

    assertThat(maintenanceRuns.start("run-1", "replica-a", T0.plusSeconds(1))).isTrue();
    assertThat(maintenanceRuns.start("run-1", "replica-b", T0.plusSeconds(1))).isFalse();
    assertThat(maintenanceRuns.queued("orders")).isEmpty();

    Map<String, Long> figures = new java.util.LinkedHashMap<>();
    figures.put("filesRewritten", 120L);
    figures.put("bytesWritten", 5_000_000_000L);
    maintenanceRuns.finish(
        "run-1",
        MaintenanceRun.State.SUCCEEDED,
        Optional.of("compaction: 120 files rewritten ünïcödé \u0000"),
        figures,
        Optional.empty(),
        T0.plusSeconds(9));
    MaintenanceRun finished = maintenanceRuns.find("run-1").orElseThrow();
    assertThat(finished.state()).isEqualTo(MaintenanceRun.State.SUCCEEDED);
    assertThat(finished.owner()).contains("replica-a");
    assertThat(finished.figures()).containsExactlyEntriesOf(figures);
    assertThat(finished.summary().orElseThrow())
        .startsWith("compaction: 120 files rewritten ünïcödé");
    assertThat(finished.startedAt()).contains(T0.plusSeconds(1));
    assertThat(finished.finishedAt()).contains(T0.plusSeconds(9));
    assertThat(finished.requestId()).contains("req-1");
    assertThat(finished.actor()).contains("admin");
  }

  @Test
  void maintenanceRunsAreListedNewestFirstPerTaskAndTheLastRunIsKnown() {
    for (int i = 1; i <= 5; i++) {
      maintenanceRuns.insert(
          MaintenanceRun.queued(
              "run-" + i,
              "orders",
              "local.sales.orders",
              i % 2 == 0 ? MaintenanceTask.SNAPSHOT_EXPIRY : MaintenanceTask.COMPACTION,
              MaintenanceRun.Trigger.SCHEDULE,
              Optional.empty(),
              Optional.empty(),
              T0.plusSeconds(i)));
    }
    maintenanceRuns.insert(
        MaintenanceRun.queued(
            "other",
            "refunds",
            "local.sales.refunds",
            MaintenanceTask.COMPACTION,
            MaintenanceRun.Trigger.SCHEDULE,
            Optional.empty(),
            Optional.empty(),
            T0.plusSeconds(99)));

    assertThat(maintenanceRuns.list("orders", Optional.empty(), 10))
        .extracting(MaintenanceRun::id)
        .containsExactly("run-5", "run-4", "run-3", "run-2", "run-1");
    assertThat(maintenanceRuns.list("orders", Optional.of(MaintenanceTask.COMPACTION), 2))
        .extracting(MaintenanceRun::id)
        .containsExactly("run-5", "run-3");
    assertThat(maintenanceRuns.queued("orders"))
        .extracting(MaintenanceRun::id)
        .containsExactly("run-1", "run-2", "run-3", "run-4", "run-5");
    assertThat(maintenanceRuns.lastRun("orders", MaintenanceTask.SNAPSHOT_EXPIRY))
        .contains(T0.plusSeconds(4));
    assertThat(maintenanceRuns.lastRun("orders", MaintenanceTask.RETENTION)).isEmpty();
  }

  @Test
  void runsLeftRunningOnATableAreFailedByTheNextLeaseHolder() {
    for (String id : List.of("a", "b")) {
      maintenanceRuns.insert(
          MaintenanceRun.queued(
              id,
              "orders",
              "local.sales.orders",
              MaintenanceTask.ORPHAN_FILES,
              MaintenanceRun.Trigger.SCHEDULE,
              Optional.empty(),
              Optional.empty(),
              T0));
    }
    maintenanceRuns.start("a", "replica-dead", T0);

    List<MaintenanceRun> abandoned =
        maintenanceRuns.failAbandoned("local.sales.orders", "abandoned", T0.plusSeconds(60));

    assertThat(abandoned).extracting(MaintenanceRun::id).containsExactly("a");
    assertThat(maintenanceRuns.find("a").orElseThrow().state())
        .isEqualTo(MaintenanceRun.State.FAILED);
    assertThat(maintenanceRuns.find("a").orElseThrow().error()).contains("abandoned");
    assertThat(maintenanceRuns.find("b").orElseThrow().state())
        .isEqualTo(MaintenanceRun.State.QUEUED);
    assertThat(maintenanceRuns.failAbandoned("local.sales.other", "abandoned", T0)).isEmpty();
  }

  /** How many of several owners, trying at the same time, acquire the pipeline's lease. */
  private int race(String pipeline) throws Exception {
    int owners = 6;
    ExecutorService executor = Executors.newFixedThreadPool(owners);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> attempts = new ArrayList<>();
      for (int i = 0; i < owners; i++) {
        String owner = "racer-" + i;
        Callable<Boolean> attempt =
            () -> {
              start.await();
              return leases.tryAcquire(pipeline, owner, LEASE);
            };
        attempts.add(executor.submit(attempt));
      }
      start.countDown();
      int won = 0;
      for (Future<Boolean> attempt : attempts) {
        if (attempt.get(30, TimeUnit.SECONDS)) {
          won++;
        }
      }
      return won;
    } finally {
      executor.shutdownNow();
    }
  }
}
