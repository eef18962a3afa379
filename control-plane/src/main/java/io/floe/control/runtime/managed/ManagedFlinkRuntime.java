package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Artifact;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import io.floe.loader.settings.JobSettings;
import io.floe.loader.settings.PropertyGroups;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <p>An application found READY (or ROLLED_BACK) is observed FAILED, so that the reconciler
 * recovers it, unless Floe stopped it itself: every StopApplication Floe makes is recorded in the
 * application's tag {@code floe:stop-operation}, which survives a restart of the control plane. A
 * run resumes only from a snapshot at least as new as what its pipeline committed ({@link
 * RestorePoints}), judged against the table's commits; a named snapshot that is gone is never
 * replaced by another: the start restores nothing and the loader continues after its table's
 * offsets.
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

  /**
   * The tag that names the latest StopApplication operation Floe made ({@code force:<id>} when with
   * Force): a READY application whose last operation is that one was stopped by Floe.
   */
  public static final String STOP_TAG = "floe:stop-operation";

  private static final String FORCED = "force:";

  /** The run id {@link #liveRuns} gives an application of the pipeline that names no run. */
  static final String UNTAGGED = "untagged-";

  private static final Logger LOG = LoggerFactory.getLogger(ManagedFlinkRuntime.class);
  private static final int MAX_ATTEMPTS = 6;
  private static final Set<ApplicationStatus> STEADY =
      Set.of(ApplicationStatus.READY, ApplicationStatus.RUNNING, ApplicationStatus.ROLLED_BACK);

  /** The statuses in which StopApplication accepts Force (documented). */
  private static final Set<ApplicationStatus> FORCE_STOPPABLE =
      Set.of(
          ApplicationStatus.STARTING,
          ApplicationStatus.UPDATING,
          ApplicationStatus.STOPPING,
          ApplicationStatus.AUTOSCALING,
          ApplicationStatus.RUNNING);

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

  /** When a pipeline last committed to its table: what a restore point must be newer than. */
  @FunctionalInterface
  public interface PipelineCommits {
    /**
     * The time of the pipeline's newest commit in the table its loader settings name; empty when it
     * has none.
     */
    Optional<Instant> newestCommit(String pipeline, Map<String, String> settings);
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
  private final PipelineCommits commits;
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
   * @param sleeper pauses between attempts
   * @param metrics the applications' CloudWatch figures
   * @param commits when a pipeline last committed, to judge restore points against
   * @param clock the time of metrics reads
   */
  public ManagedFlinkRuntime(
      KinesisAnalyticsV2Client client,
      RuntimeProperties.ManagedFlink config,
      Function<Optional<String>, Optional<Artifact>> artifacts,
      ApplicationEvents events,
      Sleeper sleeper,
      ApplicationMetrics metrics,
      PipelineCommits commits,
      Clock clock) {
    this.client = requireNonNull(client, "client is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.commits = requireNonNull(commits, "commits is null");
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
    String max = settings.get(JobSettings.MAX_PARALLELISM.key());
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
    Optional<String> failure =
        state == RunState.RESTARTING
            ? Optional.ofNullable(lastFailures.get(application))
            : Optional.empty();
    if (ApplicationStates.stopped(app.applicationStatus())) {
      Optional<String> outside = stoppedOutsideFloe(app);
      state = outside.isPresent() ? RunState.FAILED : RunState.STOPPED;
      failure = outside;
    }
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
            // A run's restore points need the table (retainedCheckpoints): none reported here.
            Optional.empty(),
            failure,
            0,
            figures.failedCheckpoints()));
  }

  /**
   * One application per pipeline: its run is live unless the application is stopped (READY or
   * ROLLED_BACK); an application in transition is live. An application of the pipeline that names
   * no run (created outside Floe, or before runs were tagged) is live as {@code
   * untagged-<application>}, which {@link #cancel} understands.
   */
  @Override
  public List<String> liveRuns(String pipeline) {
    Optional<ApplicationDetail> detail = describeOptional(applicationName(pipeline));
    if (detail.isEmpty() || ApplicationStates.stopped(detail.get().applicationStatus())) {
      return List.of();
    }
    String run = runOf(detail.get());
    return List.of(run == null ? UNTAGGED + detail.get().applicationName() : run);
  }

  /**
   * StopApplication with Force (no snapshot), recorded in the stop tag. Nothing to do when the
   * application is stopped, stopping with Force or being deleted, or runs another run; an
   * application in a status that Force does not accept (ROLLING_BACK, MAINTENANCE) is waited for:
   * the call fails as unavailable and the caller comes back.
   */
  @Override
  public void cancel(String runId) {
    boolean untagged = runId.startsWith(UNTAGGED);
    Optional<String> application =
        untagged ? Optional.of(runId.substring(UNTAGGED.length())) : applicationOf(runId);
    if (application.isEmpty()) {
      return;
    }
    Optional<ApplicationDetail> detail = describeOptional(application.get());
    if (detail.isEmpty()) {
      return;
    }
    ApplicationDetail app = detail.get();
    String current = runOf(app);
    if (untagged ? current != null : !runId.equals(current)) {
      return;
    }
    ApplicationStatus status = app.applicationStatus();
    if (ApplicationStates.stopped(status)
        || status == ApplicationStatus.FORCE_STOPPING
        || status == ApplicationStatus.DELETING) {
      return;
    }
    if (!FORCE_STOPPABLE.contains(status)) {
      throw new RuntimeUnavailableException(
          "Cannot force-stop "
              + application.get()
              + " (run "
              + runId
              + ") while it is "
              + app.applicationStatusAsString()
              + ": StopApplication accepts Force only in "
              + FORCE_STOPPABLE.stream().map(Enum::name).sorted().toList()
              + "; retrying");
    }
    String operationId;
    try {
      operationId =
          call(() -> client.stopApplication(r -> r.applicationName(application.get()).force(true)))
              .operationId();
    } catch (ResourceInUseException e) {
      throw new RuntimeUnavailableException(
          "Cannot force-stop " + application.get() + " yet: " + e.getMessage(), e);
    }
    tagStop(app, FORCED + operationId);
    track(application.get(), pipelineOf(app), "ForceStopApplication", operationId);
    LOG.info("Force-stopped {} (run {}): no snapshot", application.get(), runId);
  }

  /**
   * The run's snapshots that may restore it ({@link RestorePoints}), newest first: READY, taken
   * since the run's StartApplication, and at least as new as what the pipeline committed. None when
   * the application runs another run now.
   */
  @Override
  public List<String> retainedCheckpoints(String runId) {
    return runsApplication(runId)
        .map(app -> candidates(app).points().stream().map(SnapshotDetails::snapshotName).toList())
        .orElse(List.of());
  }

  /**
   * The newest of {@link #retainedCheckpoints}, else the snapshot the run started from while the
   * pipeline committed nothing since the run's StartApplication (a run without snapshots of its own
   * may still have committed for days), else nothing, with an event that says what was refused and
   * why.
   */
  @Override
  public Optional<String> resumePoint(String runId, Optional<String> startedFrom) {
    Optional<ApplicationDetail> found = runsApplication(runId);
    if (found.isEmpty()) {
      // The application is gone (its snapshots with it) or runs another run.
      return Optional.empty();
    }
    ApplicationDetail app = found.get();
    Candidates candidates = candidates(app);
    if (!candidates.points().isEmpty()) {
      return Optional.of(candidates.points().get(0).snapshotName());
    }
    Optional<SnapshotDetails> start =
        startedFrom.flatMap(
            name ->
                candidates.snapshots().stream()
                    .filter(s -> s.snapshotName().equals(name))
                    .filter(s -> s.snapshotStatus() == SnapshotStatus.READY)
                    .findFirst());
    Optional<Instant> newestCommit =
        start.isPresent() && candidates.sinceRunStart().isEmpty()
            ? newestCommit(app)
            : candidates.newestCommit();
    if (start.isPresent() && RestorePoints.startPointHolds(candidates.runStart(), newestCommit)) {
      return startedFrom;
    }
    List<String> refused = new ArrayList<>();
    if (!candidates.sinceRunStart().isEmpty()) {
      refused.add(
          "its snapshots "
              + candidates.sinceRunStart().stream().map(SnapshotDetails::snapshotName).toList()
              + " are older than the pipeline's newest commit"
              + newestCommit.map(at -> " (" + at + ")").orElse(""));
    } else {
      refused.add("it took no snapshot (a forced stop or a failure takes none)");
    }
    startedFrom.ifPresent(
        name ->
            refused.add(
                start.isEmpty()
                    ? "the snapshot it started from, " + name + ", no longer exists"
                    : "it committed since it started from " + name));
    events.record(
        pipelineOf(app),
        "NO_RESTORE_POINT",
        "No snapshot of "
            + app.applicationName()
            + " is at least as new as what run "
            + runId
            + " committed: "
            + String.join("; ", refused)
            + ". The loader continues after the offsets its table recorded.");
    return Optional.empty();
  }

  /** What a run's restore points are chosen from. */
  private record Candidates(
      List<SnapshotDetails> snapshots,
      Optional<Instant> runStart,
      List<SnapshotDetails> sinceRunStart,
      Optional<Instant> newestCommit,
      List<SnapshotDetails> points) {}

  /**
   * The application's snapshots and the run's qualifying ones; the table is read only when a
   * snapshot was taken since the run started ({@code newestCommit} is empty otherwise).
   */
  private Candidates candidates(ApplicationDetail app) {
    String application = app.applicationName();
    List<SnapshotDetails> snapshots = snapshots(application);
    Optional<Instant> runStart = runStart(application);
    List<SnapshotDetails> since =
        runStart.map(at -> RestorePoints.sinceRunStart(snapshots, at)).orElse(List.of());
    if (since.isEmpty()) {
      return new Candidates(snapshots, runStart, since, Optional.empty(), List.of());
    }
    Optional<Instant> newestCommit = newestCommit(app);
    Optional<RestorePoints.Ending> ending =
        ApplicationStates.stopped(app.applicationStatus())
            ? lastFinishedOperation(application)
                .filter(o -> o.startTime() != null && o.endTime() != null)
                .map(
                    o ->
                        new RestorePoints.Ending(
                            o.operation(), o.operationId(), o.startTime(), o.endTime()))
            : Optional.empty();
    return new Candidates(
        snapshots,
        runStart,
        since,
        newestCommit,
        RestorePoints.ofRun(snapshots, runStart, ending, newestCommit));
  }

  /** The application, while it runs (or last ran) this run. */
  private Optional<ApplicationDetail> runsApplication(String runId) {
    return applicationOf(runId)
        .flatMap(this::describeOptional)
        .filter(app -> runId.equals(runOf(app)));
  }

  /**
   * When the application's pipeline last committed to the table its property groups name;
   * unavailable (the caller retries) when the table cannot be read: a restore point is never chosen
   * without knowing.
   */
  private Optional<Instant> newestCommit(ApplicationDetail app) {
    String pipeline = pipelineOf(app);
    try {
      return commits.newestCommit(
          pipeline, PropertyGroups.toSettings(ApplicationConfigurations.currentGroups(app)));
    } catch (RuntimeUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RuntimeUnavailableException(
          "Cannot read the commits of "
              + pipeline
              + " in the table "
              + app.applicationName()
              + " writes, to judge its snapshots as restore points: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Why a stopped (READY or ROLLED_BACK) application is not running, when Floe did not stop it (a
   * stop outside Floe, a failed start or update, a rollback); empty when its last operation is a
   * stop Floe made without Force (the stop tag).
   */
  private Optional<String> stoppedOutsideFloe(ApplicationDetail app) {
    String application = app.applicationName();
    Optional<ApplicationOperationInfo> last = lastFinishedOperation(application);
    String floeStop = tags(app.applicationARN()).get(STOP_TAG);
    if (last.isPresent() && floeStop != null) {
      if (app.applicationStatus() == ApplicationStatus.READY
          && floeStop.equals(last.get().operationId())) {
        return Optional.empty();
      }
      if (floeStop.equals(FORCED + last.get().operationId())) {
        return Optional.of(
            "Floe force-stopped "
                + application
                + " without a snapshot ("
                + describe(application, last.get())
                + ")");
      }
    }
    String status = app.applicationStatusAsString();
    if (last.isPresent()
        && last.get().operation() != null
        && last.get().operation().contains("Stop")) {
      return Optional.of(
          application
              + " is "
              + status
              + ": stopped outside Floe's operations ("
              + describe(application, last.get())
              + ")");
    }
    return Optional.of(
        application
            + " is "
            + status
            + last.map(o -> " after " + describe(application, o)).orElse(": Floe did not stop it"));
  }

  /** An operation as a pipeline event or failure names it, with its error if it failed. */
  private String describe(String application, ApplicationOperationInfo operation) {
    String text =
        operation.operation()
            + " "
            + operation.operationId()
            + " "
            + operation.operationStatusAsString()
            + (operation.endTime() == null ? "" : " at " + operation.endTime());
    if (operation.operationStatus() == OperationStatus.FAILED) {
      return text
          + ApplicationStates.failureText(operation(application, operation.operationId()))
              .map(f -> ": " + f)
              .orElse("");
    }
    return text;
  }

  /** The newest operation of the application that has finished: what left it as it is. */
  private Optional<ApplicationOperationInfo> lastFinishedOperation(String application) {
    return operations(application, Optional.empty()).stream()
        .filter(o -> o.operationStatus() != OperationStatus.IN_PROGRESS && o.startTime() != null)
        .max(Comparator.comparing(ApplicationOperationInfo::startTime));
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
    return operations(application, Optional.of("StartApplication")).stream()
        .map(ApplicationOperationInfo::startTime)
        .filter(Objects::nonNull)
        .max(Comparator.naturalOrder());
  }

  /**
   * The application's operations (of one kind, if given), every page: the service documents no
   * order for ListApplicationOperations.
   */
  private List<ApplicationOperationInfo> operations(String application, Optional<String> kind) {
    List<ApplicationOperationInfo> all = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          call(
              () ->
                  client.listApplicationOperations(
                      r -> {
                        r.applicationName(application).limit(50).nextToken(next);
                        kind.ifPresent(r::operation);
                      }));
      all.addAll(page.applicationOperationInfoList());
      token = page.nextToken();
    } while (token != null);
    return all;
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
    } catch (ResourceNotFoundException e) {
      // The snapshot to restore was deleted between the check and the start: the next attempt
      // sees it missing.
      throw new RuntimeUnavailableException(
          "StartApplication of "
              + application
              + " met a missing resource; retrying: "
              + e.getMessage(),
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
        tagStop(app, operationId);
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
        Optional.ofNullable(stopOperations.get(triggerId))
            .or(() -> latestStop(application, runStart(application).orElse(Instant.EPOCH)));
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
        if (!operationId.get().equals(tags(detail.get().applicationARN()).get(STOP_TAG))) {
          // Tagged when the stop was made, unless that call failed after the stop.
          tagStop(detail.get(), operationId.get());
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
    if (!ApplicationStates.stopped(app.applicationStatus())) {
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
   * The restore of a start: the named snapshot; without one, nothing (SKIP_RESTORE_FROM_SNAPSHOT
   * while the application has snapshots, which RESTORE_FROM_LATEST_SNAPSHOT would restore). A named
   * snapshot that is gone is never replaced by another (the latest may be older than what the
   * pipeline committed, or from before a change of its source): the start restores nothing, with an
   * event, and the loader continues after the offsets its table recorded.
   */
  private ApplicationRestoreConfiguration restore(
      String application, String pipeline, Optional<String> restorePath) {
    List<SnapshotDetails> snapshots = snapshots(application);
    if (restorePath.isPresent()) {
      String name = restorePath.get();
      Optional<SnapshotDetails> named =
          snapshots.stream().filter(s -> s.snapshotName().equals(name)).findFirst();
      if (named.isPresent() && named.get().snapshotStatus() == SnapshotStatus.READY) {
        return ApplicationRestoreConfiguration.builder()
            .applicationRestoreType(ApplicationRestoreType.RESTORE_FROM_CUSTOM_SNAPSHOT)
            .snapshotName(name)
            .build();
      }
      if (named.isPresent() && named.get().snapshotStatus() == SnapshotStatus.CREATING) {
        throw new RuntimeUnavailableException(
            "Snapshot " + name + " of " + application + " is still being created; retrying");
      }
      events.record(
          pipeline,
          "RESTORE_POINT_MISSING",
          "Snapshot "
              + name
              + " of "
              + application
              + (named.isPresent()
                  ? " is " + named.get().snapshotStatusAsString()
                  : " does not exist (deleted outside Floe?)")
              + ": starting without a snapshot, never another one in its place; the loader"
              + " continues after the offsets its table recorded");
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
        return "without restoring a snapshot: the loader continues after its table's offsets";
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

  /** Records a StopApplication of Floe's own on the application (see {@link #STOP_TAG}). */
  private void tagStop(ApplicationDetail app, String value) {
    call(
        () ->
            client.tagResource(
                r ->
                    r.resourceARN(app.applicationARN())
                        .tags(Tag.builder().key(STOP_TAG).value(value).build())));
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

  /**
   * The newest StopApplication that began at or after {@code since} (the run's start): a stop of an
   * earlier run is not this run's savepoint.
   */
  private Optional<String> latestStop(String application, Instant since) {
    return operations(application, Optional.of("StopApplication")).stream()
        .filter(o -> o.startTime() != null && !o.startTime().isBefore(since))
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

  /**
   * Waits (bounded) until the application is READY, RUNNING or ROLLED_BACK; AUTOSCALING included.
   */
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

  public static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("Interrupted while waiting for Managed Flink", e);
    }
  }
}
