package io.floe.control.maintenance;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.MaintenancePolicy;
import io.floe.control.model.MaintenanceTask;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineConflictException;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.RequestContext;
import io.floe.control.store.Events;
import io.floe.control.store.PipelineStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/** What the maintenance endpoints do: show settings and runs, and queue a run now. */
@Service
public class MaintenanceService {
  private final PipelineStore pipelines;
  private final MaintenanceRuns runs;
  private final MaintenanceScheduler scheduler;
  private final Events events;
  private final Clock clock;

  public MaintenanceService(
      PipelineStore pipelines,
      MaintenanceRuns runs,
      MaintenanceScheduler scheduler,
      Events events,
      Clock clock) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.scheduler = requireNonNull(scheduler, "scheduler is null");
    this.events = requireNonNull(events, "events is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  public MaintenanceView overview(String name) {
    Pipeline pipeline = pipeline(name);
    MaintenancePolicy policy = MaintenancePolicy.of(pipeline.spec().maintenance());
    List<MaintenanceView.Task> tasks = new ArrayList<>();
    for (MaintenanceTask task : MaintenanceTask.values()) {
      boolean enabled = policy.enabled(task);
      tasks.add(
          new MaintenanceView.Task(
              task.apiName(),
              enabled,
              settings(policy, task),
              enabled ? scheduler.nextRun(pipeline, policy, task) : null,
              runs.list(name, Optional.of(task), 1).stream()
                  .findFirst()
                  .map(MaintenanceRunView::of)
                  .orElse(null)));
    }
    return new MaintenanceView(name, scheduler.tableKey(pipeline), tasks);
  }

  /** Queues a run of the task now; it starts as soon as the table is free. */
  public MaintenanceRunView request(String name, String taskName, RequestContext context) {
    MaintenanceTask task = task(taskName);
    Pipeline pipeline = pipeline(name);
    MaintenancePolicy policy = MaintenancePolicy.of(pipeline.spec().maintenance());
    if (task == MaintenanceTask.RETENTION && !policy.retention().enabled()) {
      throw new PipelineConflictException(
          "Pipeline "
              + name
              + " has no retention: set maintenance.retention.column and"
              + " maintenance.retention.olderThan first");
    }
    MaintenanceRun run =
        MaintenanceRun.queued(
            UUID.randomUUID().toString(),
            name,
            scheduler.tableKey(pipeline),
            task,
            MaintenanceRun.Trigger.REQUEST,
            Optional.of(context.requestId()),
            context.actor(),
            clock.instant());
    runs.insert(run);
    events.record(
        name,
        "MAINTENANCE_REQUESTED",
        task.apiName() + " requested (run " + run.id() + ")",
        Optional.empty(),
        Optional.of(context.requestId()),
        context.actor());
    scheduler.wake(name);
    return MaintenanceRunView.of(runs.find(run.id()).orElse(run));
  }

  public List<MaintenanceRunView> runs(String name, Optional<String> taskName, int limit) {
    pipeline(name);
    Optional<MaintenanceTask> task = taskName.map(MaintenanceService::task);
    return runs.list(name, task, limit).stream()
        .map(MaintenanceRunView::of)
        .collect(Collectors.toList());
  }

  public MaintenanceRunView run(String name, String id) {
    return runs.find(id)
        .filter(run -> run.pipeline().equals(name))
        .map(MaintenanceRunView::of)
        .orElseThrow(() -> new MaintenanceRunNotFoundException(name, id));
  }

  private Pipeline pipeline(String name) {
    return pipelines.find(name).orElseThrow(() -> new PipelineNotFoundException(name));
  }

  private static MaintenanceTask task(String name) {
    return MaintenanceTask.fromApiName(name)
        .orElseThrow(
            () ->
                new InvalidPipelineException(
                    "task",
                    "unknown task '"
                        + name
                        + "'; known: "
                        + Arrays.stream(MaintenanceTask.values())
                            .map(MaintenanceTask::apiName)
                            .collect(Collectors.joining(", "))));
  }

  private static Map<String, String> settings(MaintenancePolicy policy, MaintenanceTask task) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("every", policy.every(task).toString());
    switch (task) {
      case COMPACTION:
        settings.put(
            "targetFileSize",
            policy.compaction().targetFileSize().isPresent()
                ? Long.toString(policy.compaction().targetFileSize().getAsLong())
                : "the table's write.target-file-size-bytes");
        settings.put("minInputFiles", Integer.toString(policy.compaction().minInputFiles()));
        settings.put("lookback", policy.compaction().lookback().toString());
        break;
      case SNAPSHOT_EXPIRY:
        settings.put("olderThan", policy.snapshotExpiry().olderThan().toString());
        settings.put("retainLast", Integer.toString(policy.snapshotExpiry().retainLast()));
        break;
      case RETENTION:
        policy.retention().column().ifPresent(column -> settings.put("column", column));
        settings.put("olderThan", policy.retention().olderThan().toString());
        break;
      case ORPHAN_FILES:
        settings.put("olderThan", policy.orphans().olderThan().toString());
        break;
      default:
        break;
    }
    return settings;
  }
}
