package io.floe.loader.testing;

import io.floe.loader.LoaderJob;
import io.floe.loader.credentials.CredentialsResolver;
import io.floe.loader.credentials.KafkaSecurityProperties;
import io.floe.loader.settings.LoaderSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster that runs the loader the way a real cluster would (job graph built by
 * LoaderJob, checkpoints on disk), and lets tests kill its TaskManager, cancel, and restore.
 */
public final class LoaderCluster implements AutoCloseable {
  private final MiniCluster cluster;
  private final Path checkpoints;
  private final Path savepoints;
  private volatile CredentialsResolver credentials = new CredentialsResolver();
  private int liveTaskManager;

  public LoaderCluster(Path dir, int slots) throws Exception {
    this.checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
    this.savepoints = Files.createDirectories(dir.resolve("savepoints"));
    Configuration config = new Configuration();
    config.setString("state.checkpoints.dir", checkpoints.toUri().toString());
    config.setString("state.savepoints.dir", savepoints.toUri().toString());
    config.setString("taskmanager.memory.task.heap.size", "768m");
    config.setString("taskmanager.memory.managed.size", "64m");
    config.setString("heartbeat.timeout", "10000");
    config.setString("heartbeat.interval", "2000");
    this.cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
    cluster.start();
  }

  /** Where the loader's Kafka credentials are read from when a job is built. */
  public void credentials(CredentialsResolver resolver) {
    this.credentials = resolver;
  }

  /**
   * Submits the loader with these settings, optionally restoring from a checkpoint or savepoint.
   */
  public JobID submit(Map<String, String> settings, Optional<String> restorePath) throws Exception {
    LoaderSettings parsed = LoaderSettings.parse(settings);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parsed.job().parallelism().orElse(1));
    new LoaderJob(parsed, new KafkaSecurityProperties(credentials).forSource(parsed.source()))
        .build(env);
    JobGraph graph = env.getStreamGraph().getJobGraph();
    restorePath.ifPresent(
        path -> graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(path, false)));
    cluster.submitJob(graph).get();
    awaitStatus(graph.getJobID(), JobStatus.RUNNING, Duration.ofSeconds(60));
    return graph.getJobID();
  }

  public JobStatus status(JobID job) throws Exception {
    return cluster.getJobStatus(job).get();
  }

  public void awaitStatus(JobID job, JobStatus status, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JobStatus current = status(job);
      if (current == status) {
        return;
      }
      if (current.isGloballyTerminalState()) {
        throw new IllegalStateException(
            "Job " + job + " ended " + current + " instead of " + status);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Job " + job + " not " + status + " within " + timeout);
  }

  /** Kills the TaskManager (all tasks fail) and starts a new one; the job restores itself. */
  public void crashTaskManager() throws Exception {
    // MiniCluster keeps terminated TaskManagers in its list: the live one is the newest.
    cluster.terminateTaskManager(liveTaskManager).get(30, TimeUnit.SECONDS);
    cluster.startTaskManager();
    liveTaskManager++;
  }

  /** How many times the job's tasks were restarted (the highest attempt number of any task). */
  public int restarts(JobID job) throws Exception {
    int restarts = 0;
    for (org.apache.flink.runtime.executiongraph.AccessExecutionVertex vertex :
        cluster.getExecutionGraph(job).get().getAllExecutionVertices()) {
      restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
    }
    return restarts;
  }

  /** Waits until every task of the job runs (after a submit or a restart). */
  public void awaitAllTasksRunning(JobID job, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      boolean allRunning = true;
      for (org.apache.flink.runtime.executiongraph.AccessExecutionVertex vertex :
          cluster.getExecutionGraph(job).get().getAllExecutionVertices()) {
        allRunning &=
            vertex.getExecutionState() == org.apache.flink.runtime.execution.ExecutionState.RUNNING;
      }
      if (allRunning) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Tasks of " + job + " not all running within " + timeout);
  }

  /** Cancels the job; its last completed checkpoint is retained. */
  public Path cancel(JobID job) throws Exception {
    cluster.cancelJob(job).get();
    awaitStatus(job, JobStatus.CANCELED, Duration.ofSeconds(60));
    return latestCheckpoint(job)
        .orElseThrow(() -> new IllegalStateException("no retained checkpoint of " + job));
  }

  /**
   * Cancels every job that is still running, so one test's failure cannot hold the next's slots.
   */
  public void cancelAll() throws Exception {
    for (org.apache.flink.runtime.client.JobStatusMessage job : cluster.listJobs().get()) {
      if (!job.getJobState().isGloballyTerminalState()) {
        cluster.cancelJob(job.getJobId()).get();
        awaitStatus(job.getJobId(), JobStatus.CANCELED, Duration.ofSeconds(60));
      }
    }
  }

  public String stopWithSavepoint(JobID job) throws Exception {
    return cluster
        .stopWithSavepoint(job, savepoints.toUri().toString(), false, SavepointFormatType.CANONICAL)
        .get(2, TimeUnit.MINUTES);
  }

  public Optional<Path> latestCheckpoint(JobID job) {
    Path dir = checkpoints.resolve(job.toHexString());
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .filter(p -> Files.exists(p.resolve("_metadata")))
          .max(
              Comparator.comparingLong(
                  p -> Long.parseLong(p.getFileName().toString().substring(4))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
