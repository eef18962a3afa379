package io.floe.control.reconcile;

import io.floe.control.model.DesiredState;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationType;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.RequestContext;
import io.floe.control.runtime.RecentRuns;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.store.Events;
import io.floe.control.store.OperationQueue;
import io.floe.control.testing.InMemoryOperationStore;
import io.floe.control.testing.InMemoryPipelineStore;
import io.floe.control.testing.InMemoryTablePositions;
import io.floe.control.testing.ManualClock;
import io.floe.control.testing.TestingRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reconciler's collaborators as hand-written fakes (stores in memory, a runtime the test
 * steers, a clock it moves), and the runner and reconciler built on them as often as a test likes:
 * a new one on the same stores and runtime is a control plane that restarted.
 */
final class ReconcileFixture {
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  static final String PIPELINE = "orders";

  final ManualClock clock = new ManualClock(T0);
  final InMemoryPipelineStore pipelines = new InMemoryPipelineStore();
  final InMemoryOperationStore operations = new InMemoryOperationStore();
  final TestingRuntime runtime = new TestingRuntime(clock);
  final InMemoryTablePositions positions = new InMemoryTablePositions();
  final RecentRuns recentRuns = new RecentRuns(clock);
  final Events events = new Events(operations, clock);
  final OperationQueue queue = new OperationQueue(operations, events, clock);
  final ReconcileProperties properties =
      new ReconcileProperties(
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          1,
          Duration.ofMinutes(5),
          "replica-test",
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          Duration.ofMinutes(5));
  final LoaderSettingsRenderer renderer =
      new LoaderSettingsRenderer(
          catalog -> Map.of("type", "hadoop", "warehouse", "file:/tmp/floe-unit-warehouse"));
  final RuntimeRegistry runtimes =
      new RuntimeRegistry(Map.of(TestingRuntime.TARGET, runtime), TestingRuntime.TARGET);

  /** A runner as a control plane that just started builds it. */
  OperationRunner runner() {
    return new OperationRunner(
        pipelines,
        operations,
        runtimes,
        renderer,
        events,
        clock,
        properties,
        positions,
        JsonMapper.builder().build(),
        (operation, pipeline) -> {
          throw new DataStep.DataStepFailedException("no data operations in these tests");
        });
  }

  /** A reconciler as a control plane that just started builds it; no schema drifts. */
  Reconciler reconciler(PipelineLeases leases) {
    return reconciler(leases, pipeline -> Optional.empty());
  }

  /** A reconciler of another replica, named {@code instanceId}, on the same stores. */
  Reconciler replica(PipelineLeases leases, String instanceId) {
    ReconcileProperties replica =
        new ReconcileProperties(
            properties.interval(),
            properties.lease(),
            properties.threads(),
            properties.startTimeout(),
            instanceId,
            properties.goneAfter(),
            properties.recoveryBackoff(),
            properties.recoveryMaxBackoff());
    return reconciler(leases, pipeline -> Optional.empty(), replica);
  }

  /** A reconciler as a control plane that just started builds it, seeing these drifts. */
  Reconciler reconciler(PipelineLeases leases, SchemaDrift drifts) {
    return reconciler(leases, drifts, properties);
  }

  private Reconciler reconciler(
      PipelineLeases leases, SchemaDrift drifts, ReconcileProperties properties) {
    return new Reconciler(
        pipelines,
        operations,
        runner(),
        runtimes,
        leases,
        events,
        queue,
        drifts,
        new RunProgress(operations, positions, renderer),
        recentRuns,
        clock,
        properties);
  }

  /** The pipeline, new, wanting {@code desired}, with parallelism {@code parallelism}. */
  Pipeline create(DesiredState desired, int parallelism) {
    Pipeline pipeline =
        new Pipeline(
            PIPELINE, spec(parallelism), desired, Map.of(), 1, clock.instant(), clock.instant());
    pipelines.insert(pipeline, PipelineStatus.pending(PIPELINE, clock.instant()));
    return pipeline;
  }

  /** The pipeline, new, wanting {@code desired}, with this table.schemaChanges mode. */
  Pipeline create(DesiredState desired, String schemaChanges) {
    PipelineSpec spec = spec(1);
    PipelineSpec.Table table = spec.table();
    Pipeline pipeline =
        new Pipeline(
            PIPELINE,
            new PipelineSpec(
                spec.source(),
                new PipelineSpec.Table(
                    table.catalog(),
                    table.namespace(),
                    table.name(),
                    table.createIfMissing(),
                    table.writeProperties(),
                    schemaChanges),
                spec.badMessages(),
                spec.parsing(),
                spec.runtime(),
                spec.health(),
                spec.maintenance()),
            desired,
            Map.of(),
            1,
            clock.instant(),
            clock.instant());
    pipelines.insert(pipeline, PipelineStatus.pending(PIPELINE, clock.instant()));
    return pipeline;
  }

  /** The pipeline's new desired state, as a request that queues an operation sets it. */
  void want(DesiredState desired) {
    Pipeline pipeline = pipeline();
    Pipeline next =
        new Pipeline(
            pipeline.name(),
            pipeline.spec(),
            desired,
            pipeline.labels(),
            pipeline.generation(),
            pipeline.createdAt(),
            clock.instant());
    pipelines.update(next, pipeline.generation());
  }

  Operation enqueue(OperationType type, Map<String, String> parameters) {
    return queue.enqueue(
        PIPELINE, type, parameters, new RequestContext("request-" + type, Optional.of("alice")));
  }

  Pipeline pipeline() {
    return pipelines.find(PIPELINE).orElseThrow();
  }

  PipelineStatus status() {
    return pipelines.status(PIPELINE).orElseThrow();
  }

  Operation operation(String id) {
    return operations.find(id).orElseThrow();
  }

  /** What the reconciler does with an unfinished operation: one step, on what is stored. */
  boolean step(OperationRunner runner) {
    Optional<Operation> next = operations.nextUnfinished(PIPELINE);
    Optional<Pipeline> pipeline = pipelines.find(PIPELINE);
    if (next.isEmpty() || pipeline.isEmpty()) {
      return false;
    }
    PipelineStatus status =
        pipelines.status(PIPELINE).orElse(PipelineStatus.pending(PIPELINE, clock.instant()));
    runner.advance(next.get(), pipeline.get(), status);
    clock.advance(Duration.ofSeconds(1));
    return true;
  }

  /** Steps until no operation is left; fails if that takes unreasonably many steps. */
  void finish(OperationRunner runner) {
    for (int steps = 0; steps < 100; steps++) {
      if (!step(runner)) {
        return;
      }
    }
    throw new AssertionError(
        "The operation did not finish in 100 steps: " + operations.nextUnfinished(PIPELINE));
  }

  /** The types of the pipeline's events, oldest first. */
  List<String> eventTypes() {
    List<String> types = new ArrayList<>();
    operations.events(PIPELINE, 1000).forEach(event -> types.add(0, event.type()));
    return types;
  }

  /** The types of an operation's events, oldest first. */
  List<String> eventTypes(String operationId) {
    List<String> types = new ArrayList<>();
    operations.events(PIPELINE, 1000).stream()
        .filter(event -> event.operationId().equals(Optional.of(operationId)))
        .forEach(event -> types.add(0, event.type()));
    return types;
  }

  /** A valid spec on the testing runtime. */
  static PipelineSpec spec(int parallelism) {
    return spec(parallelism, "orders");
  }

  /** A valid spec on the testing runtime, reading {@code topic}. */
  static PipelineSpec spec(int parallelism, String topic) {
    return new PipelineSpec(
        new PipelineSpec.Source(
            "broker:9092",
            List.of(topic),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null),
        new PipelineSpec.Table("default", "sales", "orders", null, null, null),
        new PipelineSpec.BadMessages("skip", null, null),
        null,
        new PipelineSpec.Runtime(TestingRuntime.TARGET, parallelism, null, null),
        null,
        null);
  }
}
