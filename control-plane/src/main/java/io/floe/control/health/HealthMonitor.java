package io.floe.control.health;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.CommitHistory;
import io.floe.control.catalog.Tables;
import io.floe.control.kafka.KafkaTopics;
import io.floe.control.model.HealthThresholds;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.MaintenancePolicy;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineStatus;
import io.floe.control.runtime.RecentRuns;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.store.PipelineStore;
import io.floe.loader.credentials.CredentialsResolver;
import io.floe.loader.credentials.KafkaSecurityProperties;
import io.floe.loader.settings.LoaderSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Checks every pipeline's health on a schedule from its three sources (the table's commits, Kafka's
 * offsets, the runtime) and keeps the latest result for the API, the actuator and Prometheus. Only
 * reads and reports: acting on a schema change is the reconciler's job. Checks run side by side on
 * {@code floe.health.threads} threads, since each mostly waits on the systems it reads.
 */
@Component
public class HealthMonitor implements SchedulingConfigurer, DisposableBean {
  private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

  private final PipelineStore pipelines;
  private final LoaderSettingsRenderer renderer;
  private final Tables tables;
  private final KafkaTopics kafka;
  private final CredentialsResolver credentials;
  private final RuntimeRegistry runtimes;
  private final RecentRuns recentRuns;
  private final MeterRegistry meters;
  private final Clock clock;
  private final HealthProperties properties;
  private final Map<String, PipelineHealth> latest = new ConcurrentHashMap<>();
  private final Map<String, Deque<HealthAssessor.LagSample>> lagHistory = new ConcurrentHashMap<>();
  private final Map<String, Deque<Sample>> restartHistory = new ConcurrentHashMap<>();
  private final Map<String, List<Meter>> gauges = new ConcurrentHashMap<>();
  private final ExecutorService executor;

  public HealthMonitor(
      PipelineStore pipelines,
      LoaderSettingsRenderer renderer,
      Tables tables,
      KafkaTopics kafka,
      CredentialsResolver credentials,
      RuntimeRegistry runtimes,
      RecentRuns recentRuns,
      MeterRegistry meters,
      Clock clock,
      HealthProperties properties) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.tables = requireNonNull(tables, "tables is null");
    this.kafka = requireNonNull(kafka, "kafka is null");
    this.credentials = requireNonNull(credentials, "credentials is null");
    this.runtimes = requireNonNull(runtimes, "runtimes is null");
    this.recentRuns = requireNonNull(recentRuns, "recentRuns is null");
    this.meters = requireNonNull(meters, "meters is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.properties = requireNonNull(properties, "properties is null");
    this.executor =
        Executors.newFixedThreadPool(
            properties.threads(),
            r -> {
              Thread thread = new Thread(r, "floe-health");
              thread.setDaemon(true);
              return thread;
            });
  }

  private record Sample(Instant at, String runId, long restarts) {}

  /** Checks every pipeline each {@code floe.health.interval}, the first time after one. */
  @Override
  public void configureTasks(ScheduledTaskRegistrar registrar) {
    registrar.addFixedDelayTask(
        new FixedDelayTask(this::checkAll, properties.interval(), properties.interval()));
  }

  /** Checks every pipeline, side by side; forgets the deleted ones. */
  public void checkAll() {
    Set<String> names = new HashSet<>();
    List<Callable<Void>> checks = new ArrayList<>();
    Map<Pipeline, LoaderSettings> rendered = new LinkedHashMap<>();
    for (Pipeline pipeline : pipelines.list()) {
      names.add(pipeline.name());
      try {
        rendered.put(pipeline, renderer.settings(pipeline.name(), pipeline.spec()));
      } catch (RuntimeException e) {
        LOG.warn("Cannot compute the health of {}", pipeline.name(), e);
      }
    }
    Map<String, Long> lags = lags(rendered);
    for (Map.Entry<Pipeline, LoaderSettings> entry : rendered.entrySet()) {
      Pipeline pipeline = entry.getKey();
      checks.add(
          () -> {
            try {
              check(pipeline, entry.getValue(), Optional.ofNullable(lags.get(pipeline.name())));
            } catch (RuntimeException e) {
              LOG.warn("Cannot compute the health of {}", pipeline.name(), e);
            }
            return null;
          });
    }
    try {
      executor.invokeAll(checks);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (String gone : new HashSet<>(latest.keySet())) {
      if (!names.contains(gone)) {
        forget(gone);
      }
    }
  }

  /**
   * The lag of every pipeline that reads named topics, asked of each Kafka cluster (the same client
   * settings) once for all its pipelines' consumer groups; a pipeline missing here is asked alone.
   */
  private Map<String, Long> lags(Map<Pipeline, LoaderSettings> all) {
    Map<Properties, Map<String, Collection<String>>> byCluster = new HashMap<>();
    Map<String, List<String>> pipelinesByGroup = new HashMap<>();
    Set<String> shared = new HashSet<>();
    for (Map.Entry<Pipeline, LoaderSettings> entry : all.entrySet()) {
      Pipeline pipeline = entry.getKey();
      LoaderSettings settings = entry.getValue();
      try {
        if (settings.source().topicPattern().isPresent()) {
          continue;
        }
        Properties client = new KafkaSecurityProperties(credentials).forClient(settings.source());
        String group = settings.source().groupId();
        if (pipelinesByGroup.containsKey(group)) {
          shared.add(group); // two pipelines of one group: each is asked alone
          continue;
        }
        byCluster
            .computeIfAbsent(client, c -> new HashMap<>())
            .put(group, settings.source().topics());
        pipelinesByGroup.put(group, List.of(pipeline.name()));
      } catch (RuntimeException e) {
        // Its own check reports what is wrong.
      }
    }
    byCluster.values().forEach(groups -> groups.keySet().removeAll(shared));
    Map<String, Long> lags = new HashMap<>();
    byCluster.forEach(
        (client, topicsByGroup) -> {
          try {
            kafka
                .lags(client, topicsByGroup)
                .forEach(
                    (group, lag) ->
                        pipelinesByGroup
                            .getOrDefault(group, List.of())
                            .forEach(pipeline -> lags.put(pipeline, lag)));
          } catch (RuntimeException e) {
            LOG.debug("No lags from a cluster in one call: {}", e.getMessage());
          }
        });
    return lags;
  }

  /** The latest health of a pipeline, computed now if it has none yet. */
  public Optional<PipelineHealth> health(String name) {
    PipelineHealth known = latest.get(name);
    if (known != null) {
      return Optional.of(known);
    }
    return pipelines.find(name).map(this::check);
  }

  public Map<String, PipelineHealth> all() {
    return Map.copyOf(latest);
  }

  /** The target file size the pipeline's compaction works to, when it sets its own. */
  private static OptionalLong compactionTarget(Pipeline pipeline) {
    try {
      return MaintenancePolicy.of(pipeline.spec().maintenance()).compaction().targetFileSize();
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  PipelineHealth check(Pipeline pipeline) {
    return check(pipeline, renderer.settings(pipeline.name(), pipeline.spec()), Optional.empty());
  }

  /** The pipeline's health, with its lag when the pass read it already. */
  private PipelineHealth check(
      Pipeline pipeline, LoaderSettings settings, Optional<Long> knownLag) {
    Instant now = clock.instant();
    String name = pipeline.name();
    PipelineStatus status = pipelines.status(name).orElse(PipelineStatus.pending(name, now));
    HealthThresholds thresholds =
        HealthThresholds.of(pipeline.spec().health(), settings.job().flushInterval());

    Optional<CommitHistory> history = Optional.empty();
    Optional<String> historyProblem = Optional.empty();
    try {
      history = Optional.of(tables.commits(name, settings.table(), now.minus(thresholds.window())));
      OptionalLong compactionTarget = compactionTarget(pipeline);
      if (compactionTarget.isPresent()) {
        history = Optional.of(history.get().withTargetFileBytes(compactionTarget.getAsLong()));
      }
    } catch (RuntimeException e) {
      historyProblem = Optional.of(String.valueOf(e.getMessage()));
    }

    Optional<Long> lag = knownLag;
    if (lag.isEmpty()) {
      try {
        Properties client = new KafkaSecurityProperties(credentials).forClient(settings.source());
        List<String> topics =
            settings.source().topicPattern().isPresent()
                ? new ArrayList<>(
                    kafka
                        .partitionsMatching(client, settings.source().topicPattern().get())
                        .keySet())
                : settings.source().topics();
        lag = Optional.of(kafka.lag(client, settings.source().groupId(), topics));
      } catch (RuntimeException e) {
        LOG.debug("No lag for {}: {}", name, e.getMessage());
      }
    }
    List<HealthAssessor.LagSample> lagSamples =
        lag.map(records -> recordLag(name, now, records, thresholds.window())).orElse(List.of());

    Optional<RunObservation> run = Optional.empty();
    if (status.runId().isPresent()) {
      try {
        String target =
            pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().target();
        String runId = status.runId().get();
        run = recentRuns.recent(name, runId, properties.runRefreshInterval());
        if (run.isEmpty()) {
          run = runtimes.forTarget(target).observe(runId);
          run.ifPresent(observation -> recentRuns.record(name, observation));
        }
      } catch (RuntimeException e) {
        LOG.debug("No run observation for {}: {}", name, e.getMessage());
      }
    }
    long restartsInWindow =
        run.filter(r -> r.restarts().isPresent())
            .map(r -> restartsInWindow(name, r, now, thresholds.window()))
            .orElse(0L);

    // The reconciler restarts the loader itself, unless the pipeline says manual.
    Optional<String> restartNeeded =
        history
            .flatMap(h -> status.runId().flatMap(h::schemaDrift))
            .filter(drift -> "manual".equalsIgnoreCase(schemaChanges(pipeline)))
            .map(drift -> "restart needed: " + drift);

    PipelineHealth health =
        HealthAssessor.assess(
            new HealthAssessor.Inputs(
                name,
                pipeline.desiredState(),
                status,
                history,
                historyProblem,
                lag,
                lagSamples,
                run,
                restartsInWindow,
                restartNeeded,
                thresholds,
                now));
    PipelineHealth previous = latest.put(name, health);
    if (previous == null) {
      registerGauges(name);
    }
    if (previous != null && previous.status() != health.status()) {
      LOG.info("{} is {}: {}", name, health.status(), health.reasons());
    }
    return health;
  }

  private static String schemaChanges(Pipeline pipeline) {
    return pipeline.spec().table() == null ? null : pipeline.spec().table().schemaChanges();
  }

  /** Adds a lag reading and answers the readings of the window, oldest first. */
  private List<HealthAssessor.LagSample> recordLag(
      String name, Instant now, long records, Duration window) {
    Deque<HealthAssessor.LagSample> samples =
        lagHistory.computeIfAbsent(name, k -> new ArrayDeque<>());
    synchronized (samples) {
      if (samples.isEmpty() || !samples.peekLast().at().isAfter(now)) {
        samples.addLast(new HealthAssessor.LagSample(now, records));
      }
      while (!samples.isEmpty() && samples.peekFirst().at().isBefore(now.minus(window))) {
        samples.removeFirst();
      }
      return List.copyOf(samples);
    }
  }

  private long restartsInWindow(String name, RunObservation run, Instant now, Duration window) {
    Deque<Sample> samples = restartHistory.computeIfAbsent(name, k -> new ArrayDeque<>());
    synchronized (samples) {
      long restarts = run.restarts().orElseThrow();
      samples.addLast(new Sample(now, run.runId(), restarts));
      while (!samples.isEmpty()
          && (samples.peekFirst().at().isBefore(now.minus(window))
              || !samples.peekFirst().runId().equals(run.runId()))) {
        samples.removeFirst();
      }
      // A runtime may count fewer restarts later (Managed Flink's look-back): never below zero.
      return Math.max(0, restarts - samples.peekFirst().restarts());
    }
  }

  private void registerGauges(String name) {
    List<Meter> registered = new ArrayList<>();
    registered.add(
        gauge(
            name,
            "floe.pipeline.health",
            "0 healthy, 1 stopped, 2 degraded, 3 failing, -1 unknown",
            h -> h.status() == HealthStatus.UNKNOWN ? -1 : h.status().ordinal()));
    registered.add(
        gauge(
            name,
            "floe.pipeline.freshness.seconds",
            "Seconds since the pipeline's last commit",
            h -> value(h.commits().freshnessSeconds())));
    registered.add(
        gauge(
            name,
            "floe.pipeline.lag.records",
            "Messages waiting in Kafka",
            h -> value(h.lag().records())));
    registered.add(
        gauge(
            name,
            "floe.pipeline.lag.seconds",
            "Age of the newest committed row while messages wait",
            h -> value(h.lag().seconds())));
    registered.add(
        gauge(
            name,
            "floe.pipeline.records.per.minute",
            "Rows committed per minute",
            h -> value(h.commits().recordsPerMinute())));
    registered.add(
        gauge(
            name,
            "floe.pipeline.commits.per.minute",
            "Commits per minute",
            h ->
                h.commits().secondsBetweenCommits() == null
                    ? Double.NaN
                    : 60.0 / h.commits().secondsBetweenCommits()));
    registered.add(
        gauge(
            name,
            "floe.pipeline.dead.letters.per.minute",
            "Bad messages dead-lettered per minute",
            h -> value(h.commits().deadLetteredPerMinute())));
    registered.add(
        gauge(
            name,
            "floe.pipeline.restarts",
            "Restarts of the current run",
            h -> value(h.runtime().restarts())));
    registered.add(
        gauge(
            name,
            "floe.pipeline.failed.checkpoints",
            "Failed checkpoints of the current run",
            h -> value(h.runtime().failedCheckpoints())));
    gauges.put(name, registered);
  }

  private Meter gauge(
      String name, String metric, String description, ToDoubleFunction<PipelineHealth> value) {
    return Gauge.builder(
            metric,
            latest,
            map -> {
              PipelineHealth health = map.get(name);
              return health == null ? Double.NaN : value.applyAsDouble(health);
            })
        .description(description)
        .tags(Tags.of("pipeline", name))
        .register(meters);
  }

  private static double value(Number number) {
    return number == null ? Double.NaN : number.doubleValue();
  }

  @Override
  public void destroy() {
    executor.shutdownNow();
  }

  private void forget(String name) {
    latest.remove(name);
    recentRuns.forget(name);
    lagHistory.remove(name);
    restartHistory.remove(name);
    List<Meter> registered = gauges.remove(name);
    if (registered != null) {
      registered.forEach(meters::remove);
    }
  }
}
