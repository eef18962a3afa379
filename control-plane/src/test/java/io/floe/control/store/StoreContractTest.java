package io.floe.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.model.DesiredState;
import io.floe.control.model.Event;
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
import io.floe.control.store.PipelineStore.IdempotentRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;

/**
 * What the control plane expects of its stores, checked through {@link PipelineStore} and {@link
 * OperationStore} on every implementation: the databases ({@link JdbcStoreContractTest}, which adds
 * what only a database does) and the in-memory stores unit tests use ({@link InMemoryStoreTest}),
 * so that a fake never accepts what production refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContractTest {
  /** Microseconds: what both databases keep of an instant. */
  static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

  PipelineStore pipelines;
  OperationStore operations;

  /** The stores under test. */
  record Stores(PipelineStore pipelines, OperationStore operations) {}

  /** New stores for this test class, which nothing else uses. */
  protected abstract Stores openStores() throws Exception;

  /** Forgets everything stored, before each test. */
  protected abstract void emptyStores();

  /** Releases what {@link #openStores()} made. */
  protected abstract void closeStores() throws Exception;

  @BeforeAll
  void open() throws Exception {
    Stores stores = openStores();
    pipelines = stores.pipelines();
    operations = stores.operations();
  }

  @AfterAll
  void close() throws Exception {
    closeStores();
  }

  @BeforeEach
  void empty() {
    emptyStores();
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
  void theListingReadsEveryPipelineWithItsObservedStateOrderedByName() {
    List<String> names = List.of("b", "a-c", "ab", "a1", "a");
    for (String name : names) {
      pipelines.insert(pipeline(name, 1, T0), PipelineStatus.pending(name, T0));
    }
    PipelineStatus running =
        PipelineStatus.pending("ab", T0)
            .withRun("job-1", 2, 1, T0)
            .withState(ObservedState.RUNNING, Optional.of("slow"), T0)
            .withLastOperation("op-1", T0);
    pipelines.saveStatus(running);

    List<String> sorted = new ArrayList<>(names);
    Collections.sort(sorted);
    assertThat(pipelines.names()).containsExactlyElementsOf(sorted);
    List<PipelineStore.Listed> listed = pipelines.listing();
    assertThat(listed).extracting(PipelineStore.Listed::name).containsExactlyElementsOf(sorted);
    assertThat(listed)
        .filteredOn(l -> l.name().equals("ab"))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.observedState()).isEqualTo(ObservedState.RUNNING);
              assertThat(l.desiredState()).isEqualTo(pipeline("ab", 1, T0).desiredState());
              assertThat(l.labels()).isEqualTo(pipeline("ab", 1, T0).labels());
            });
    assertThat(listed)
        .filteredOn(l -> l.name().equals("b"))
        .singleElement()
        .satisfies(l -> assertThat(l.observedState()).isEqualTo(ObservedState.PENDING));
    assertThat(pipelines.statuses(List.of("ab", "b", "missing")))
        .isEqualTo(Map.of("ab", running, "b", PipelineStatus.pending("b", T0)));
    assertThat(pipelines.statuses(List.of())).isEmpty();
    assertThat(pipelines.findAll(List.of("b", "a-c", "missing")))
        .containsExactly(pipeline("a-c", 1, T0), pipeline("b", 1, T0));
    assertThat(pipelines.findAll(List.of())).isEmpty();
  }

  @Test
  void theUnfinishedOperationsPipelinesAndOperationsByIdAreReadAtOnce() {
    operations.insert(operation("op-1", "orders", T0));
    operations.insert(operation("op-2", "refunds", T0));
    Operation done = operation("op-3", "payments", T0);
    operations.insert(done);
    operations.update(done.finished(OperationState.SUCCEEDED, "done", T0));
    Operation running = operation("op-4", "refunds", T0);
    operations.insert(running);
    operations.update(running.started(T0));

    assertThat(operations.pipelinesWithUnfinished()).containsExactlyInAnyOrder("orders", "refunds");
    assertThat(operations.findAll(List.of("op-1", "op-3", "missing", "op-1")))
        .containsOnlyKeys("op-1", "op-3")
        .containsEntry("op-1", operation("op-1", "orders", T0));
    assertThat(operations.findAll(List.of())).isEmpty();
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

  // Fixtures

  static Pipeline pipeline(String name, long generation, Instant at) {
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
  static PipelineSpec spec(String topic) {
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
            "/items",
            Map.of("id", "/order/id"),
            "snake",
            Map.of("_offset", "kafka.offset"),
            "1MB",
            "reject"),
        new PipelineSpec.Runtime("local", 2, 8, "10s"),
        new PipelineSpec.Health(2, 5, 0.05, 0.2, 4),
        new PipelineSpec.Maintenance(
            new PipelineSpec.Compaction(true, "30m", "64MiB", 4, "3d"),
            new PipelineSpec.SnapshotExpiry(true, "2h", "12h", 20),
            new PipelineSpec.Retention("ts", "90d", "1d"),
            new PipelineSpec.OrphanFiles(false, "1d", "5d")));
  }

  static Operation operation(String id, String pipeline, Instant at) {
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

  static Event event(String pipeline, String type) {
    return new Event(
        0, pipeline, T0, type, type, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** A stack trace's worth of text, with characters outside ASCII. */
  static String longError() {
    StringBuilder error =
        new StringBuilder("Job failed: ünïcödé 日本 \uD83D\uDE80 'quoted' \"too\"\n");
    while (error.length() < 20_000) {
      error.append("\tat io.floe.loader.Something.method(Something.java:42)\n");
    }
    return error.toString();
  }
}
