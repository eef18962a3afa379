package io.floe.control.maintenance;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.Tables;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.MaintenancePolicy;
import io.floe.control.model.MaintenanceTask;
import io.floe.control.model.Pipeline;
import io.floe.control.reconcile.Reconciler;
import io.floe.control.store.Events;
import io.floe.control.store.Leases;
import io.floe.control.store.PipelineStore;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.TableSettings;
import io.floe.loader.settings.WriteMode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Runs table maintenance: requested runs as soon as their table is free, and each pipeline's tasks
 * when they fall due. A table is maintained by one replica at a time (a lease in the database,
 * renewed while a run lasts) and by one run at a time; every table has its own thread, apart from
 * the reconciler's, so a long compaction delays neither another table's maintenance nor any
 * pipeline's reconciliation.
 */
@Component
public class MaintenanceScheduler implements DisposableBean, SchedulingConfigurer {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceScheduler.class);

  private final PipelineStore pipelines;
  private final LoaderSettingsRenderer renderer;
  private final Tables tables;
  private final MaintenanceRuns runs;
  private final Events events;
  private final MeterRegistry meters;
  private final Clock clock;
  private final MaintenanceProperties properties;
  private final Leases leases;
  private final String owner;
  private final Set<String> busyTables = ConcurrentHashMap.newKeySet();
  private final ExecutorService workers;
  private final ScheduledExecutorService renewals;
  private final DeleteFileTrigger deleteFiles;

  public MaintenanceScheduler(
      PipelineStore pipelines,
      LoaderSettingsRenderer renderer,
      Tables tables,
      MaintenanceRuns runs,
      Events events,
      MeterRegistry meters,
      JdbcClient jdbc,
      Reconciler reconciler,
      Clock clock,
      MaintenanceProperties properties) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.tables = requireNonNull(tables, "tables is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.events = requireNonNull(events, "events is null");
    this.meters = requireNonNull(meters, "meters is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.properties = requireNonNull(properties, "properties is null");
    this.leases = new Leases(jdbc, clock, "table_lease", "table_name");
    this.owner = requireNonNull(reconciler, "reconciler is null").owner();
    this.deleteFiles = new DeleteFileTrigger(clock, properties.deleteFilesCheck());
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread thread = new Thread(r, "floe-maintenance");
              thread.setDaemon(true);
              return thread;
            });
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "floe-maintenance-lease");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Looks for maintenance each {@code floe.maintenance.interval}, the first time after one. */
  @Override
  public void configureTasks(ScheduledTaskRegistrar registrar) {
    registrar.addFixedDelayTask(
        new FixedDelayTask(this::maintainAll, properties.interval(), properties.interval()));
  }

  /** Looks at every pipeline for requested or due maintenance. */
  public void maintainAll() {
    for (Pipeline pipeline : pipelines.list()) {
      try {
        consider(pipeline);
      } catch (RuntimeException e) {
        LOG.warn("Maintenance of {} not started; retrying at the next round", pipeline.name(), e);
      }
    }
  }

  /** Starts a requested run now if its table is free (else it waits in the queue). */
  public void wake(String pipelineName) {
    pipelines.find(pipelineName).ifPresent(this::consider);
  }

  /** The table a pipeline loads, as catalog.namespace.name: the key of its lease. */
  public String tableKey(Pipeline pipeline) {
    return tableKey(tableSettings(pipeline));
  }

  private static String tableKey(TableSettings table) {
    return table.catalogName() + "." + String.join(".", table.namespace()) + "." + table.name();
  }

  /** When a task is next due for the pipeline (its last run, or else the pipeline's creation). */
  public Instant nextRun(Pipeline pipeline, MaintenancePolicy policy, MaintenanceTask task) {
    Instant last = runs.lastRun(pipeline.name(), task).orElse(pipeline.createdAt());
    return last.plus(policy.every(task));
  }

  private void consider(Pipeline pipeline) {
    MaintenancePolicy policy;
    try {
      policy = MaintenancePolicy.of(pipeline.spec().maintenance());
    } catch (InvalidPipelineException e) {
      LOG.warn("Pipeline {} has invalid maintenance settings: {}", pipeline.name(), e.getMessage());
      return;
    }
    LoaderSettings settings = renderer.settings(pipeline);
    String table = tableKey(settings.table());
    if (busyTables.contains(table)) {
      return;
    }
    boolean work =
        !runs.queued(pipeline.name()).isEmpty() || !dueTasks(pipeline, policy, settings).isEmpty();
    if (!work || !busyTables.add(table)) {
      return;
    }
    if (!leases.tryAcquire(table, owner, properties.lease())) {
      busyTables.remove(table);
      return;
    }
    try {
      workers.execute(() -> maintain(pipeline.name(), table));
    } catch (RuntimeException e) {
      leases.release(table, owner);
      busyTables.remove(table);
      throw e;
    }
  }

  /** Everything waiting for one pipeline's table, under the table's lease. */
  private void maintain(String pipelineName, String table) {
    long renewEvery = Math.max(1, properties.lease().toMillis() / 3);
    ScheduledFuture<?> renewal =
        renewals.scheduleAtFixedRate(
            () -> renew(table), renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    try {
      for (MaintenanceRun abandoned :
          runs.failAbandoned(
              table,
              "abandoned: the control plane running it stopped before it ended",
              clock.instant())) {
        events.record(
            abandoned.pipeline(),
            "MAINTENANCE_FAILED",
            abandoned.task().apiName()
                + " run "
                + abandoned.id()
                + " abandoned: its control plane"
                + " stopped before it ended (nothing half-done is visible: each commit is atomic)",
            Optional.empty(),
            abandoned.requestId(),
            abandoned.actor());
      }
      Optional<Pipeline> pipeline = pipelines.find(pipelineName);
      if (pipeline.isEmpty()) {
        return;
      }
      MaintenancePolicy policy = MaintenancePolicy.of(pipeline.get().spec().maintenance());
      for (MaintenanceRun queued : runs.queued(pipelineName)) {
        if (runs.start(queued.id(), owner, clock.instant())) {
          execute(queued, pipeline.get(), policy);
        }
      }
      for (MaintenanceTask task :
          dueTasks(pipeline.get(), policy, renderer.settings(pipeline.get()))) {
        MaintenanceRun run =
            MaintenanceRun.queued(
                UUID.randomUUID().toString(),
                pipelineName,
                table,
                task,
                MaintenanceRun.Trigger.SCHEDULE,
                Optional.empty(),
                Optional.empty(),
                clock.instant());
        runs.insert(run);
        if (runs.start(run.id(), owner, clock.instant())) {
          execute(run, pipeline.get(), policy);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Maintenance of {} stopped; retrying at the next round", pipelineName, e);
    } finally {
      renewal.cancel(false);
      leases.release(table, owner);
      busyTables.remove(table);
    }
  }

  private void execute(MaintenanceRun run, Pipeline pipeline, MaintenancePolicy policy) {
    String outcome = "succeeded";
    try {
      TaskOutcome result = performOnEveryTable(run.task(), pipeline, policy);
      runs.finish(
          run.id(),
          MaintenanceRun.State.SUCCEEDED,
          Optional.of(result.summary()),
          result.figures(),
          Optional.empty(),
          clock.instant());
      events.record(
          pipeline.name(),
          "MAINTENANCE",
          result.summary(),
          Optional.empty(),
          run.requestId(),
          run.actor());
    } catch (RuntimeException e) {
      outcome = "failed";
      String error = run.task().apiName() + " failed: " + describe(e);
      LOG.warn("Maintenance run {} of {} failed", run.id(), pipeline.name(), e);
      runs.finish(
          run.id(),
          MaintenanceRun.State.FAILED,
          Optional.empty(),
          java.util.Map.of(),
          Optional.of(error),
          clock.instant());
      events.record(
          pipeline.name(),
          "MAINTENANCE_FAILED",
          error,
          Optional.empty(),
          run.requestId(),
          run.actor());
    }
    meters
        .counter(
            "floe.maintenance.runs",
            "pipeline",
            pipeline.name(),
            "task",
            run.task().apiName(),
            "outcome",
            outcome)
        .increment();
  }

  /**
   * The task on the pipeline's table and, for a routed pipeline, on each of its routed tables in
   * turn: one run, its summary naming each table, its figures the tables' together.
   */
  private TaskOutcome performOnEveryTable(
      MaintenanceTask task, Pipeline pipeline, MaintenancePolicy policy) {
    LoaderSettings settings = renderer.settings(pipeline);
    TableSettings own = settings.table();
    TaskOutcome outcome = perform(task, tables.load(own), policy);
    if (task == MaintenanceTask.COMPACTION) {
      deleteFiles.compacted(tableKey(own));
    }
    if (settings.routing().isEmpty()) {
      return outcome;
    }
    List<TableSettings> routed = tables.routedTables(own, settings.routing().get());
    List<String> names = new ArrayList<>();
    List<TaskOutcome> outcomes = new ArrayList<>();
    names.add(own.name());
    outcomes.add(outcome);
    for (TableSettings table : routed) {
      names.add(table.name());
      outcomes.add(perform(task, tables.load(table), policy));
    }
    return TaskOutcome.combine(names, outcomes);
  }

  private TaskOutcome perform(MaintenanceTask task, Table table, MaintenancePolicy policy) {
    switch (task) {
      case COMPACTION:
        return new Compaction(clock).run(table, policy.compaction());
      case SNAPSHOT_EXPIRY:
        return new SnapshotExpiry(clock).run(table, policy.snapshotExpiry());
      case RETENTION:
        if (!policy.retention().enabled()) {
          throw new MaintenanceFailedException(
              "retention is not configured (maintenance.retention.column)");
        }
        return new Retention(clock).run(table, policy.retention());
      case ORPHAN_FILES:
        // Whatever state the table's pipelines are in: it keeps every file a restore may need.
        return new OrphanFiles(clock).run(table, policy.orphans());
      default:
        throw new IllegalArgumentException("unknown task " + task);
    }
  }

  private List<MaintenanceTask> dueTasks(
      Pipeline pipeline, MaintenancePolicy policy, LoaderSettings settings) {
    if (!properties.scheduled()) {
      return List.of();
    }
    Instant now = clock.instant();
    return java.util.Arrays.stream(MaintenanceTask.values())
        .filter(policy::enabled)
        .filter(
            task ->
                !nextRun(pipeline, policy, task).isAfter(now)
                    || (task == MaintenanceTask.COMPACTION
                        && manyDeleteFiles(pipeline, settings, policy)))
        .toList();
  }

  /**
   * Whether an upserting pipeline's table holds enough delete files for compaction to fold them now
   * (an appending pipeline's table has none of its own making, and is not read for this). The count
   * comes from the table read that health shares (refreshed at most every {@code
   * floe.tables.refresh-interval}), not from a fresh load, which would drop that shared read.
   */
  private boolean manyDeleteFiles(
      Pipeline pipeline, LoaderSettings settings, MaintenancePolicy policy) {
    if (settings.writing().mode() != WriteMode.UPSERT) {
      return false;
    }
    return deleteFiles.due(
        tableKey(settings.table()),
        policy.compaction().minDeleteFiles(),
        () -> tables.commits(pipeline.name(), settings.table(), clock.instant()).deletes().files());
  }

  private void renew(String table) {
    try {
      if (!leases.tryAcquire(table, owner, properties.lease())) {
        LOG.warn("Lost the maintenance lease of {} to another replica mid-run", table);
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not renew the maintenance lease of {}", table, e);
    }
  }

  private TableSettings tableSettings(Pipeline pipeline) {
    return renderer.settings(pipeline).table();
  }

  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null && text.length() < 2000; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(": ");
      }
      text.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
      if (t.getCause() == t) {
        break;
      }
    }
    return text.toString();
  }

  @Override
  public void destroy() {
    workers.shutdownNow();
    renewals.shutdownNow();
  }
}
