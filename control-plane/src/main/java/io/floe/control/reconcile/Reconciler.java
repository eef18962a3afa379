package io.floe.control.reconcile;

import static java.util.Objects.requireNonNull;

import io.floe.control.health.SchemaDrift;
import io.floe.control.operation.Events;
import io.floe.control.operation.Operation;
import io.floe.control.operation.OperationQueue;
import io.floe.control.operation.OperationStore;
import io.floe.control.pipeline.DesiredState;
import io.floe.control.pipeline.ObservedState;
import io.floe.control.pipeline.Pipeline;
import io.floe.control.pipeline.PipelineStatus;
import io.floe.control.pipeline.PipelineStore;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.runtime.RuntimeUnavailableException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps every pipeline where its user wants it: observe the runtime, compare with the desired state
 * and the queued operations, act through the runtime. Each pipeline is reconciled on its own thread
 * under a database lease, so one slow pipeline never holds up another, and of several replicas only
 * one acts on a pipeline at a time.
 */
@Component
public class Reconciler implements DisposableBean {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final PipelineStore pipelines;
  private final OperationStore operations;
  private final OperationRunner runner;
  private final RuntimeRegistry runtimes;
  private final PipelineLeases leases;
  private final Events events;
  private final OperationQueue queue;
  private final SchemaDrift schemaDrift;
  private final Clock clock;
  private final ReconcileProperties properties;
  private final String owner;
  private final ExecutorService executor;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  public Reconciler(
      PipelineStore pipelines,
      OperationStore operations,
      OperationRunner runner,
      RuntimeRegistry runtimes,
      PipelineLeases leases,
      Events events,
      OperationQueue queue,
      SchemaDrift schemaDrift,
      Clock clock,
      ReconcileProperties properties) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.operations = requireNonNull(operations, "operations is null");
    this.runner = requireNonNull(runner, "runner is null");
    this.runtimes = requireNonNull(runtimes, "runtimes is null");
    this.leases = requireNonNull(leases, "leases is null");
    this.events = requireNonNull(events, "events is null");
    this.queue = requireNonNull(queue, "queue is null");
    this.schemaDrift = requireNonNull(schemaDrift, "schemaDrift is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.properties = requireNonNull(properties, "properties is null");
    this.owner =
        properties.instanceId() != null
            ? properties.instanceId()
            : hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.executor =
        Executors.newFixedThreadPool(
            properties.threads(),
            r -> {
              Thread thread = new Thread(r, "floe-reconciler");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Looks at every pipeline; the ones already being reconciled are skipped this round. */
  @Scheduled(fixedDelayString = "${floe.reconcile.interval:1s}")
  public void reconcileAll() {
    for (Pipeline pipeline : pipelines.list()) {
      wake(pipeline.name());
    }
  }

  /** Reconciles one pipeline soon, e.g. right after a request changed it. */
  public void wake(String name) {
    if (inFlight.add(name)) {
      executor.execute(
          () -> {
            try {
              reconcile(name);
            } catch (RuntimeException e) {
              LOG.warn("Reconciling {} failed; retrying at the next round", name, e);
            } finally {
              inFlight.remove(name);
            }
          });
    }
  }

  /** One round for one pipeline, under its lease. */
  void reconcile(String name) {
    if (!leases.tryAcquire(name, owner, properties.lease())) {
      return;
    }
    Optional<Pipeline> pipeline = pipelines.find(name);
    if (pipeline.isEmpty()) {
      leases.release(name, owner);
      return;
    }
    PipelineStatus status =
        pipelines.status(name).orElse(PipelineStatus.pending(name, clock.instant()));
    Optional<Operation> operation = operations.nextUnfinished(name);
    try {
      if (operation.isPresent()) {
        runner.advance(operation.get(), pipeline.get(), status);
      } else {
        observe(pipeline.get(), status);
      }
    } catch (RuntimeUnavailableException e) {
      PipelineStatus latest = pipelines.status(name).orElse(status);
      if (!latest.lastError().equals(Optional.of(e.getMessage()))) {
        pipelines.saveStatus(
            latest.withState(latest.observedState(), Optional.of(e.getMessage()), clock.instant()));
        LOG.warn("{}: runtime unavailable: {}", name, e.getMessage());
      }
    }
  }

  /**
   * Without an operation to carry out: keep the observed state true to what the runtime says, and
   * restart a loader whose table's schema changed under it (unless the pipeline says manual).
   */
  private void observe(Pipeline pipeline, PipelineStatus status) {
    if (restartForSchemaChange(pipeline, status)) {
      return;
    }
    if (status.runId().isEmpty() || !isActive(status.observedState())) {
      return;
    }
    String target = pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().target();
    PipelineRuntime runtime = runtimes.forTarget(target);
    Optional<RunObservation> run = runtime.observe(status.runId().get());
    ObservedState observed;
    Optional<String> error = Optional.empty();
    if (run.isEmpty()) {
      observed = ObservedState.FAILED;
      error =
          Optional.of(
              "Run " + status.runId().get() + " is gone from the runtime (stopped outside Floe)");
    } else {
      RunObservation observation = run.get();
      switch (observation.state()) {
        case RUNNING:
          observed = ObservedState.RUNNING;
          break;
        case STARTING:
          observed = ObservedState.STARTING;
          break;
        case RESTARTING:
          observed = ObservedState.RESTARTING;
          error = observation.failure().or(() -> Optional.of("restarting after a failure"));
          break;
        case STOPPING:
          observed = ObservedState.STOPPING;
          break;
        default:
          observed = ObservedState.FAILED;
          error =
              Optional.of(
                  "Run "
                      + status.runId().get()
                      + " ended "
                      + observation.runtimeState()
                      + (observation.state() == RunState.STOPPED ? " outside Floe" : "")
                      + observation.failure().map(f -> ": " + f).orElse(""));
      }
    }
    if (pipeline.desiredState() == DesiredState.STOPPED && observed == ObservedState.FAILED) {
      observed = ObservedState.STOPPED;
    }
    PipelineStatus next = status.withState(observed, error, clock.instant());
    if (run.isPresent() && observed == ObservedState.RUNNING) {
      next = next.withParallelism(run.get().parallelism(), clock.instant());
    }
    if (observed == ObservedState.FAILED
        && run.flatMap(RunObservation::latestCheckpoint).isPresent()) {
      next =
          next.withRestorePoint(
              run.get().latestCheckpoint(), status.restoreSource(), clock.instant());
    }
    if (!next.observedState().equals(status.observedState())
        || !next.lastError().equals(status.lastError())
        || !next.parallelism().equals(status.parallelism())) {
      pipelines.saveStatus(next);
      if (!next.observedState().equals(status.observedState())) {
        events.record(
            pipeline.name(),
            "STATE_CHANGED",
            status.observedState()
                + " -> "
                + next.observedState()
                + error.map(e -> ": " + e).orElse(""),
            Optional.empty(),
            Optional.empty(),
            Optional.of("reconciler"));
      }
    }
  }

  private boolean restartForSchemaChange(Pipeline pipeline, PipelineStatus status) {
    if (pipeline.desiredState() != DesiredState.RUNNING
        || status.observedState() != ObservedState.RUNNING
        || status.runId().isEmpty()
        || "manual".equalsIgnoreCase(pipeline.spec().table().schemaChanges())) {
      return false;
    }
    Optional<SchemaDrift.Drift> drift = schemaDrift.drift(pipeline.name());
    if (drift.isEmpty() || !drift.get().runId().equals(status.runId().get())) {
      return false;
    }
    events.record(
        pipeline.name(),
        "SCHEMA_CHANGED",
        drift.get().description() + ": restarting the loader with its state",
        Optional.empty(),
        Optional.empty(),
        Optional.of("schema-watcher"));
    queue.enqueue(
        pipeline.name(),
        io.floe.control.operation.OperationType.RESTART,
        java.util.Map.of("reason", "schema change: " + drift.get().description()),
        new io.floe.control.api.RequestContext(
            "schema-" + status.runId().get(), Optional.of("schema-watcher")));
    return true;
  }

  private static boolean isActive(ObservedState state) {
    return state == ObservedState.RUNNING
        || state == ObservedState.STARTING
        || state == ObservedState.RESTARTING
        || state == ObservedState.STOPPING;
  }

  public String owner() {
    return owner;
  }

  @Override
  public void destroy() {
    executor.shutdownNow();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "floe";
    }
  }
}
