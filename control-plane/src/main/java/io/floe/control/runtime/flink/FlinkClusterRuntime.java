package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs loaders on a Flink 1.20 session cluster through its REST API: the loader JAR is uploaded
 * once per content, each run is a job whose id is the caller's run id, stops take savepoints under
 * caller-chosen trigger ids, and rescaling goes through the adaptive scheduler's resource
 * requirements.
 */
public final class FlinkClusterRuntime implements PipelineRuntime {
  /** The loader's main class. */
  public static final String ENTRY_CLASS = "io.floe.loader.LoaderJob";

  /** The loader names its job after the pipeline: {@code floe-<pipeline>}. */
  static final String JOB_NAME_PREFIX = "floe-";

  /** How a savepoint outcome that Flink no longer remembers is reported. */
  public static final String RESULT_NO_LONGER_KNOWN = "savepoint result no longer known";

  private static final String STOP_SAVEPOINT_TYPE = "SYNC_SAVEPOINT";
  private static final String RESTARTS_METRIC = "numRestarts";

  /**
   * How long a job must have been listed unchanged before a full look at it can stand for later
   * ones: Flink's REST API serves a job's details and exceptions from a cache refreshed every
   * {@code web.refresh-interval} (3 s by default), so a look right after a change may read the job
   * as it was before.
   */
  static final Duration SETTLED = Duration.ofSeconds(10);

  private final FlinkJobs jobs;
  private final FlinkCluster cluster;
  private final Path loaderJarPath;
  private final Object jarLock = new Object();
  private LoaderJar loaderJar; // guarded by jarLock
  private String uploadedJarId; // guarded by jarLock
  private final Clock clock;
  private final AtomicLong listings = new AtomicLong();
  private volatile Listing latestListing = new Listing(0, Map.of());
  private final Map<String, LastLook> lastLooks = new ConcurrentHashMap<>();

  /** A {@code GET /jobs/overview}: its number among this runtime's listings, and its jobs by id. */
  private record Listing(long number, Map<String, Listed> jobs) {}

  /** A job as listed, and since when the listings show it unchanged. */
  private record Listed(JobSummary job, Instant since) {}

  /**
   * The last look at a run.
   *
   * @param listingNumber the listing it followed
   * @param listed the job as listed before the run's last full look
   * @param observation what the look saw
   * @param settled whether the last full look came {@link #SETTLED} after the job's last change
   */
  private record LastLook(
      long listingNumber, JobSummary listed, RunObservation observation, boolean settled) {}

  /**
   * @param restUrl the cluster's REST API, e.g. http://localhost:8081
   * @param loaderJar the loader JAR on this machine
   * @param httpTimeout how long one REST call may take; a submit's call runs the loader's main(),
   *     which reaches Kafka and the catalog, and the JAR upload carries the whole JAR
   */
  public FlinkClusterRuntime(URI restUrl, Path loaderJar, Duration httpTimeout) {
    this(new FlinkRestClient(restUrl, httpTimeout), loaderJar);
  }

  private FlinkClusterRuntime(FlinkRestClient client, Path loaderJar) {
    this(client, client, loaderJar);
  }

  /**
   * @param jobs the calls on the cluster's jobs
   * @param cluster the calls on the cluster's JARs and configuration
   * @param loaderJar the loader JAR on this machine
   */
  public FlinkClusterRuntime(FlinkJobs jobs, FlinkCluster cluster, Path loaderJar) {
    this(jobs, cluster, loaderJar, Clock.systemUTC());
  }

  FlinkClusterRuntime(FlinkJobs jobs, FlinkCluster cluster, Path loaderJar, Clock clock) {
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.cluster = requireNonNull(cluster, "cluster is null");
    this.loaderJarPath = requireNonNull(loaderJar, "loaderJar is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  @Override
  public Optional<RunObservation> observe(String runId) {
    FlinkIds.require(runId, "runId");
    Listing listing = latestListing;
    Optional<RunObservation> unchanged = unchangedSinceLastLook(runId, listing);
    if (unchanged.isPresent()) {
      return unchanged;
    }
    Instant start = clock.instant();
    Optional<RunObservation> observed = observeFully(runId);
    Listed listed = listing.jobs().get(runId);
    if (observed.isPresent() && listed != null) {
      boolean settled = !start.isBefore(listed.since().plus(SETTLED));
      lastLooks.put(runId, new LastLook(listing.number(), listed.job(), observed.get(), settled));
    } else {
      lastLooks.remove(runId);
    }
    return observed;
  }

  /**
   * The run's last full observation with fresh checkpoint counts, one request, when a listing taken
   * since the last look shows the job unchanged since the listing before that full observation
   * ({@link JobSummary#unchangedSince}), and that observation was settled: its state, parallelism,
   * restarts and failure still hold. Empty when a full observation is needed.
   */
  private Optional<RunObservation> unchangedSinceLastLook(String runId, Listing listing) {
    LastLook last = lastLooks.get(runId);
    Listed listed = listing.jobs().get(runId);
    if (last == null
        || !last.settled()
        || listed == null
        || listing.number() <= last.listingNumber()
        || !listed.job().unchangedSince(last.listed())
        || !listed.job().state().equals(last.observation().runtimeState())) {
      return Optional.empty();
    }
    Optional<CheckpointStatistics> checkpoints = jobs.checkpointStatistics(runId);
    if (checkpoints.isEmpty()) {
      return Optional.empty();
    }
    RunObservation before = last.observation();
    RunObservation now =
        new RunObservation(
            runId,
            before.state(),
            before.runtimeState(),
            before.parallelism(),
            before.restarts(),
            latestCheckpoint(checkpoints),
            before.failure(),
            checkpoints.get().completed(),
            OptionalLong.of(checkpoints.get().failedStarted()));
    lastLooks.put(runId, new LastLook(listing.number(), last.listed(), now, true));
    return Optional.of(now);
  }

  /** {@code GET /jobs/:id}, its exceptions and its checkpoints. */
  private Optional<RunObservation> observeFully(String runId) {
    Optional<JobDetails> found = jobs.jobDetails(runId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    JobDetails job = found.get();
    RunState state = state(job);
    JobExceptions exceptions =
        jobs.jobExceptions(runId).orElse(new JobExceptions(Optional.empty(), 0, false));
    Optional<CheckpointStatistics> checkpoints = jobs.checkpointStatistics(runId);
    Optional<String> failure =
        state == RunState.RESTARTING || state == RunState.FAILED
            ? exceptions.latestFailure()
            : Optional.empty();
    return Optional.of(
        new RunObservation(
            runId,
            state,
            job.state(),
            parallelism(job),
            OptionalLong.of(restarts(runId, state, exceptions)),
            latestCheckpoint(checkpoints),
            failure,
            checkpoints.map(CheckpointStatistics::completed).orElse(0L),
            OptionalLong.of(checkpoints.map(CheckpointStatistics::failedStarted).orElse(0L))));
  }

  private static Optional<String> latestCheckpoint(Optional<CheckpointStatistics> checkpoints) {
    return checkpoints
        .flatMap(CheckpointStatistics::latestCompleted)
        .filter(checkpoint -> !checkpoint.discarded())
        .map(CheckpointStatistics.Checkpoint::externalPath);
  }

  /**
   * One {@code GET /jobs/overview} for every job of the cluster. It is also kept, so that a steady
   * run's next look can tell from it that the job did not change ({@link #observe}).
   */
  @Override
  public Optional<Map<String, String>> runStates() {
    List<JobSummary> listed;
    try {
      listed = jobs.jobs();
    } catch (RuntimeException e) {
      latestListing = new Listing(listings.incrementAndGet(), Map.of());
      throw e;
    }
    Instant now = clock.instant();
    Map<String, Listed> before = latestListing.jobs();
    Map<String, Listed> byId = new HashMap<>();
    Map<String, String> states = new HashMap<>();
    for (JobSummary job : listed) {
      Listed earlier = before.get(job.jobId());
      byId.put(
          job.jobId(),
          earlier != null && job.unchangedSince(earlier.job())
              ? new Listed(job, earlier.since())
              : new Listed(job, now));
      states.put(job.jobId(), job.state());
    }
    latestListing = new Listing(listings.incrementAndGet(), Map.copyOf(byId));
    lastLooks.keySet().retainAll(byId.keySet());
    return Optional.of(states);
  }

  @Override
  public void submit(RunSubmission submission) {
    requireNonNull(submission, "submission is null");
    String runId = FlinkIds.require(submission.runId(), "runId");
    if (jobs.jobDetails(runId).isPresent()) {
      return;
    }
    JarRun run =
        new JarRun(
            ENTRY_CLASS,
            programArguments(submission.settings()),
            submission.parallelism(),
            runId,
            submission.restorePath(),
            false);
    for (int attempt = 1; ; attempt++) {
      String jarId = loaderJarId();
      try {
        cluster.runJar(jarId, run);
        return;
      } catch (FlinkRejectedException | FlinkUnavailableException e) {
        FlinkErrors errors = errors(e);
        if (errors.contains("DuplicateJobSubmissionException")) {
          return;
        }
        if (attempt == 1 && errors.contains("Jar file") && errors.contains("does not exist")) {
          forgetUploadedJar(jarId);
          continue;
        }
        Optional<String> loaderFailure = errors.programFailure();
        if (loaderFailure.isPresent()) {
          throw new RunRejectedException(loaderFailure.get(), e);
        }
        throw e;
      }
    }
  }

  @Override
  public void stopWithSavepoint(String runId, String triggerId) {
    FlinkIds.require(runId, "runId");
    lastLooks.remove(runId); // the next look observes what this changed
    FlinkIds.require(triggerId, "triggerId");
    Optional<JobDetails> job = jobs.jobDetails(runId);
    if (job.isEmpty() || state(job.get()).isTerminal()) {
      // Nothing to stop; savepoint() reports what became of it. Triggering again after Flink
      // forgot the trigger would only start an operation that fails.
      return;
    }
    jobs.stopWithSavepoint(runId, triggerId);
  }

  @Override
  public SavepointOutcome savepoint(String runId, String triggerId) {
    FlinkIds.require(runId, "runId");
    FlinkIds.require(triggerId, "triggerId");
    Optional<SavepointOutcome> outcome = jobs.savepointStatus(runId, triggerId);
    if (outcome.isPresent()) {
      return outcome.get();
    }
    Optional<JobDetails> job = jobs.jobDetails(runId);
    if (job.isEmpty()) {
      return SavepointOutcome.failed(
          RESULT_NO_LONGER_KNOWN + ": the cluster knows no run " + runId + " any more");
    }
    RunState state = state(job.get());
    if (state == RunState.STOPPING) {
      return SavepointOutcome.pending();
    }
    if (job.get().state().equals("FINISHED")) {
      // A streaming loader finishes only through a stop with savepoint: that savepoint is the one.
      Optional<CheckpointStatistics.Checkpoint> stopSavepoint =
          jobs.checkpointStatistics(runId)
              .flatMap(CheckpointStatistics::latestSavepoint)
              .filter(savepoint -> savepoint.type().equals(STOP_SAVEPOINT_TYPE))
              .filter(savepoint -> !savepoint.discarded());
      if (stopSavepoint.isPresent()) {
        return SavepointOutcome.completed(stopSavepoint.get().externalPath());
      }
    }
    if (state.isTerminal()) {
      return SavepointOutcome.failed(
          RESULT_NO_LONGER_KNOWN + ": run " + runId + " is " + job.get().state());
    }
    return SavepointOutcome.failed(
        "The cluster knows no stop-with-savepoint "
            + triggerId
            + " of run "
            + runId
            + ", which is "
            + job.get().state()
            + ": it was never triggered or the cluster lost it");
  }

  /** The loader names its job {@code floe-<pipeline>}: runs of the pipeline are found by it. */
  @Override
  public List<String> liveRuns(String pipeline) {
    String name = JOB_NAME_PREFIX + requireNonNull(pipeline, "pipeline is null");
    List<String> live = new ArrayList<>();
    for (JobSummary job : jobs.jobs()) {
      if (job.name().equals(name) && !job.ended()) {
        live.add(job.jobId());
      }
    }
    return live;
  }

  @Override
  public void cancel(String runId) {
    FlinkIds.require(runId, "runId");
    lastLooks.remove(runId); // the next look observes what this changed
    Optional<JobDetails> job = jobs.jobDetails(runId);
    if (job.isEmpty() || state(job.get()).isTerminal() || job.get().state().equals("CANCELLING")) {
      return;
    }
    try {
      jobs.cancel(runId);
    } catch (FlinkRejectedException e) {
      if (e.status() != 404) {
        throw e;
      }
    }
  }

  /**
   * The run's complete checkpoints under the cluster's checkpoint directory ({@code <dir>/<run
   * id>/chk-<n>/_metadata}), newest first, read from the file system when the directory is local
   * (as on the local runtime, or a shared mount); else the latest one the cluster reports, while it
   * still knows the run.
   */
  @Override
  public List<String> retainedCheckpoints(String runId) {
    FlinkIds.require(runId, "runId");
    Optional<Path> directory = localCheckpointDirectory().map(dir -> dir.resolve(runId));
    if (directory.isPresent()) {
      return RetainedCheckpoints.in(directory.get());
    }
    return jobs.checkpointStatistics(runId)
        .flatMap(CheckpointStatistics::latestCompleted)
        .filter(checkpoint -> !checkpoint.discarded())
        .map(checkpoint -> List.of(checkpoint.externalPath()))
        .orElse(List.of());
  }

  private Optional<Path> localCheckpointDirectory() {
    Map<String, String> configuration = cluster.clusterConfiguration();
    String directory =
        configuration.getOrDefault(
            "execution.checkpointing.dir", configuration.get("state.checkpoints.dir"));
    if (directory == null || !directory.startsWith("file:")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(URI.create(directory)));
  }

  @Override
  public boolean rescaleInPlace(String runId, int parallelism) {
    FlinkIds.require(runId, "runId");
    lastLooks.remove(runId); // the next look observes what this changed
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
    JobDetails job =
        jobs.jobDetails(runId)
            .orElseThrow(
                () ->
                    new RunRejectedException(
                        "Cannot rescale run " + runId + ": the cluster knows no such run"));
    if (state(job).isTerminal()) {
      throw new RunRejectedException("Cannot rescale run " + runId + ": it is " + job.state());
    }
    Map<String, ParallelismBounds> current;
    try {
      current = jobs.resourceRequirements(runId);
    } catch (FlinkRejectedException | FlinkUnavailableException e) {
      if (cannotRescaleInPlace(e)) {
        return false;
      }
      throw e;
    }
    Map<String, Integer> maxParallelism = new HashMap<>();
    job.vertices().forEach(vertex -> maxParallelism.put(vertex.id(), vertex.maxParallelism()));
    Map<String, ParallelismBounds> wanted = new LinkedHashMap<>();
    for (String vertexId : current.keySet()) {
      int max = maxParallelism.getOrDefault(vertexId, parallelism);
      int upper = max > 0 ? Math.min(parallelism, max) : parallelism;
      wanted.put(vertexId, new ParallelismBounds(1, upper));
    }
    try {
      jobs.updateResourceRequirements(runId, wanted);
    } catch (FlinkRejectedException | FlinkUnavailableException e) {
      if (cannotRescaleInPlace(e)) {
        return false;
      }
      throw e;
    }
    return true;
  }

  /** The loader's arguments: {@code --key value} for every setting, by key. */
  static List<String> programArguments(Map<String, String> settings) {
    List<String> args = new ArrayList<>();
    new TreeMap<>(settings)
        .forEach(
            (key, value) -> {
              args.add("--" + key);
              args.add(value);
            });
    return args;
  }

  /** Floe's state of a Flink job. */
  static RunState state(JobDetails job) {
    switch (job.state()) {
      case "INITIALIZING":
      case "CREATED":
      case "RECONCILING":
        return RunState.STARTING;
      case "RUNNING":
        return job.allTasksRunning() ? RunState.RUNNING : RunState.STARTING;
      case "RESTARTING":
      case "FAILING":
        return RunState.RESTARTING;
      case "CANCELLING":
      case "SUSPENDED":
        return RunState.STOPPING;
      case "FINISHED":
      case "CANCELED":
        return RunState.STOPPED;
      case "FAILED":
        return RunState.FAILED;
      default:
        throw new RuntimeUnavailableException(
            "Flink reports job " + job.jobId() + " in state " + job.state() + ", unknown to Floe");
    }
  }

  /**
   * The loader's parallelism: the largest among its vertices that can scale (the committer runs
   * with max parallelism 1).
   */
  static int parallelism(JobDetails job) {
    return job.vertices().stream()
        .filter(vertex -> vertex.maxParallelism() != 1)
        .mapToInt(JobDetails.Vertex::parallelism)
        .max()
        .orElse(job.vertices().stream().mapToInt(JobDetails.Vertex::parallelism).max().orElse(0));
  }

  /**
   * Restarts after failures: the exception history has one entry per failure (a FAILED job's last
   * one restarted nothing). The job metric numRestarts also counts the adaptive scheduler's
   * rescales, so it is only the fallback once the history dropped entries.
   */
  private long restarts(String runId, RunState state, JobExceptions exceptions) {
    long restarts = Math.max(0, exceptions.failures() - (state == RunState.FAILED ? 1 : 0));
    if (exceptions.truncated()) {
      String metric = jobs.jobMetrics(runId, List.of(RESTARTS_METRIC)).get(RESTARTS_METRIC);
      if (metric != null && metric.matches("\\d+")) {
        restarts = Math.max(restarts, Long.parseLong(metric));
      }
    }
    return restarts;
  }

  /** The id of the loader JAR on the cluster: uploaded now, or found from an earlier upload. */
  private String loaderJarId() {
    synchronized (jarLock) {
      try {
        if (loaderJar == null || !loaderJar.isUnchanged()) {
          loaderJar = LoaderJar.read(loaderJarPath);
          uploadedJarId = null;
        }
      } catch (UncheckedIOException e) {
        throw new RuntimeUnavailableException(e.getMessage(), e);
      }
      if (uploadedJarId == null) {
        String name = loaderJar.uploadName();
        uploadedJarId =
            cluster.listJars().stream()
                .filter(jar -> jar.name().equals(name))
                .max(Comparator.comparingLong(JarFile::uploaded))
                .map(JarFile::id)
                .orElseGet(() -> cluster.uploadJar(loaderJarPath, name));
      }
      return uploadedJarId;
    }
  }

  private void forgetUploadedJar(String jarId) {
    synchronized (jarLock) {
      if (jarId.equals(uploadedJarId)) {
        uploadedJarId = null;
      }
    }
  }

  /** The scheduler cannot change parallelism in place (not the adaptive one), or Flink is older. */
  private static boolean cannotRescaleInPlace(RuntimeException e) {
    FlinkErrors errors = errors(e);
    return errors.contains("UnsupportedOperationException")
        || errors.contains("does not support")
        || (e instanceof FlinkRejectedException rejected && rejected.status() == 404);
  }

  private static FlinkErrors errors(RuntimeException e) {
    if (e instanceof FlinkRejectedException rejected) {
      return rejected.errors();
    }
    if (e instanceof FlinkUnavailableException unavailable) {
      return unavailable.errors();
    }
    return new FlinkErrors(List.of());
  }
}
