package io.floe.control.runtime.flink;

import io.floe.control.runtime.SavepointOutcome;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Flink session cluster in memory, for unit tests of {@link FlinkClusterRuntime}'s decisions: the
 * test sets what the cluster reports (jobs, failures, checkpoints, savepoints, JARs) and reads back
 * the calls the runtime made (uploads, runs, stops, cancels, rescales).
 */
final class FakeFlink implements FlinkJobs, FlinkCluster {
  private final Map<String, JobDetails> jobs = new LinkedHashMap<>();
  private final Map<String, Long> modified = new HashMap<>();
  private long changes;
  private final Map<String, JobExceptions> exceptions = new HashMap<>();
  private final Map<String, CheckpointStatistics> checkpoints = new HashMap<>();
  private final Map<String, SavepointOutcome> savepoints = new HashMap<>();
  private final Map<String, Map<String, String>> jobMetrics = new HashMap<>();
  private final Map<String, Map<String, ParallelismBounds>> requirements = new HashMap<>();
  private final Map<String, String> configuration = new LinkedHashMap<>();
  private final List<JarFile> jars = new ArrayList<>();
  private final Deque<RuntimeException> runFailures = new ArrayDeque<>();
  private RuntimeException requirementsFailure;
  private RuntimeException listingFailure;
  private boolean listsModificationTimes = true;

  /** The job reads the runtime made, as {@code details|exceptions|checkpoints <job id>}. */
  final List<String> reads = new ArrayList<>();

  final List<String> uploads = new ArrayList<>();
  final List<JarRun> runs = new ArrayList<>();
  final List<String> runJarIds = new ArrayList<>();
  final List<String> stops = new ArrayList<>();
  final List<String> cancels = new ArrayList<>();
  final Map<String, Map<String, ParallelismBounds>> rescales = new LinkedHashMap<>();

  /** The cluster knows this job (replacing what it knew of it). */
  FakeFlink job(JobDetails job) {
    jobs.put(job.jobId(), job);
    modified.put(job.jobId(), ++changes);
    return this;
  }

  FakeFlink exceptions(String jobId, JobExceptions history) {
    exceptions.put(jobId, history);
    return this;
  }

  FakeFlink checkpoints(String jobId, CheckpointStatistics statistics) {
    checkpoints.put(jobId, statistics);
    return this;
  }

  FakeFlink savepoint(String jobId, String triggerId, SavepointOutcome outcome) {
    savepoints.put(jobId + "/" + triggerId, outcome);
    return this;
  }

  FakeFlink jobMetric(String jobId, String name, String value) {
    jobMetrics.computeIfAbsent(jobId, id -> new HashMap<>()).put(name, value);
    return this;
  }

  FakeFlink requirements(String jobId, Map<String, ParallelismBounds> bounds) {
    requirements.put(jobId, new LinkedHashMap<>(bounds));
    return this;
  }

  FakeFlink configuration(String key, String value) {
    configuration.put(key, value);
    return this;
  }

  FakeFlink jar(JarFile jar) {
    jars.add(jar);
    return this;
  }

  /** The cluster lost its uploaded JARs (a restart with a fresh upload folder). */
  FakeFlink loseJars() {
    jars.clear();
    return this;
  }

  /** The next run request fails so (the ones after it succeed). */
  FakeFlink failNextRun(RuntimeException failure) {
    runFailures.add(failure);
    return this;
  }

  /** The job listing lacks {@code last-modification}, as an older Flink's might. */
  FakeFlink withoutModificationTimes() {
    listsModificationTimes = false;
    return this;
  }

  /** Every listing of the jobs fails so. */
  FakeFlink failListing(RuntimeException failure) {
    listingFailure = failure;
    return this;
  }

  /** Every read or change of resource requirements fails so. */
  FakeFlink failRequirements(RuntimeException failure) {
    requirementsFailure = failure;
    return this;
  }

  @Override
  public Map<String, String> clusterConfiguration() {
    return Map.copyOf(configuration);
  }

  @Override
  public List<JarFile> listJars() {
    return List.copyOf(jars);
  }

  @Override
  public String uploadJar(Path jar, String fileName) {
    uploads.add(fileName);
    String id = "upload" + uploads.size() + "_" + fileName;
    jars.add(new JarFile(id, fileName, uploads.size()));
    return id;
  }

  @Override
  public String runJar(String jarId, JarRun run) {
    runJarIds.add(jarId);
    if (!runFailures.isEmpty()) {
      throw runFailures.poll();
    }
    runs.add(run);
    jobs.put(
        run.jobId(),
        new JobDetails(run.jobId(), "floe-fake", "RUNNING", List.of(), Map.of("RUNNING", 1)));
    modified.put(run.jobId(), ++changes);
    return run.jobId();
  }

  @Override
  public List<JobSummary> jobs() {
    if (listingFailure != null) {
      throw listingFailure;
    }
    return jobs.values().stream()
        .map(
            job ->
                new JobSummary(
                    job.jobId(),
                    job.name(),
                    job.state(),
                    listsModificationTimes ? modified.get(job.jobId()) : 0,
                    job.vertices().stream().mapToInt(JobDetails.Vertex::parallelism).sum()))
        .toList();
  }

  @Override
  public Optional<JobDetails> jobDetails(String jobId) {
    reads.add("details " + jobId);
    return Optional.ofNullable(jobs.get(jobId));
  }

  @Override
  public Optional<JobExceptions> jobExceptions(String jobId) {
    reads.add("exceptions " + jobId);
    return jobs.containsKey(jobId)
        ? Optional.of(exceptions.getOrDefault(jobId, new JobExceptions(Optional.empty(), 0, false)))
        : Optional.empty();
  }

  @Override
  public Optional<CheckpointStatistics> checkpointStatistics(String jobId) {
    reads.add("checkpoints " + jobId);
    return Optional.ofNullable(checkpoints.get(jobId));
  }

  @Override
  public void stopWithSavepoint(String jobId, String triggerId) {
    stops.add(jobId + "/" + triggerId);
  }

  @Override
  public Optional<SavepointOutcome> savepointStatus(String jobId, String triggerId) {
    return Optional.ofNullable(savepoints.get(jobId + "/" + triggerId));
  }

  @Override
  public void cancel(String jobId) {
    if (!jobs.containsKey(jobId)) {
      throw new FlinkRejectedException("PATCH /jobs/" + jobId, 404, FlinkErrors.of("Not found"));
    }
    cancels.add(jobId);
  }

  @Override
  public Map<String, ParallelismBounds> resourceRequirements(String jobId) {
    if (requirementsFailure != null) {
      throw requirementsFailure;
    }
    return Map.copyOf(requirements.getOrDefault(jobId, Map.of()));
  }

  @Override
  public void updateResourceRequirements(String jobId, Map<String, ParallelismBounds> bounds) {
    if (requirementsFailure != null) {
      throw requirementsFailure;
    }
    rescales.put(jobId, Map.copyOf(bounds));
  }

  @Override
  public Map<String, String> jobMetrics(String jobId, Collection<String> names) {
    Map<String, String> known = jobMetrics.getOrDefault(jobId, Map.of());
    Map<String, String> values = new LinkedHashMap<>();
    names.stream().filter(known::containsKey).forEach(name -> values.put(name, known.get(name)));
    return values;
  }
}
