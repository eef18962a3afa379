package io.floe.control.reconcile;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.DesiredState;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationType;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.Recovery;
import io.floe.control.model.RequestContext;
import io.floe.control.model.SchemaChanges;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RecentRuns;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.runtime.RuntimeThrottledException;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.store.Events;
import io.floe.control.store.OperationQueue;
import io.floe.control.store.OperationStore;
import io.floe.control.store.PipelineStore;
import io.floe.loader.settings.SettingValues;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Keeps every pipeline where its user wants it: observe the runtime, compare with the desired state
 * and the queued operations, act through the runtime. Each pipeline is reconciled on its own thread
 * under a database lease, so one slow pipeline never holds up another, and of several replicas only
 * one acts on a pipeline at a time. A pass each {@code floe.reconcile.interval} costs a few queries
 * whatever the number of pipelines; a pipeline is looked at when its {@link LookSchedule} says.
 */
@Component
public class Reconciler implements DisposableBean, SchedulingConfigurer {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final PipelineStore pipelines;
  private final OperationStore operations;
  private final OperationRunner runner;
  private final RuntimeRegistry runtimes;
  private final PipelineLeases leases;
  private final Events events;
  private final OperationQueue queue;
  private final SchemaDrift schemaDrift;
  private final RunProgress progress;
  private final RecentRuns recentRuns;
  private final LookSchedule schedule;
  private final Clock clock;
  private final ReconcileProperties properties;
  private final String owner;
  private final ExecutorService executor;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<String, Missing> gone = new ConcurrentHashMap<>();
  private volatile Instant leasesRenewedAt = Instant.MIN;
  private volatile int liveReplicas = 1;

  /** A schema drift of a live pipeline: since when the loader writes the old schema. */
  private record LiveDrift(SchemaDrift.Drift drift, Instant since) {}

  /** The least time a live pipeline's loader has to follow a schema change. */
  static final Duration LIVE_SCHEMA_GRACE = Duration.ofSeconds(30);

  private final Map<String, LiveDrift> liveDrifts = new ConcurrentHashMap<>();

  /** A run the runtime does not know: since when, and how often it said so. */
  private record Missing(String runId, Instant since, int observations) {}

  private static final String ACTOR = "reconciler";

  public Reconciler(
      PipelineStore pipelines,
      OperationStore operations,
      OperationRunner runner,
      RuntimeRegistry runtimes,
      PipelineLeases leases,
      Events events,
      OperationQueue queue,
      SchemaDrift schemaDrift,
      RunProgress progress,
      RecentRuns recentRuns,
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
    this.progress = requireNonNull(progress, "progress is null");
    this.recentRuns = requireNonNull(recentRuns, "recentRuns is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.properties = requireNonNull(properties, "properties is null");
    this.schedule = new LookSchedule(properties.steadyInterval());
    this.owner =
        properties.instanceId() != null
            ? properties.instanceId()
            : hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.executor =
        new ThreadPoolExecutor(
            properties.threads(),
            properties.threads(),
            0,
            TimeUnit.MILLISECONDS,
            new PriorityBlockingQueue<>(),
            r -> {
              Thread thread = new Thread(r, "floe-reconciler");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * A look at one pipeline waiting for a thread: looks at pipelines that changed or move go before
   * steady ones, each kind in the order woken, so that a failure is seen within a pass however many
   * steady looks are due.
   */
  record QueuedLook(boolean urgent, long order, Runnable look)
      implements Runnable, Comparable<QueuedLook> {
    @Override
    public void run() {
      look.run();
    }

    @Override
    public int compareTo(QueuedLook other) {
      if (urgent != other.urgent) {
        return urgent ? -1 : 1;
      }
      return Long.compare(order, other.order);
    }
  }

  private final AtomicLong order = new AtomicLong();

  /** Looks at every pipeline each {@code floe.reconcile.interval}. */
  @Override
  public void configureTasks(ScheduledTaskRegistrar registrar) {
    registrar.addFixedDelayTask(
        new FixedDelayTask(this::reconcileAll, properties.interval(), Duration.ZERO));
  }

  /**
   * One pass: renews this replica's leases, then looks at the pipelines that are due (see {@link
   * LookSchedule}) and not leased by another replica; the ones already being reconciled are
   * skipped. Replicas share the pipelines evenly: one takes a free pipeline only while it holds
   * fewer than its share (the pipelines divided by the replicas alive), unless the pipeline has an
   * operation to carry out, and gives steady ones back above its share. Costs three queries and one
   * run listing per runtime target, whatever the number of pipelines.
   */
  public void reconcileAll() {
    due().forEach((name, urgent) -> wake(name, urgent));
  }

  /** How long after a steady look the pipeline is looked at again (unless something changes). */
  Duration steadyWait(String pipeline) {
    return schedule.steadyWait(pipeline);
  }

  /**
   * The pipelines to look at in this pass, each with whether it is urgent (changed or on the move)
   * rather than steady, after renewing the leases when due.
   */
  Map<String, Boolean> due() {
    Instant now = clock.instant();
    renewLeases(now);
    Set<String> withOperations = operations.pipelinesWithUnfinished();
    Map<String, String> holders = leases.holders();
    List<String> names = pipelines.names();
    schedule.retain(names);
    int share = (names.size() + liveReplicas - 1) / liveReplicas;
    long mine = holders.values().stream().filter(owner::equals).count();
    mine -= giveBack(mine - share, holders, withOperations);
    Map<String, Optional<Map<String, String>>> runStates = new HashMap<>();
    Map<String, Boolean> due = new LinkedHashMap<>();
    for (String name : names) {
      String holder = holders.get(name);
      if (holder != null && !holder.equals(owner)) {
        schedule.forget(name);
        continue;
      }
      boolean free = holder == null;
      boolean operationPending = withOperations.contains(name);
      if (free && !operationPending && mine >= share) {
        continue; // another replica's share; one with an operation is taken at once
      }
      Optional<Map<String, String>> listed =
          schedule
              .steadyTarget(name)
              .flatMap(target -> runStates.computeIfAbsent(target, this::runStates));
      LookSchedule.Due look = schedule.due(name, now, operationPending, listed);
      if (look != LookSchedule.Due.NO) {
        due.put(name, look == LookSchedule.Due.NOW);
        if (free) {
          mine++;
        }
      }
    }
    return due;
  }

  /**
   * Releases up to {@code excess} of this replica's leases, of pipelines that hold still and have
   * nothing to carry out, so that a replica that joined takes them: how many it released.
   */
  private int giveBack(long excess, Map<String, String> holders, Set<String> withOperations) {
    List<String> released = new ArrayList<>();
    for (Map.Entry<String, String> lease : holders.entrySet()) {
      String name = lease.getKey();
      if (released.size() < excess
          && lease.getValue().equals(owner)
          && !withOperations.contains(name)
          && !inFlight.contains(name)
          && schedule.steadyTarget(name).isPresent()) {
        released.add(name);
      }
    }
    for (String name : released) {
      schedule.forget(name);
      leases.release(name, owner);
      holders.remove(name);
    }
    if (!released.isEmpty()) {
      LOG.info(
          "Gave {} pipelines back to the other replicas ({} alive)", released.size(), liveReplicas);
    }
    return released.size();
  }

  /**
   * Renews every lease this replica holds in one statement, and its own row among the replicas,
   * three times per lease.
   */
  private void renewLeases(Instant now) {
    if (now.isBefore(leasesRenewedAt.plus(properties.lease().dividedBy(3)))) {
      return;
    }
    leases.renewAll(owner, properties.lease());
    liveReplicas = leases.liveReplicas(owner, properties.lease());
    leasesRenewedAt = now;
  }

  /**
   * The target's runs with their states; none listed when the listing failed (every run is looked
   * at), no listing while the runtime is throttled (the steady interval decides).
   */
  private Optional<Map<String, String>> runStates(String target) {
    try {
      return runtimes.find(target).flatMap(PipelineRuntime::runStates);
    } catch (RuntimeThrottledException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.debug("Cannot list the runs of {}: {}", target, e.getMessage());
      return Optional.of(Map.of());
    }
  }

  /** Reconciles one pipeline soon, e.g. right after a request changed it. */
  public void wake(String name) {
    wake(name, true);
  }

  private void wake(String name, boolean urgent) {
    if (inFlight.add(name)) {
      executor.execute(
          new QueuedLook(
              urgent,
              order.incrementAndGet(),
              () -> {
                try {
                  reconcile(name);
                } catch (RuntimeException e) {
                  LOG.warn("Reconciling {} failed; retrying at the next round", name, e);
                } finally {
                  inFlight.remove(name);
                }
              }));
    }
  }

  /** One round for one pipeline, under its lease. */
  void reconcile(String name) {
    schedule.forget(name);
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
   * Without an operation to carry out: keep the observed state true to what the runtime says,
   * restart a loader whose table's schema changed under it (unless the pipeline says manual), and
   * recover a pipeline whose run failed or disappeared while it should run.
   */
  private void observe(Pipeline pipeline, PipelineStatus status) {
    if (restartForSchemaChange(pipeline, status) || recoverWhenDue(pipeline, status)) {
      return;
    }
    if (status.runId().isEmpty() || !isActive(status.observedState())) {
      gone.remove(pipeline.name());
      if (holdsStill(pipeline, status)) {
        looked(pipeline, status, Optional.empty());
      }
      return;
    }
    String runId = status.runId().get();
    Optional<RunObservation> run = runtime(pipeline).observe(runId);
    run.ifPresent(observation -> recentRuns.record(pipeline.name(), observation));
    if (run.isEmpty()) {
      if (confirmedGone(pipeline.name(), runId)) {
        ended(
            pipeline,
            status,
            "Run " + runId + " is gone from the runtime (its JobManager or cluster was lost)",
            false);
      }
      return;
    }
    gone.remove(pipeline.name());
    RunObservation observation = run.get();
    ObservedState observed;
    Optional<String> error = Optional.empty();
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
      case FAILED:
        ended(
            pipeline,
            status,
            "Run "
                + runId
                + " ended "
                + observation.runtimeState()
                + observation.failure().map(f -> ": " + f).orElse(""),
            false);
        return;
      default:
        ended(
            pipeline,
            status,
            "Run " + runId + " ended " + observation.runtimeState() + " outside Floe",
            true);
        return;
    }
    PipelineStatus next = status.withState(observed, error, clock.instant());
    if (observed == ObservedState.RUNNING) {
      next = next.withParallelism(observation.parallelism(), clock.instant());
      if (status.recovery().attempts() > 0
          && progress.loaded(pipeline, runId, observation.completedCheckpoints())) {
        next = next.withRecovery(Recovery.NONE, clock.instant());
        events.record(
            pipeline.name(),
            "RECOVERED",
            "Run " + runId + " runs and loads again: recovered",
            Optional.empty(),
            Optional.empty(),
            Optional.of(ACTOR));
      }
    }
    boolean changed = save(pipeline, status, next, error);
    if (!changed
        && observed == ObservedState.RUNNING
        && next.recovery().attempts() == 0
        && !liveDrifts.containsKey(pipeline.name())) {
      looked(pipeline, next, Optional.of(observation.runtimeState()));
    }
  }

  /**
   * Whether a pipeline without an active run holds still: stopped, never started, or failed and not
   * to be recovered. (A failed one that should run is looked at every pass until recovered.)
   */
  private static boolean holdsStill(Pipeline pipeline, PipelineStatus status) {
    return switch (status.observedState()) {
      case STOPPED, PENDING -> true;
      case FAILED -> status.recovery().halted() || pipeline.desiredState() == DesiredState.STOPPED;
      default -> false;
    };
  }

  /**
   * Schedules the pipeline's next look a steady interval away (or when its run's state changes).
   */
  private void looked(Pipeline pipeline, PipelineStatus status, Optional<String> runtimeState) {
    String target = pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().target();
    schedule.looked(
        pipeline.name(),
        new LookSchedule.Look(
            clock.instant(),
            true,
            target == null ? runtimes.defaultTarget() : target,
            status.runId(),
            runtimeState));
  }

  /**
   * The run ended without Floe asking: FAILED. A run cancelled outside Floe stays down (someone
   * meant it); any other is recovered by the next rounds, while the pipeline should run.
   */
  private void ended(
      Pipeline pipeline, PipelineStatus status, String reason, boolean stoppedOutsideFloe) {
    gone.remove(pipeline.name());
    ObservedState observed =
        pipeline.desiredState() == DesiredState.STOPPED
            ? ObservedState.STOPPED
            : ObservedState.FAILED;
    PipelineStatus next = status.withState(observed, Optional.of(reason), clock.instant());
    if (stoppedOutsideFloe) {
      next = next.withRecovery(Recovery.haltedOutsideFloe(), clock.instant());
    }
    save(pipeline, status, next, Optional.of(reason));
  }

  /** Saves the next status when it differs from the last; whether it did. */
  private boolean save(
      Pipeline pipeline, PipelineStatus status, PipelineStatus next, Optional<String> error) {
    if (next.observedState().equals(status.observedState())
        && next.lastError().equals(status.lastError())
        && next.parallelism().equals(status.parallelism())
        && next.recovery().equals(status.recovery())) {
      return false;
    }
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
          Optional.of(ACTOR));
    }
    return true;
  }

  /**
   * Whether the runtime has said it does not know the run for long enough (at least three
   * observations over {@code floe.reconcile.gone-after}): a JobManager failing over with high
   * availability forgets its jobs for a moment, and one such answer must not start a second run.
   */
  private boolean confirmedGone(String pipeline, String runId) {
    Instant now = clock.instant();
    Missing missing =
        gone.compute(
            pipeline,
            (name, seen) ->
                seen == null || !seen.runId().equals(runId)
                    ? new Missing(runId, now, 1)
                    : new Missing(runId, seen.since(), seen.observations() + 1));
    boolean confirmed =
        missing.observations() >= 3 && !now.isBefore(missing.since().plus(properties.goneAfter()));
    if (missing.observations() == 1) {
      LOG.info(
          "{}: the runtime does not know run {}; it counts as gone if that lasts {}",
          pipeline,
          runId,
          properties.goneAfter());
    }
    return confirmed;
  }

  /**
   * A pipeline that should run and FAILED (and was not cancelled outside Floe) is started again by
   * a RECOVER operation once its backoff has passed; each attempt waits longer, up to the maximum.
   */
  private boolean recoverWhenDue(Pipeline pipeline, PipelineStatus status) {
    Instant now = clock.instant();
    if (pipeline.desiredState() != DesiredState.RUNNING
        || status.observedState() != ObservedState.FAILED
        || !status.recovery().due(now)) {
      return false;
    }
    int attempt = status.recovery().attempts() + 1;
    pipelines.saveStatus(
        status.withRecovery(
            status.recovery().attempted(now.plus(properties.backoffAfter(attempt))), now));
    queue.enqueue(
        pipeline.name(),
        OperationType.RECOVER,
        Map.of(
            OperationRunner.ATTEMPT,
            Integer.toString(attempt),
            OperationRunner.REASON,
            status.lastError().orElse("the run is not running")),
        RequestContext.system("recover-" + status.runId().orElse(pipeline.name()) + "-" + attempt));
    return true;
  }

  /**
   * A running loader whose table's schema changed under it (observed now, through {@link
   * SchemaDrift}) is restarted with its state, unless the pipeline says manual.
   */
  private boolean restartForSchemaChange(Pipeline pipeline, PipelineStatus status) {
    SchemaChanges mode = pipeline.spec().table().schemaChangeMode();
    if (pipeline.desiredState() != DesiredState.RUNNING
        || status.observedState() != ObservedState.RUNNING
        || status.runId().isEmpty()
        || mode == SchemaChanges.MANUAL) {
      liveDrifts.remove(pipeline.name());
      return false;
    }
    Optional<SchemaDrift.Drift> drift = schemaDrift.drift(pipeline.name());
    if (drift.isEmpty() || !drift.get().runId().equals(status.runId().get())) {
      liveDrifts.remove(pipeline.name());
      return false;
    }
    String reason = ": restarting the loader with its state";
    if (mode == SchemaChanges.LIVE) {
      Instant now = clock.instant();
      LiveDrift seen =
          liveDrifts.compute(
              pipeline.name(),
              (name, known) ->
                  known != null && known.drift().equals(drift.get())
                      ? known
                      : new LiveDrift(drift.get(), now));
      Duration grace = liveSchemaGrace(pipeline);
      if (now.isBefore(seen.since().plus(grace))) {
        return false;
      }
      liveDrifts.remove(pipeline.name());
      reason =
          ": the loader did not follow it within "
              + grace.toSeconds()
              + " s (no commit with the new schema; see its log); restarting it with its state";
    }
    events.record(
        pipeline.name(),
        "SCHEMA_CHANGED",
        drift.get().description() + reason,
        Optional.empty(),
        Optional.empty(),
        Optional.of("schema-watcher"));
    queue.enqueue(
        pipeline.name(),
        OperationType.RESTART,
        Map.of("reason", "schema change: " + drift.get().description()),
        new RequestContext("schema-" + status.runId().get(), Optional.of("schema-watcher")));
    return true;
  }

  /**
   * How long a live pipeline's loader may write with an old schema before it is restarted: three
   * flush intervals (its writers check the table at most every 5 s, at a checkpoint), at least
   * {@link #LIVE_SCHEMA_GRACE}.
   */
  static Duration liveSchemaGrace(Pipeline pipeline) {
    Duration flush = Duration.ofSeconds(60);
    try {
      if (pipeline.spec().runtime() != null && pipeline.spec().runtime().flushInterval() != null) {
        flush = SettingValues.duration(pipeline.spec().runtime().flushInterval());
      }
    } catch (IllegalArgumentException e) {
      // a save refuses it; the default serves
    }
    Duration threeFlushes = flush.multipliedBy(3);
    return threeFlushes.compareTo(LIVE_SCHEMA_GRACE) > 0 ? threeFlushes : LIVE_SCHEMA_GRACE;
  }

  private static boolean isActive(ObservedState state) {
    return state == ObservedState.RUNNING
        || state == ObservedState.STARTING
        || state == ObservedState.RESTARTING
        || state == ObservedState.STOPPING;
  }

  private PipelineRuntime runtime(Pipeline pipeline) {
    String target = pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().target();
    return runtimes.forTarget(target);
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
