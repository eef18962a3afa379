package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.artifact.Artifact;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import io.floe.loader.settings.PropertyGroups;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfo;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfoDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationRestoreConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationRestoreType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CodeValidationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConcurrentModificationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.FlinkRunConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.InvalidApplicationConfigurationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.InvalidRequestException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.KinesisAnalyticsV2Exception;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.LimitExceededException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.OperationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.RunConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.RunConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.Tag;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.TooManyTagsException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.UnsupportedOperationException;

/**
 * Runs each pipeline as an Amazon Managed Service for Apache Flink application named {@code
 * <prefix><pipeline>}, through kinesisanalyticsv2.
 *
 * <p>A run is one start of the application: its id (chosen by the caller) is recorded in the
 * application's tag {@code floe:run-id} before StartApplication, so a repeated submit recognises
 * it, and a run whose id is no longer the tag is gone. A submit creates the application (or updates
 * its code, property groups, parallelism and checkpointing while it is READY) and starts it. Stop
 * with savepoint is StopApplication without Force: the service takes a snapshot, whose name is the
 * "savepoint path" that the next start restores (RESTORE_FROM_CUSTOM_SNAPSHOT). Rescaling is an
 * UpdateApplication of the parallelism on the running application, which restores from the snapshot
 * the update takes. Every update carries the ConditionalToken of a fresh DescribeApplication and is
 * retried (re-read, recomputed, bounded, with backoff) on ConcurrentModificationException;
 * ResourceInUse waits for a steady state; validation errors are surfaced and never retried. Every
 * operation id is polled to its outcome, which becomes a pipeline event. Snapshots beyond the
 * newest {@code snapshots-to-keep} are deleted.
 *
 * <p>RUNNING is not proof of a healthy job: the observation of a running application carries its
 * restarts and failed checkpoints from Managed Flink's CloudWatch metrics ({@link JobMetrics}),
 * read at most once per {@code cloudwatch.refresh}, and a RUNNING application whose job is in an
 * outage ({@code downtime} above zero) is observed as RESTARTING. When CloudWatch cannot be read,
 * those figures are unknown and the state is the application's.
 */
public final class ManagedFlinkRuntime implements PipelineRuntime {
  /** The tag that names the run an application runs (or last ran). */
  public static final String RUN_TAG = "floe:run-id";

  /** The tag that names the pipeline of an application. */
  public static final String PIPELINE_TAG = "floe:pipeline";

  private static final Logger LOG = LoggerFactory.getLogger(ManagedFlinkRuntime.class);
  private static final int MAX_ATTEMPTS = 6;
  private static final Set<ApplicationStatus> STEADY =
      Set.of(ApplicationStatus.READY, ApplicationStatus.RUNNING);
  private static final Set<ApplicationStatus> ACTIVE =
      Set.of(
          ApplicationStatus.STARTING,
          ApplicationStatus.RUNNING,
          ApplicationStatus.UPDATING,
          ApplicationStatus.AUTOSCALING,
          ApplicationStatus.ROLLING_BACK,
          ApplicationStatus.MAINTENANCE);

  /** Where the runtime reports what happened to a pipeline's application. */
  @FunctionalInterface
  public interface ApplicationEvents {
    void record(String pipeline, String type, String message);
  }

  private final KinesisAnalyticsV2Client client;
  private final RuntimeProperties.ManagedFlink config;
  private final Function<Optional<String>, Optional<Artifact>> artifacts;
  private final ApplicationEvents events;
  private final ApplicationConfigurations configurations;
  private final Sleeper sleeper;
  private final Map<String, String> applicationsByRun = new ConcurrentHashMap<>();
  private final Map<String, String> runsByApplication = new ConcurrentHashMap<>();
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final Map<String, String> stopOperations = new ConcurrentHashMap<>();
  private final Map<String, String> lastFailures = new ConcurrentHashMap<>();
  private final ApplicationMetrics metrics;
  private final Clock clock;
  private final Map<String, MetricsRead> metricsReads = new ConcurrentHashMap<>();

  /** The latest metrics read of an application's run. */
  private record MetricsRead(String runId, Instant at, JobMetrics figures) {}

  /** Pauses between attempts; tests pass one that does not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration);
  }

  /** An operation whose outcome is still to be reported. */
  private record Tracked(String application, String pipeline, String operation, String id) {}

  /**
   * @param client the kinesisanalyticsv2 client
   * @param config the managed-flink configuration
   * @param artifacts the artifact a pin names, or the default artifact for an empty pin
   * @param events where operation outcomes and other happenings are reported
   */
  public ManagedFlinkRuntime(
      KinesisAnalyticsV2Client client,
      RuntimeProperties.ManagedFlink config,
      Function<Optional<String>, Optional<Artifact>> artifacts,
      ApplicationEvents events) {
    this(
        client,
        config,
        artifacts,
        events,
        ManagedFlinkRuntime::sleepQuietly,
        ApplicationMetrics.NONE,
        Clock.systemUTC());
  }

  public ManagedFlinkRuntime(
      KinesisAnalyticsV2Client client,
      RuntimeProperties.ManagedFlink config,
      Function<Optional<String>, Optional<Artifact>> artifacts,
      ApplicationEvents events,
      Sleeper sleeper) {
    this(client, config, artifacts, events, sleeper, ApplicationMetrics.NONE, Clock.systemUTC());
  }

  public ManagedFlinkRuntime(
      KinesisAnalyticsV2Client client,
      RuntimeProperties.ManagedFlink config,
      Function<Optional<String>, Optional<Artifact>> artifacts,
      ApplicationEvents events,
      Sleeper sleeper,
      ApplicationMetrics metrics,
      Clock clock) {
    this.client = requireNonNull(client, "client is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.config = requireNonNull(config, "config is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.events = requireNonNull(events, "events is null");
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
    this.configurations = new ApplicationConfigurations(config);
  }

  /** The application that runs a pipeline. */
  public String applicationName(String pipeline) {
    return config.applicationPrefix() + pipeline;
  }

  @Override
  public List<String> limits(Map<String, String> settings, int parallelism) {
    List<String> problems = new ArrayList<>();
    try {
      PropertyGroups.fromSettings(settings);
    } catch (PropertyGroups.PropertyGroupLimitException e) {
      for (String problem : e.problems()) {
        problems.add(
            problem.contains(": ")
                ? problem
                : "spec: " + problem + " (Managed Flink property groups)");
      }
    }
    if (parallelism > config.maxParallelism()) {
      problems.add(
          "job.parallelism: "
              + parallelism
              + " is above what the account's KPU limit allows ("
              + config.kpuLimit()
              + " KPUs x "
              + config.parallelismPerKpu()
              + " per KPU = "
              + config.maxParallelism()
              + ")");
    }
    String max = settings.get("job.max-parallelism");
    int maxParallelism =
        max == null ? ApplicationConfigurations.DEFAULT_MAX_PARALLELISM : Integer.parseInt(max);
    if (parallelism > maxParallelism) {
      problems.add(
          "job.parallelism: "
              + parallelism
              + " is above the job's max parallelism "
              + maxParallelism
              + (max == null ? " (Flink's default; set runtime.maxParallelism)" : ""));
    }
    return problems;
  }

  @Override
  public Optional<RunObservation> observe(String runId) {
    Optional<String> found = applicationOf(runId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String application = found.get();
    Optional<ApplicationDetail> detail = describeOptional(application);
    if (detail.isEmpty() || !runId.equals(runOf(detail.get()))) {
      return Optional.empty();
    }
    reportOutcomes(application);
    ApplicationDetail app = detail.get();
    RunState state = ApplicationStates.runState(app.applicationStatus());
    Optional<String> latestSnapshot = Optional.empty();
    if (state.isTerminal()) {
      latestSnapshot =
          newestSnapshot(application, Instant.EPOCH).map(SnapshotDetails::snapshotName);
    }
    Optional<String> failure =
        state == RunState.STOPPED || state == RunState.RESTARTING
            ? Optional.ofNullable(lastFailures.get(application))
            : Optional.empty();
    JobMetrics figures = state.isTerminal() ? JobMetrics.UNKNOWN : jobMetrics(application, runId);
    if (state == RunState.RUNNING && figures.inOutage()) {
      state = RunState.RESTARTING;
      failure =
          Optional.of(
              "the job has been failing or recovering for "
                  + figures.downtimeMillis().getAsLong() / 1000
                  + " s (CloudWatch downtime) while the application is RUNNING");
    }
    return Optional.of(
        new RunObservation(
            runId,
            state,
            app.applicationStatusAsString(),
            ApplicationConfigurations.currentParallelism(app),
            figures.restarts(),
            latestSnapshot,
            failure,
            0,
            figures.failedCheckpoints()));
  }

  /** One application per pipeline: its run is live unless the application is stopped. */
  @Override
  public List<String> liveRuns(String pipeline) {
    Optional<ApplicationDetail> detail = describeOptional(applicationName(pipeline));
    if (detail.isEmpty()
        || ApplicationStates.runState(detail.get().applicationStatus()).isTerminal()) {
      return List.of();
    }
    String run = runOf(detail.get());
    return List.of(run == null ? "untagged-" + detail.get().applicationName() : run);
  }

  /** StopApplication with Force: no snapshot is taken. */
  @Override
  public void cancel(String runId) {
    Optional<String> application = applicationOf(runId);
    if (application.isEmpty()) {
      return;
    }
    Optional<ApplicationDetail> detail = describeOptional(application.get());
    if (detail.isEmpty()
        || !runId.equals(runOf(detail.get()))
        || ApplicationStates.runState(detail.get().applicationStatus()).isTerminal()
        || detail.get().applicationStatus() == ApplicationStatus.FORCE_STOPPING) {
      return;
    }
    call(() -> client.stopApplication(r -> r.applicationName(application.get()).force(true)));
    LOG.info("Force-stopped {} (run {}): no snapshot", application.get(), runId);
  }

  /** The READY snapshots taken since the run's StartApplication, newest first. */
  @Override
  public List<String> retainedCheckpoints(String runId) {
    Optional<String> application = applicationOf(runId);
    if (application.isEmpty()) {
      return List.of();
    }
    Instant since = runStart(application.get()).orElse(Instant.EPOCH);
    return snapshots(application.get()).stream()
        .filter(s -> s.snapshotStatus() == SnapshotStatus.READY)
        .filter(
            s ->
                s.snapshotCreationTimestamp() != null
                    && !s.snapshotCreationTimestamp().isBefore(since))
        .sorted(Comparator.comparing(SnapshotDetails::snapshotCreationTimestamp).reversed())
        .map(SnapshotDetails::snapshotName)
        .toList();
  }

  /**
   * The run's figures from CloudWatch since the run's StartApplication (at most {@code
   * cloudwatch.lookback} back), read again once {@code cloudwatch.refresh} has passed; unknown when
   * CloudWatch cannot be read.
   */
  private JobMetrics jobMetrics(String application, String runId) {
    Instant now = clock.instant();
    MetricsRead last = metricsReads.get(application);
    if (last != null
        && last.runId().equals(runId)
        && now.isBefore(last.at().plus(config.cloudwatch().refresh()))) {
      return last.figures();
    }
    JobMetrics figures;
    try {
      Instant earliest = now.minus(config.cloudwatch().lookback());
      Instant started = runStart(application).filter(earliest::isBefore).orElse(earliest);
      Instant from = periodStart(started);
      Instant to = periodStart(now).plusSeconds(ApplicationMetrics.PERIOD_SECONDS);
      figures = JobMetrics.of(metrics.periodMaxima(application, JobMetrics.METRICS, from, to));
    } catch (MetricsUnavailableException
        | RuntimeUnavailableException
        | ResourceNotFoundException e) {
      LOG.debug("No CloudWatch figures for {}: {}", application, e.getMessage());
      figures = JobMetrics.UNKNOWN;
    }
    metricsReads.put(application, new MetricsRead(runId, now, figures));
    return figures;
  }

  private static Instant periodStart(Instant at) {
    long seconds = at.getEpochSecond();
    return Instant.ofEpochSecond(
        seconds - Math.floorMod(seconds, ApplicationMetrics.PERIOD_SECONDS));
  }

  /** When the application's latest StartApplication began: the start of the current run. */
  private Optional<Instant> runStart(String application) {
    Optional<Instant> latest = Optional.empty();
    String token = null;
    do {
      String next = token;
      var page =
          call(
              () ->
                  client.listApplicationOperations(
                      r ->
                          r.applicationName(application)
                              .operation("StartApplication")
                              .limit(50)
                              .nextToken(next)));
      for (ApplicationOperationInfo operation : page.applicationOperationInfoList()) {
        if (operation.startTime() != null
            && latest.map(operation.startTime()::isAfter).orElse(true)) {
          latest = Optional.of(operation.startTime());
        }
      }
      token = page.nextToken();
    } while (token != null);
    return latest;
  }

  @Override
  public void submit(RunSubmission submission) {
    requireNonNull(submission, "submission is null");
    String application = applicationName(submission.pipeline());
    Artifact artifact =
        artifacts
            .apply(submission.artifact())
            .orElseThrow(
                () ->
                    new RunRejectedException(
                        submission.artifact().isPresent()
                            ? "No loader artifact " + submission.artifact().get() + " is registered"
                            : "No loader artifact is registered: upload one (POST /artifacts) or"
                                + " set floe.runtime.loader-jar"));
    Map<String, Map<String, String>> groups;
    try {
      groups = PropertyGroups.fromSettings(submission.settings());
    } catch (PropertyGroups.PropertyGroupLimitException e) {
      throw new RunRejectedException(e.getMessage(), e);
    }
    ApplicationConfigurations.Desired desired =
        configurations.desired(artifact, groups, submission.settings(), submission.parallelism());
    Optional<ApplicationDetail> existing = describeOptional(application);
    if (existing.isEmpty()) {
      create(application, submission, desired);
      existing = describeOptional(application);
      if (existing.isEmpty()) {
        throw new RuntimeUnavailableException(
            "Application " + application + " was created but cannot be described yet");
      }
    }
    remember(submission.runId(), application);
    ApplicationDetail app = existing.get();
    String currentRun = runOf(app);
    if (submission.runId().equals(currentRun) && ACTIVE.contains(app.applicationStatus())) {
      return;
    }
    app = awaitSteady(application, app);
    if (app.applicationStatus() == ApplicationStatus.RUNNING) {
      throw new RunRejectedException(
          "Application "
              + application
              + " is RUNNING run "
              + currentRun
              + ", not "
              + submission.runId()
              + ": stop it first");
    }
    boolean restoring = submission.restorePath().isPresent();
    boolean graphMayDiffer = configurations.graphMayDiffer(app, desired);
    boolean allowNonRestoredState = graphMayDiffer;
    if (configurations.needsUpdate(app, desired)) {
      update(
          application,
          submission.pipeline(),
          current -> configurations.update(current, desired),
          Optional.of(runConfigurationUpdate(allowNonRestoredState, Optional.empty())),
          "loader " + artifact.id() + ", parallelism " + submission.parallelism());
      app = awaitSteady(application, describe(application));
    }
    tag(app, submission.runId());
    ApplicationRestoreConfiguration restore =
        restore(application, submission.pipeline(), submission.restorePath());
    if (restoring
        && restore.applicationRestoreType()
            != ApplicationRestoreType.RESTORE_FROM_CUSTOM_SNAPSHOT) {
      allowNonRestoredState = false;
    }
    pruneSnapshots(application, submission.pipeline(), Optional.ofNullable(restore.snapshotName()));
    RunConfiguration run =
        RunConfiguration.builder()
            .applicationRestoreConfiguration(restore)
            .flinkRunConfiguration(
                FlinkRunConfiguration.builder()
                    .allowNonRestoredState(allowNonRestoredState)
                    .build())
            .build();
    try {
      String operationId =
          call(() ->
                  client.startApplication(
                      r -> r.applicationName(application).runConfiguration(run)))
              .operationId();
      track(application, submission.pipeline(), "StartApplication", operationId);
      events.record(
          submission.pipeline(),
          "APPLICATION_STARTING",
          "StartApplication of "
              + application
              + " (operation "
              + operationId
              + ", run "
              + submission.runId()
              + ", "
              + describeRestore(restore)
              + (allowNonRestoredState ? ", allowing non-restored state" : "")
              + ")");
    } catch (ResourceInUseException e) {
      ApplicationDetail now = describe(application);
      if (submission.runId().equals(runOf(now)) && ACTIVE.contains(now.applicationStatus())) {
        return;
      }
      throw new RuntimeUnavailableException(
          "Application " + application + " is " + now.applicationStatusAsString() + "; retrying",
          e);
    }
  }

  @Override
  public void stopWithSavepoint(String runId, String triggerId) {
    Optional<String> found = applicationOf(runId);
    if (found.isEmpty()) {
      return;
    }
    String application = found.get();
    Optional<ApplicationDetail> detail = describeOptional(application);
    if (detail.isEmpty() || !runId.equals(runOf(detail.get()))) {
      return;
    }
    ApplicationDetail app = detail.get();
    ApplicationStatus status = app.applicationStatus();
    if (status == ApplicationStatus.STOPPING
        || status == ApplicationStatus.FORCE_STOPPING
        || status == ApplicationStatus.READY
        || stopOperations.containsKey(triggerId)) {
      return;
    }
    app = awaitSteady(application, app);
    if (app.applicationStatus() != ApplicationStatus.RUNNING) {
      return;
    }
    String pipeline = pipelineOf(app);
    for (int attempt = 1; ; attempt++) {
      try {
        // Never Force: the service takes the snapshot that the next start restores.
        String operationId =
            call(() -> client.stopApplication(r -> r.applicationName(application).force(false)))
                .operationId();
        stopOperations.put(triggerId, operationId);
        track(application, pipeline, "StopApplication", operationId);
        events.record(
            pipeline,
            "APPLICATION_STOPPING",
            "StopApplication of " + application + " without Force (operation " + operationId + ")");
        return;
      } catch (ConcurrentModificationException | ResourceInUseException e) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new RuntimeUnavailableException(
              "Cannot stop " + application + " yet: " + e.getMessage(), e);
        }
        backoff(attempt);
        ApplicationDetail now = awaitSteady(application, describe(application));
        if (now.applicationStatus() != ApplicationStatus.RUNNING) {
          return;
        }
      }
    }
  }

  @Override
  public SavepointOutcome savepoint(String runId, String triggerId) {
    Optional<String> found = applicationOf(runId);
    if (found.isEmpty()) {
      return SavepointOutcome.failed("The runtime knows no run " + runId + " any more");
    }
    String application = found.get();
    Optional<ApplicationDetail> detail = describeOptional(application);
    if (detail.isEmpty()) {
      return SavepointOutcome.failed("Application " + application + " does not exist any more");
    }
    reportOutcomes(application);
    Optional<String> operationId =
        Optional.ofNullable(stopOperations.get(triggerId)).or(() -> latestStop(application));
    if (operationId.isEmpty()) {
      return SavepointOutcome.failed(
          "Application "
              + application
              + " has no StopApplication operation for stop "
              + triggerId
              + "; it is "
              + detail.get().applicationStatusAsString());
    }
    ApplicationOperationInfoDetails operation = operation(application, operationId.get());
    switch (operation.operationStatus()) {
      case IN_PROGRESS:
        return SavepointOutcome.pending();
      case SUCCESSFUL:
        Optional<SnapshotDetails> snapshot = newestSnapshot(application, operation.startTime());
        if (snapshot.isEmpty()) {
          return SavepointOutcome.failed(
              "Application " + application + " stopped without taking a snapshot");
        }
        pruneSnapshots(
            application, pipelineOf(detail.get()), Optional.of(snapshot.get().snapshotName()));
        return SavepointOutcome.completed(snapshot.get().snapshotName());
      default:
        return SavepointOutcome.failed(
            "StopApplication of "
                + application
                + " "
                + operation.operationStatusAsString()
                + ApplicationStates.failureText(operation).map(text -> ": " + text).orElse(""));
    }
  }

  @Override
  public boolean rescaleInPlace(String runId, int parallelism) {
    if (parallelism > config.maxParallelism()) {
      throw new RunRejectedException(
          "Parallelism " + parallelism + " is above the KPU limit's " + config.maxParallelism());
    }
    String application =
        applicationOf(runId)
            .orElseThrow(
                () -> new RunRejectedException("Cannot rescale run " + runId + ": unknown"));
    ApplicationDetail app =
        describeOptional(application)
            .filter(detail -> runId.equals(runOf(detail)))
            .orElseThrow(
                () -> new RunRejectedException("Cannot rescale run " + runId + ": it is gone"));
    app = awaitSteady(application, app);
    if (app.applicationStatus() != ApplicationStatus.RUNNING) {
      throw new RunRejectedException(
          "Cannot rescale " + application + ": it is " + app.applicationStatusAsString());
    }
    // The running application snapshots, restarts with the new parallelism and restores the
    // snapshot it took: RESTORE_FROM_LATEST_SNAPSHOT, sent explicitly, as AllowNonRestoredState is.
    update(
        application,
        pipelineOf(app),
        current -> configurations.parallelismUpdate(parallelism),
        Optional.of(
            runConfigurationUpdate(
                false,
                Optional.of(
                    ApplicationRestoreConfiguration.builder()
                        .applicationRestoreType(ApplicationRestoreType.RESTORE_FROM_LATEST_SNAPSHOT)
                        .build()))),
        "parallelism " + parallelism);
    return true;
  }

  @Override
  public boolean remove(String pipeline) {
    String application = applicationName(pipeline);
    metricsReads.remove(application);
    Optional<ApplicationDetail> detail = describeOptional(application);
    if (detail.isEmpty()) {
      return true;
    }
    ApplicationDetail app = detail.get();
    if (app.applicationStatus() == ApplicationStatus.DELETING) {
      return false;
    }
    app = awaitSteady(application, app);
    if (app.applicationStatus() != ApplicationStatus.READY) {
      // Stopped first (the caller's stop phase); anything else is waited out, never forced.
      return false;
    }
    Instant created = app.createTimestamp();
    try {
      call(
          () ->
              client.deleteApplication(
                  r -> r.applicationName(application).createTimestamp(created)));
    } catch (ResourceNotFoundException e) {
      return true;
    } catch (ResourceInUseException | ConcurrentModificationException e) {
      return false;
    }
    runsByApplication.remove(application);
    applicationsByRun.values().removeIf(application::equals);
    events.record(
        pipeline,
        "APPLICATION_DELETED",
        "DeleteApplication of " + application + " (created " + created + "); the table is kept");
    return describeOptional(application).isEmpty();
  }

  // ---- calls -----------------------------------------------------------------------------------

  private void create(
      String application, RunSubmission submission, ApplicationConfigurations.Desired desired) {
    try {
      call(
          () ->
              client.createApplication(
                  configurations.create(
                      application,
                      List.of(
                          Tag.builder().key(PIPELINE_TAG).value(submission.pipeline()).build(),
                          Tag.builder().key(RUN_TAG).value(submission.runId()).build()),
                      desired)));
      events.record(
          submission.pipeline(),
          "APPLICATION_CREATED",
          "Created application "
              + application
              + " (runtime FLINK-1_20, loader "
              + desired.artifact().id()
              + ", parallelism "
              + desired.parallelism()
              + ")");
    } catch (ResourceInUseException e) {
      // CreateApplication has no idempotency token: an earlier attempt (whose answer was lost)
      // created it. Reconcile with what exists instead of failing.
      LOG.info("{} exists already (an earlier CreateApplication): reconciling", application);
      events.record(
          submission.pipeline(),
          "APPLICATION_EXISTS",
          "CreateApplication met an existing " + application + "; reconciling it");
    }
  }

  /**
   * One UpdateApplication with the ConditionalToken of a fresh DescribeApplication, the update
   * computed from that description: re-read, recomputed and retried on
   * ConcurrentModificationException (bounded, with backoff); ResourceInUse waits for a steady
   * state. The operation is tracked to its outcome.
   */
  private void update(
      String application,
      String pipeline,
      Function<
              ApplicationDetail,
              software.amazon.awssdk.services.kinesisanalyticsv2.model
                  .ApplicationConfigurationUpdate>
          change,
      Optional<RunConfigurationUpdate> run,
      String what) {
    for (int attempt = 1; ; attempt++) {
      ApplicationDetail current = awaitSteady(application, describe(application));
      try {
        var response =
            call(
                () ->
                    client.updateApplication(
                        r -> {
                          r.applicationName(application)
                              .conditionalToken(current.conditionalToken())
                              .applicationConfigurationUpdate(change.apply(current));
                          run.ifPresent(r::runConfigurationUpdate);
                        }));
        track(application, pipeline, "UpdateApplication", response.operationId());
        events.record(
            pipeline,
            "APPLICATION_UPDATING",
            "UpdateApplication of "
                + application
                + " to version "
                + response.applicationDetail().applicationVersionId()
                + " ("
                + what
                + ", operation "
                + response.operationId()
                + ")");
        return;
      } catch (ConcurrentModificationException | ResourceInUseException e) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new RuntimeUnavailableException(
              "UpdateApplication of "
                  + application
                  + " still conflicts after "
                  + attempt
                  + " attempts: "
                  + e.getMessage(),
              e);
        }
        LOG.info(
            "UpdateApplication of {} met {} (attempt {}): re-reading and retrying",
            application,
            e.getClass().getSimpleName(),
            attempt);
        backoff(attempt);
      }
    }
  }

  private RunConfigurationUpdate runConfigurationUpdate(
      boolean allowNonRestoredState, Optional<ApplicationRestoreConfiguration> restore) {
    RunConfigurationUpdate.Builder builder =
        RunConfigurationUpdate.builder()
            .flinkRunConfiguration(
                FlinkRunConfiguration.builder()
                    .allowNonRestoredState(allowNonRestoredState)
                    .build());
    restore.ifPresent(builder::applicationRestoreConfiguration);
    return builder.build();
  }

  /**
   * The restore of a start: the named snapshot (the stop's), else the latest one; never
   * SKIP_RESTORE unless the caller asked for no restore point while snapshots exist (the source
   * changed since they were taken).
   */
  private ApplicationRestoreConfiguration restore(
      String application, String pipeline, Optional<String> restorePath) {
    List<SnapshotDetails> snapshots = snapshots(application);
    if (restorePath.isPresent()) {
      String name = restorePath.get();
      boolean exists =
          snapshots.stream()
              .anyMatch(
                  s -> s.snapshotName().equals(name) && s.snapshotStatus() == SnapshotStatus.READY);
      if (exists) {
        return ApplicationRestoreConfiguration.builder()
            .applicationRestoreType(ApplicationRestoreType.RESTORE_FROM_CUSTOM_SNAPSHOT)
            .snapshotName(name)
            .build();
      }
      events.record(
          pipeline,
          "RESTORE_POINT_MISSING",
          "Snapshot "
              + name
              + " of "
              + application
              + " does not exist: restoring the latest snapshot instead");
      return ApplicationRestoreConfiguration.builder()
          .applicationRestoreType(ApplicationRestoreType.RESTORE_FROM_LATEST_SNAPSHOT)
          .build();
    }
    boolean any = snapshots.stream().anyMatch(s -> s.snapshotStatus() == SnapshotStatus.READY);
    return ApplicationRestoreConfiguration.builder()
        .applicationRestoreType(
            any
                ? ApplicationRestoreType.SKIP_RESTORE_FROM_SNAPSHOT
                : ApplicationRestoreType.RESTORE_FROM_LATEST_SNAPSHOT)
        .build();
  }

  private static String describeRestore(ApplicationRestoreConfiguration restore) {
    switch (restore.applicationRestoreType()) {
      case RESTORE_FROM_CUSTOM_SNAPSHOT:
        return "restoring snapshot " + restore.snapshotName();
      case SKIP_RESTORE_FROM_SNAPSHOT:
        return "without restoring a snapshot (the source changed)";
      default:
        return "restoring the latest snapshot, if any";
    }
  }

  private void tag(ApplicationDetail app, String runId) {
    if (runId.equals(runOf(app))) {
      return;
    }
    call(
        () ->
            client.tagResource(
                r ->
                    r.resourceARN(app.applicationARN())
                        .tags(Tag.builder().key(RUN_TAG).value(runId).build())));
    runsByApplication.put(app.applicationName(), runId);
  }

  /** Deletes the snapshots beyond the newest N (never the one to restore). */
  private void pruneSnapshots(String application, String pipeline, Optional<String> keep) {
    List<SnapshotDetails> ready =
        snapshots(application).stream()
            .filter(s -> s.snapshotStatus() != SnapshotStatus.CREATING)
            .sorted(Comparator.comparing(SnapshotDetails::snapshotCreationTimestamp).reversed())
            .toList();
    List<String> deleted = new ArrayList<>();
    for (int i = config.snapshotsToKeep(); i < ready.size(); i++) {
      SnapshotDetails old = ready.get(i);
      if (keep.filter(old.snapshotName()::equals).isPresent()) {
        continue;
      }
      try {
        call(
            () ->
                client.deleteApplicationSnapshot(
                    r ->
                        r.applicationName(application)
                            .snapshotName(old.snapshotName())
                            .snapshotCreationTimestamp(old.snapshotCreationTimestamp())));
        deleted.add(old.snapshotName());
      } catch (ResourceNotFoundException e) {
        // deleted meanwhile
      } catch (ResourceInUseException | ConcurrentModificationException | RunRejectedException e) {
        LOG.info(
            "Cannot delete snapshot {} of {} now: {}",
            old.snapshotName(),
            application,
            e.getMessage());
      }
    }
    if (!deleted.isEmpty()) {
      events.record(
          pipeline,
          "SNAPSHOTS_DELETED",
          "Deleted "
              + deleted.size()
              + " snapshot(s) of "
              + application
              + " beyond the newest "
              + config.snapshotsToKeep()
              + ": "
              + deleted);
    }
  }

  private List<SnapshotDetails> snapshots(String application) {
    List<SnapshotDetails> all = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          call(
              () ->
                  client.listApplicationSnapshots(
                      r -> r.applicationName(application).limit(50).nextToken(next)));
      all.addAll(page.snapshotSummaries());
      token = page.nextToken();
    } while (token != null);
    return all;
  }

  /** The newest READY snapshot created at or after {@code since}. */
  private Optional<SnapshotDetails> newestSnapshot(String application, Instant since) {
    return snapshots(application).stream()
        .filter(s -> s.snapshotStatus() == SnapshotStatus.READY)
        .filter(
            s ->
                s.snapshotCreationTimestamp() != null
                    && !s.snapshotCreationTimestamp().isBefore(since))
        .max(Comparator.comparing(SnapshotDetails::snapshotCreationTimestamp));
  }

  private Optional<String> latestStop(String application) {
    return call(
            () ->
                client.listApplicationOperations(
                    r -> r.applicationName(application).operation("StopApplication").limit(50)))
        .applicationOperationInfoList()
        .stream()
        .max(Comparator.comparing(ApplicationOperationInfo::startTime))
        .map(ApplicationOperationInfo::operationId);
  }

  private ApplicationOperationInfoDetails operation(String application, String operationId) {
    return call(() ->
            client.describeApplicationOperation(
                r -> r.applicationName(application).operationId(operationId)))
        .applicationOperationInfoDetails();
  }

  private void track(String application, String pipeline, String operation, String id) {
    if (id != null) {
      tracked.put(id, new Tracked(application, pipeline, operation, id));
    }
  }

  /**
   * Polls the application's tracked operations (and, the first time after a restart of the control
   * plane, those in progress) and reports each finished one as a pipeline event.
   */
  private void reportOutcomes(String application) {
    for (Tracked operation : List.copyOf(tracked.values())) {
      if (!operation.application().equals(application)) {
        continue;
      }
      ApplicationOperationInfoDetails details;
      try {
        details = operation(application, operation.id());
      } catch (ResourceNotFoundException e) {
        tracked.remove(operation.id());
        continue;
      }
      if (details.operationStatus() == OperationStatus.IN_PROGRESS) {
        continue;
      }
      tracked.remove(operation.id());
      Optional<String> failure = ApplicationStates.failureText(details);
      String rollback =
          details.operationFailureDetails() != null
                  && details.operationFailureDetails().rollbackOperationId() != null
              ? "; rolled back by operation "
                  + details.operationFailureDetails().rollbackOperationId()
              : "";
      if (!rollback.isEmpty()) {
        track(
            application,
            operation.pipeline(),
            "RollbackApplication",
            details.operationFailureDetails().rollbackOperationId());
      }
      if (details.operationStatus() == OperationStatus.SUCCESSFUL) {
        lastFailures.remove(application);
      } else {
        lastFailures.put(
            application,
            operation.operation()
                + " "
                + details.operationStatusAsString()
                + failure.map(f -> ": " + f).orElse(""));
      }
      String version =
          details.applicationVersionChangeDetails() == null
              ? ""
              : " (version "
                  + details.applicationVersionChangeDetails().applicationVersionUpdatedFrom()
                  + " -> "
                  + details.applicationVersionChangeDetails().applicationVersionUpdatedTo()
                  + ")";
      events.record(
          operation.pipeline(),
          details.operationStatus() == OperationStatus.SUCCESSFUL
              ? "APPLICATION_OPERATION_SUCCEEDED"
              : "APPLICATION_OPERATION_FAILED",
          operation.operation()
              + " "
              + operation.id()
              + " of "
              + application
              + " "
              + details.operationStatusAsString()
              + version
              + failure.map(f -> ": " + f).orElse("")
              + rollback);
    }
  }

  /** Waits (bounded) until the application is READY or RUNNING; AUTOSCALING included. */
  private ApplicationDetail awaitSteady(String application, ApplicationDetail detail) {
    ApplicationDetail current = detail;
    long deadline = System.nanoTime() + config.steadyStateTimeout().toNanos();
    Duration pause = Duration.ofMillis(100);
    while (!STEADY.contains(current.applicationStatus())) {
      if (System.nanoTime() > deadline) {
        throw new RuntimeUnavailableException(
            "Application "
                + application
                + " is "
                + current.applicationStatusAsString()
                + "; waiting for a steady state");
      }
      sleeper.sleep(pause);
      pause =
          pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
              ? Duration.ofSeconds(2)
              : pause.multipliedBy(2);
      current = describe(application);
    }
    return current;
  }

  private ApplicationDetail describe(String application) {
    return describeOptional(application)
        .orElseThrow(
            () ->
                new RuntimeUnavailableException("Application " + application + " does not exist"));
  }

  private Optional<ApplicationDetail> describeOptional(String application) {
    try {
      return Optional.of(
          call(() -> client.describeApplication(r -> r.applicationName(application)))
              .applicationDetail());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The run the application runs (or last ran), from its tag. */
  private String runOf(ApplicationDetail app) {
    String known = runsByApplication.get(app.applicationName());
    if (known != null) {
      return known;
    }
    Map<String, String> tags = tags(app.applicationARN());
    String run = tags.get(RUN_TAG);
    if (run != null) {
      runsByApplication.put(app.applicationName(), run);
      applicationsByRun.put(run, app.applicationName());
    }
    return run;
  }

  private String pipelineOf(ApplicationDetail app) {
    return tags(app.applicationARN())
        .getOrDefault(
            PIPELINE_TAG, app.applicationName().substring(config.applicationPrefix().length()));
  }

  private Map<String, String> tags(String arn) {
    Map<String, String> tags = new TreeMap<>();
    call(() -> client.listTagsForResource(r -> r.resourceARN(arn)))
        .tags()
        .forEach(tag -> tags.put(tag.key(), tag.value()));
    return tags;
  }

  private void remember(String runId, String application) {
    applicationsByRun.put(runId, application);
  }

  /**
   * The application a run id belongs to: known from a submit, else found by scanning the
   * applications with this control plane's prefix for the run tag (after a restart).
   */
  private Optional<String> applicationOf(String runId) {
    String known = applicationsByRun.get(runId);
    if (known != null) {
      return Optional.of(known);
    }
    String token = null;
    do {
      String next = token;
      var page = call(() -> client.listApplications(r -> r.limit(50).nextToken(next)));
      for (var summary : page.applicationSummaries()) {
        if (!summary.applicationName().startsWith(config.applicationPrefix())
            || runsByApplication.containsKey(summary.applicationName())) {
          continue;
        }
        String run = tags(summary.applicationARN()).get(RUN_TAG);
        if (run != null) {
          runsByApplication.put(summary.applicationName(), run);
          applicationsByRun.put(run, summary.applicationName());
        }
      }
      token = page.nextToken();
    } while (token != null);
    return Optional.ofNullable(applicationsByRun.get(runId));
  }

  /**
   * Makes a call: validation errors become RunRejectedException (surfaced, never retried); failures
   * to reach the service RuntimeUnavailableException; concurrency and state errors pass to the
   * caller, which retries.
   */
  private <T> T call(Supplier<T> request) {
    try {
      return request.get();
    } catch (ConcurrentModificationException
        | ResourceInUseException
        | ResourceNotFoundException e) {
      throw e;
    } catch (InvalidArgumentException
        | InvalidApplicationConfigurationException
        | InvalidRequestException
        | CodeValidationException
        | LimitExceededException
        | TooManyTagsException
        | UnsupportedOperationException e) {
      throw new RunRejectedException(
          "Managed Flink refused the request: " + e.awsErrorDetails().errorMessage(), e);
    } catch (KinesisAnalyticsV2Exception e) {
      throw new RuntimeUnavailableException("Managed Flink failed: " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new RuntimeUnavailableException("Managed Flink is not reachable: " + e.getMessage(), e);
    }
  }

  private void backoff(int attempt) {
    long millis = Math.min(2_000, 100L << Math.min(attempt, 5));
    sleeper.sleep(Duration.ofMillis(millis / 2 + (long) (Math.random() * millis / 2)));
  }

  static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("Interrupted while waiting for Managed Flink", e);
    }
  }
}
