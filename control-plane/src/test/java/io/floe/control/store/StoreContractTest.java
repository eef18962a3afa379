package io.floe.control.store;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.floe.control.model.PipelineExistsException;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.Recovery;
import io.floe.control.model.StaleVersionException;
import io.floe.control.reconcile.PipelineLeases;
import io.floe.control.store.PipelineStore.IdempotentRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionInterceptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the control plane expects of its database, checked through the real stores ({@link
 * JdbcPipelineStore}, {@link JdbcOperationStore}, {@link PipelineLeases}) on a database that Flyway
 * migrated from scratch. Each subclass supplies one database: the embedded default (H2) and
 * production's (PostgreSQL), so SQL that only one of them accepts fails here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContractTest {
  /** Microseconds: what both databases keep of an instant. */
  private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

  private static final Duration LEASE = Duration.ofSeconds(30);

  private JdbcClient jdbc;
  private PipelineStore pipelines;
  private OperationStore operations;
  private PipelineLeases leases;
  private Leases tableLeases;
  private MaintenanceRuns maintenanceRuns;
  private MutableClock clock;

  /** A new, empty database (or schema) for this test class, which nothing else uses. */
  protected abstract DataSource openDatabase() throws Exception;

  /** Drops what {@link #openDatabase()} made. */
  protected abstract void closeDatabase() throws Exception;

  @BeforeAll
  void migrate() throws Exception {
    DataSource dataSource = openDatabase();
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
    JsonMapper json = JsonMapper.builder().build();
    pipelines = transactional(new JdbcPipelineStore(jdbc, json), dataSource);
    operations = new JdbcOperationStore(jdbc, json);
    clock = new MutableClock(T0);
    leases = new PipelineLeases(jdbc, clock);
    tableLeases = new Leases(jdbc, clock, "table_lease", "table_name");
    maintenanceRuns = new JdbcMaintenanceRuns(jdbc, json);
  }

  @AfterAll
  void close() throws Exception {
    closeDatabase();
  }

  @BeforeEach
  void emptyTables() {
    for (String table :
        List.of(
            "pipeline_status",
            "pipeline",
            "operation",
            "pipeline_event",
            "idempotency_key",
            "pipeline_lease",
            "maintenance_run",
            "table_lease")) {
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

  // Pipelines

  @Test
  void insertedPipelineIsFoundWithEveryFieldAndItsStatus() {
    Pipeline orders = pipeline("orders", 1, T0);
    PipelineStatus status = PipelineStatus.pending("orders", T0);

    pipelines.insert(orders, status);

    assertThat(pipelines.find("orders")).contains(orders);
    assertThat(pipelines.status("orders")).contains(status);
  }

  @Test
  void missingPipelineIsNotFound() {
    pipelines.insert(pipeline("orders", 1, T0), PipelineStatus.pending("orders", T0));

    assertThat(pipelines.find("order")).isEmpty();
    assertThat(pipelines.find("orders-2")).isEmpty();
    assertThat(pipelines.status("refunds")).isEmpty();
  }

  @Test
  void insertOfTakenNameFailsAndKeepsTheFirst() {
    Pipeline first = pipeline("orders", 1, T0);
    PipelineStatus status = PipelineStatus.pending("orders", T0);
    pipelines.insert(first, status);

    Pipeline second =
        new Pipeline(
            "orders",
            spec("other-topic"),
            DesiredState.STOPPED,
            Map.of(),
            1,
            T0.plusSeconds(1),
            T0.plusSeconds(1));
    assertThatThrownBy(
            () ->
                pipelines.insert(
                    second,
                    PipelineStatus.pending("orders", T0.plusSeconds(1))
                        .withState(ObservedState.FAILED, Optional.of("no"), T0.plusSeconds(1))))
        .isInstanceOf(PipelineExistsException.class)
        .hasMessageContaining("orders");

    assertThat(pipelines.find("orders")).contains(first);
    assertThat(pipelines.status("orders")).contains(status);
    assertThat(pipelines.list()).containsExactly(first);
  }

  @Test
  void listReturnsEveryPipelineOrderedByName() {
    // Hyphens and digits: a linguistic collation (en_US) orders these unlike code points do.
    List<String> names = List.of("b", "a-c", "ab", "a1", "a", "a-b-1", "ab-c", "a0b");
    for (String name : names) {
      pipelines.insert(pipeline(name, 1, T0), PipelineStatus.pending(name, T0));
    }

    List<String> sorted = new ArrayList<>(names);
    Collections.sort(sorted);
    assertThat(pipelines.list()).extracting(Pipeline::name).containsExactlyElementsOf(sorted);
    assertThat(pipelines.list()).contains(pipeline("a-c", 1, T0));
  }

  @Test
  void listOfNoPipelinesIsEmpty() {
    assertThat(pipelines.list()).isEmpty();
  }

  @Test
  void updateReplacesThePipelineAtTheExpectedGeneration() {
    Pipeline first = pipeline("orders", 1, T0);
    pipelines.insert(first, PipelineStatus.pending("orders", T0));

    Pipeline second =
        new Pipeline(
            "orders",
            spec("orders-v2"),
            DesiredState.STOPPED,
            Map.of("team", "payments"),
            2,
            T0,
            T0.plusMillis(1500).plusNanos(1000));
    pipelines.update(second, 1);
    assertThat(pipelines.find("orders")).contains(second);

    Pipeline third =
        new Pipeline(
            "orders", spec("orders-v3"), DesiredState.RUNNING, Map.of(), 3, T0, T0.plusSeconds(3));
    pipelines.update(third, 2);
    assertThat(pipelines.find("orders")).contains(third);
    assertThat(pipelines.list()).containsExactly(third);
  }

  @Test
  void updateAtAStaleGenerationFailsAndChangesNothing() {
    pipelines.insert(pipeline("orders", 1, T0), PipelineStatus.pending("orders", T0));
    Pipeline second =
        new Pipeline(
            "orders", spec("v2"), DesiredState.RUNNING, Map.of(), 2, T0, T0.plusSeconds(1));
    pipelines.update(second, 1);

    Pipeline concurrent =
        new Pipeline(
            "orders",
            spec("lost-update"),
            DesiredState.STOPPED,
            Map.of(),
            2,
            T0,
            T0.plusSeconds(2));
    assertThatThrownBy(() -> pipelines.update(concurrent, 1))
        .isInstanceOf(StaleVersionException.class)
        .hasMessageContaining("orders");
    assertThatThrownBy(() -> pipelines.update(concurrent, 3))
        .isInstanceOf(StaleVersionException.class);

    assertThat(pipelines.find("orders")).contains(second);
  }

  @Test
  void updateOfAMissingPipelineFails() {
    pipelines.insert(pipeline("orders", 1, T0), PipelineStatus.pending("orders", T0));

    assertThatThrownBy(() -> pipelines.update(pipeline("refunds", 2, T0), 1))
        .isInstanceOf(PipelineNotFoundException.class)
        .hasMessageContaining("refunds");
    assertThat(pipelines.find("refunds")).isEmpty();
    assertThat(pipelines.find("orders")).contains(pipeline("orders", 1, T0));
  }

  @Test
  void deleteRemovesThePipelineAndItsStatusOnly() {
    pipelines.insert(pipeline("orders", 1, T0), PipelineStatus.pending("orders", T0));
    pipelines.insert(pipeline("refunds", 1, T0), PipelineStatus.pending("refunds", T0));

    pipelines.delete("orders");

    assertThat(pipelines.find("orders")).isEmpty();
    assertThat(pipelines.status("orders")).isEmpty();
    assertThat(pipelines.list()).containsExactly(pipeline("refunds", 1, T0));
    assertThat(pipelines.status("refunds")).contains(PipelineStatus.pending("refunds", T0));

    pipelines.delete("orders");
    pipelines.delete("never-existed");
    assertThat(pipelines.list()).extracting(Pipeline::name).containsExactly("refunds");

    // The name is free again.
    Pipeline again = pipeline("orders", 1, T0.plusSeconds(60));
    pipelines.insert(again, PipelineStatus.pending("orders", T0.plusSeconds(60)));
    assertThat(pipelines.find("orders")).contains(again);
  }

  // Status

  @Test
  void statusRoundTripsEveryFieldPresentAndEmpty() {
    pipelines.insert(pipeline("orders", 1, T0), PipelineStatus.pending("orders", T0));

    PipelineStatus full =
        new PipelineStatus(
            "orders",
            ObservedState.RESTARTING,
            Optional.of("4f0c1e0b9a6a4bd7a0ea1f7d3c2b1a09"),
            Optional.of(12),
            Optional.of(Long.MAX_VALUE),
            Optional.of("file:///tmp/savepoints/savepoint-4f0c1e-0123456789ab/" + "x".repeat(1900)),
            Optional.of("localhost:9092|orders,refunds"),
            Optional.of("file:///tmp/checkpoints/4f0c1e/chk-17"),
            Optional.of("7f6d2c0e-4d43-4b8a-9a55-0f3c2a1b9e11"),
            Optional.of(longError()),
            new Recovery(7, Optional.of(T0.plusSeconds(65)), false),
            T0.plusSeconds(5));
    pipelines.saveStatus(full);
    assertThat(pipelines.status("orders")).contains(full);

    PipelineStatus empty =
        new PipelineStatus(
            "orders",
            ObservedState.STOPPED,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Recovery.haltedOutsideFloe(),
            T0.plusSeconds(6));
    pipelines.saveStatus(empty);
    assertThat(pipelines.status("orders")).contains(empty);

    PipelineStatus zeros =
        new PipelineStatus(
            "orders",
            ObservedState.RUNNING,
            Optional.of(""),
            Optional.of(0),
            Optional.of(0L),
            Optional.of(""),
            Optional.of(""),
            Optional.of(""),
            Optional.of(""),
            Optional.of(""),
            Recovery.NONE,
            T0.plusSeconds(7));
    pipelines.saveStatus(zeros);
    assertThat(pipelines.status("orders")).contains(zeros);
  }

  @Test
  void everyObservedStateIsStored() {
    pipelines.insert(pipeline("orders", 1, T0), PipelineStatus.pending("orders", T0));
    for (ObservedState state : ObservedState.values()) {
      PipelineStatus status =
          PipelineStatus.pending("orders", T0).withState(state, Optional.empty(), T0);
      pipelines.saveStatus(status);
      assertThat(pipelines.status("orders")).contains(status);
    }
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
  void statusOfAMissingPipelineIsRefused() {
    assertThatThrownBy(() -> pipelines.saveStatus(PipelineStatus.pending("ghost", T0)))
        .isInstanceOf(DataIntegrityViolationException.class);
    assertThat(pipelines.status("ghost")).isEmpty();
  }

  @Test
  void insertWithAStatusOfAnotherPipelineStoresNothing() {
    assertThatThrownBy(
            () -> pipelines.insert(pipeline("orders", 1, T0), PipelineStatus.pending("ghost", T0)))
        .isInstanceOf(DataIntegrityViolationException.class);

    assertThat(pipelines.find("orders")).as("insert is one transaction").isEmpty();
    assertThat(pipelines.list()).isEmpty();
  }

  @Test
  void instantsKeepTheirMicroseconds() {
    Instant micros = Instant.parse("2026-12-31T23:59:59.999999Z");
    Instant epoch = Instant.EPOCH;
    Instant offsetNoon = Instant.parse("2026-06-15T12:00:00.000001Z");
    pipelines.insert(
        new Pipeline("orders", spec("orders"), DesiredState.RUNNING, Map.of(), 1, epoch, micros),
        PipelineStatus.pending("orders", offsetNoon));

    Pipeline found = pipelines.find("orders").orElseThrow();
    assertThat(found.createdAt()).isEqualTo(epoch);
    assertThat(found.updatedAt()).isEqualTo(micros);
    assertThat(pipelines.status("orders").orElseThrow().updatedAt()).isEqualTo(offsetNoon);
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

  // Idempotency keys

  @Test
  void idempotencyKeyIsStoredOnceAndFound() {
    assertThat(pipelines.idempotencyKey("key-1")).isEmpty();
    IdempotentRequest request = new IdempotentRequest("a".repeat(64), "orders");

    pipelines.saveIdempotencyKey("key-1", request);
    pipelines.saveIdempotencyKey("key-2", new IdempotentRequest("b".repeat(64), "refunds"));

    assertThat(pipelines.idempotencyKey("key-1")).contains(request);
    assertThat(pipelines.idempotencyKey("key-2"))
        .contains(new IdempotentRequest("b".repeat(64), "refunds"));
    assertThat(pipelines.idempotencyKey("KEY-1")).as("keys are case-sensitive").isEmpty();

    assertThatThrownBy(
            () ->
                pipelines.saveIdempotencyKey(
                    "key-1", new IdempotentRequest("c".repeat(64), "other")))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(pipelines.idempotencyKey("key-1")).contains(request);
  }

  @Test
  void idempotencyKeyMayBeLong() {
    String key = "k".repeat(255);
    IdempotentRequest request = new IdempotentRequest("0".repeat(64), "a".repeat(63));
    pipelines.saveIdempotencyKey(key, request);
    assertThat(pipelines.idempotencyKey(key)).contains(request);
  }

  // Operations

  @Test
  void operationRoundTripsEveryFieldPresentAndEmpty() {
    Operation full =
        new Operation(
            "7f6d2c0e-4d43-4b8a-9a55-0f3c2a1b9e11",
            "orders",
            OperationType.RESCALE,
            OperationState.FAILED,
            Map.of("parallelism", "8", "note", "héllo \"quoted\" 日本"),
            Map.of("runId", "job-1", "savepoint", "file:///tmp/sp"),
            Optional.of("req-" + "r".repeat(120)),
            Optional.of("alice@example.com"),
            Optional.of(longError()),
            T0,
            T0.plusSeconds(1),
            Optional.of(T0.plusSeconds(2)));
    Operation empty =
        new Operation(
            "00000000-0000-0000-0000-000000000000",
            "orders",
            OperationType.START,
            OperationState.PENDING,
            Map.of(),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            T0,
            T0,
            Optional.empty());

    operations.insert(full);
    operations.insert(empty);

    assertThat(operations.find(full.id())).contains(full);
    assertThat(operations.find(empty.id())).contains(empty);
  }

  @Test
  void everyOperationTypeAndStateIsStored() {
    int n = 0;
    for (OperationType type : OperationType.values()) {
      for (OperationState state : OperationState.values()) {
        Operation operation =
            new Operation(
                "op-" + n++,
                "orders",
                type,
                state,
                Map.of(),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                T0,
                T0,
                Optional.empty());
        operations.insert(operation);
        assertThat(operations.find(operation.id())).contains(operation);
      }
    }
  }

  @Test
  void missingOperationIsNotFound() {
    operations.insert(operation("op-1", "orders", T0));
    assertThat(operations.find("op-2")).isEmpty();
  }

  @Test
  void updateStoresStateProgressOutcomeAndTimes() {
    Operation pending = operation("op-1", "orders", T0);
    Operation other = operation("op-2", "orders", T0);
    operations.insert(pending);
    operations.insert(other);

    Operation running = pending.started(T0.plusSeconds(1));
    operations.update(running);
    assertThat(operations.find("op-1")).contains(running);

    Operation progressed =
        running
            .withProgress("runId", "job-1", T0.plusSeconds(2))
            .withProgress("savepoint", "file:///tmp/sp-1", T0.plusSeconds(3));
    operations.update(progressed);
    assertThat(operations.find("op-1")).contains(progressed);

    Operation finished =
        progressed.finished(OperationState.SUCCEEDED, "Started job-1", T0.plusSeconds(4));
    operations.update(finished);
    assertThat(operations.find("op-1")).contains(finished);
    assertThat(operations.find("op-2")).contains(other);

    // An update of an operation that was never stored stores nothing.
    operations.update(operation("op-3", "orders", T0).started(T0));
    assertThat(operations.find("op-3")).isEmpty();
  }

  @Test
  void listIsNewestFirstUpToTheLimit() {
    // Same instant, and ids that sort the other way: only insertion order tells them apart.
    for (int i = 1; i <= 5; i++) {
      operations.insert(operation("op-" + (9 - i), "orders", T0));
    }
    operations.insert(operation("op-refunds", "refunds", T0));

    assertThat(operations.list("orders", 3))
        .extracting(Operation::id)
        .containsExactly("op-4", "op-5", "op-6");
    assertThat(operations.list("orders", 10))
        .extracting(Operation::id)
        .containsExactly("op-4", "op-5", "op-6", "op-7", "op-8");
    assertThat(operations.list("orders", 1)).containsExactly(operation("op-4", "orders", T0));
    assertThat(operations.list("refunds", 10))
        .extracting(Operation::id)
        .containsExactly("op-refunds");
    assertThat(operations.list("nothing", 10)).isEmpty();

    // Updates keep an operation's place.
    operations.update(operation("op-8", "orders", T0).started(T0.plusSeconds(9)));
    assertThat(operations.list("orders", 10))
        .extracting(Operation::id)
        .containsExactly("op-4", "op-5", "op-6", "op-7", "op-8");
  }

  @Test
  void nextUnfinishedIsTheOldestPendingOrRunningInInsertionOrder() {
    Instant sameMillisecond = T0;
    operations.insert(
        operation("op-9", "orders", sameMillisecond)
            .finished(OperationState.SUCCEEDED, "done", sameMillisecond));
    operations.insert(
        operation("op-8", "orders", sameMillisecond)
            .finished(OperationState.FAILED, "failed", sameMillisecond));
    operations.insert(operation("op-7", "refunds", sameMillisecond));
    operations.insert(operation("op-6", "orders", sameMillisecond.plusNanos(1000)));
    operations.insert(operation("op-5", "orders", sameMillisecond).started(sameMillisecond));
    operations.insert(operation("op-4", "orders", sameMillisecond));

    assertThat(operations.nextUnfinished("orders"))
        .contains(operation("op-6", "orders", sameMillisecond.plusNanos(1000)));

    operations.update(
        operation("op-6", "orders", sameMillisecond)
            .started(T0.plusSeconds(1))
            .finished(OperationState.SUCCEEDED, "ok", T0.plusSeconds(1)));
    assertThat(operations.nextUnfinished("orders").map(Operation::id)).contains("op-5");
    assertThat(operations.nextUnfinished("orders").map(Operation::state))
        .contains(OperationState.RUNNING);

    operations.update(
        operation("op-5", "orders", sameMillisecond)
            .finished(OperationState.FAILED, "no", T0.plusSeconds(2)));
    assertThat(operations.nextUnfinished("orders").map(Operation::id)).contains("op-4");

    // A pending operation that starts keeps its place ahead of later ones.
    operations.insert(operation("op-3", "orders", T0.plusSeconds(3)));
    operations.update(operation("op-4", "orders", sameMillisecond).started(T0.plusSeconds(4)));
    assertThat(operations.nextUnfinished("orders").map(Operation::id)).contains("op-4");

    operations.update(
        operation("op-4", "orders", sameMillisecond)
            .finished(OperationState.SUCCEEDED, "ok", T0.plusSeconds(5)));
    operations.update(
        operation("op-3", "orders", T0.plusSeconds(3))
            .finished(OperationState.SUCCEEDED, "ok", T0.plusSeconds(5)));
    assertThat(operations.nextUnfinished("orders")).isEmpty();
    assertThat(operations.nextUnfinished("refunds").map(Operation::id)).contains("op-7");
    assertThat(operations.nextUnfinished("nothing")).isEmpty();
  }

  // Events

  @Test
  void eventsAreNewestFirstUpToTheLimit() {
    List<Event> appended = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Event event =
          new Event(
              0,
              "orders",
              T0.plusNanos(i * 1000L),
              "type-" + i,
              "message " + i + " ünïcode",
              i % 2 == 0 ? Optional.of("op-" + i) : Optional.empty(),
              i % 2 == 0 ? Optional.of("req-" + i) : Optional.empty(),
              i % 2 == 0 ? Optional.of("actor-" + i) : Optional.empty());
      operations.append(event);
      appended.add(event);
    }
    operations.append(
        new Event(
            0,
            "refunds",
            T0,
            "created",
            "other pipeline",
            Optional.empty(),
            Optional.empty(),
            Optional.empty()));

    List<Event> newest = operations.events("orders", 3);
    assertThat(newest)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("id")
        .containsExactly(appended.get(4), appended.get(3), appended.get(2));
    assertThat(newest).extracting(Event::id).isSortedAccordingTo(Collections.reverseOrder());
    assertThat(newest).extracting(Event::id).doesNotHaveDuplicates().allMatch(id -> id > 0);

    assertThat(operations.events("orders", 100))
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("id")
        .containsExactly(
            appended.get(4), appended.get(3), appended.get(2), appended.get(1), appended.get(0));
    assertThat(operations.events("refunds", 100))
        .extracting(Event::message)
        .containsExactly("other pipeline");
    assertThat(operations.events("nothing", 100)).isEmpty();
  }

  @Test
  void eventsInTheSameInstantKeepTheirOrder() {
    for (int i = 0; i < 20; i++) {
      operations.append(
          new Event(
              0,
              "orders",
              T0,
              "tick",
              "event " + i,
              Optional.empty(),
              Optional.empty(),
              Optional.empty()));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 19; i >= 0; i--) {
      expected.add("event " + i);
    }
    assertThat(operations.events("orders", 20))
        .extracting(Event::message)
        .containsExactlyElementsOf(expected);
  }

  @Test
  void deleteAllForgetsOnePipelinesOperationsAndEvents() {
    operations.insert(operation("op-1", "orders", T0));
    operations.insert(operation("op-2", "refunds", T0));
    operations.append(event("orders", "created"));
    operations.append(event("refunds", "created"));

    operations.deleteAll("orders");

    assertThat(operations.find("op-1")).isEmpty();
    assertThat(operations.list("orders", 10)).isEmpty();
    assertThat(operations.nextUnfinished("orders")).isEmpty();
    assertThat(operations.events("orders", 10)).isEmpty();
    assertThat(operations.find("op-2")).contains(operation("op-2", "refunds", T0));
    assertThat(operations.events("refunds", 10)).extracting(Event::type).containsExactly("created");

    operations.deleteAll("nothing");
  }

  // Leases

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

  // Maintenance runs

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

  // Fixtures

  private static Pipeline pipeline(String name, long generation, Instant at) {
    return new Pipeline(
        name,
        spec(name),
        DesiredState.RUNNING,
        Map.of("team", "sales", "env", "prod"),
        generation,
        at,
        at);
  }

  /** A spec with every field set (but one null), so that the JSON round trip covers them all. */
  private static PipelineSpec spec(String topic) {
    return new PipelineSpec(
        new PipelineSpec.Source(
            "broker-1:9092,broker-2:9092",
            List.of(topic, topic + "-eu"),
            null,
            "floe-" + topic,
            "timestamp",
            Instant.parse("2026-02-01T00:00:00.123456789Z"),
            "SASL_SSL",
            "SCRAM-SHA-512",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka",
            "username",
            "password",
            Map.of("fetch.max.bytes", "1048576", "client.rack", "euw1-az1")),
        new PipelineSpec.Table(
            "default",
            "sales",
            topic.replace('-', '_'),
            new PipelineSpec.TableCreation(
                List.of(
                    new PipelineSpec.Column("id", "long", true, "the order id"),
                    new PipelineSpec.Column("amount", "decimal(18,4)", null, null),
                    new PipelineSpec.Column("tags", "list<string>", false, "ünïcödé 日本")),
                List.of("day(ts)", "bucket(16, id)"),
                Map.of("format-version", "2")),
            Map.of("write.target-file-size-bytes", "134217728"),
            "manual"),
        new PipelineSpec.BadMessages("dead-letter", topic + "-dlq"),
        new PipelineSpec.Parsing(
            "/items", Map.of("id", "/order/id"), "snake", Map.of("_offset", "kafka.offset"), "1MB"),
        new PipelineSpec.Runtime("local", 2, 8, "10s"),
        new PipelineSpec.Health(2, 5, 0.05, 0.2, 4),
        new PipelineSpec.Maintenance(
            new PipelineSpec.Compaction(true, "30m", "64MiB", 4, "3d"),
            new PipelineSpec.SnapshotExpiry(true, "2h", "12h", 20),
            new PipelineSpec.Retention("ts", "90d", "1d"),
            new PipelineSpec.OrphanFiles(false, "1d", "5d")));
  }

  private static Operation operation(String id, String pipeline, Instant at) {
    return new Operation(
        id,
        pipeline,
        OperationType.START,
        OperationState.PENDING,
        Map.of("reason", "test"),
        Map.of(),
        Optional.of("req-" + id),
        Optional.of("admin"),
        Optional.empty(),
        at,
        at,
        Optional.empty());
  }

  private static Event event(String pipeline, String type) {
    return new Event(
        0, pipeline, T0, type, type, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** A stack trace's worth of text, with characters outside ASCII. */
  private static String longError() {
    StringBuilder error =
        new StringBuilder("Job failed: ünïcödé 日本 \uD83D\uDE80 'quoted' \"too\"\n");
    while (error.length() < 20_000) {
      error.append("\tat io.floe.loader.Something.method(Something.java:42)\n");
    }
    return error.toString();
  }

  /** A clock the lease tests move by hand. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = requireNonNull(now, "now is null");
    }

    void set(Instant instant) {
      now = instant;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a test clock stays in UTC");
    }
  }
}
