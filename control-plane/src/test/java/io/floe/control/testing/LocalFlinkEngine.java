package io.floe.control.testing;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.SavepointOutcome;
import io.floe.control.runtime.flink.FlinkClusterRuntime;
import io.floe.control.runtime.flink.FlinkRestClient;
import io.floe.control.runtime.flink.JarRun;
import io.floe.control.runtime.flink.JobDetails;
import io.floe.loader.settings.PropertyGroups;
import io.floe.testing.aws.FakeKinesisAnalyticsV2;
import io.floe.testing.aws.FakeKinesisAnalyticsV2.EngineStart;
import io.floe.testing.flink.FlinkTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs the applications of {@link FakeKinesisAnalyticsV2} on a Flink session cluster through its
 * REST API, as Managed Flink would: the code is the S3 object the application names (bucket ARN,
 * key, object version), uploaded once per object version; the property groups become the loader's
 * settings exactly as the loader reads Managed Flink's {@code application_properties.json} ({@link
 * PropertyGroups#toSettings}), handed over as {@code --group.key value} arguments because a session
 * cluster has no such file; the parallelism and the snapshot to restore (with
 * AllowNonRestoredState) go to the run request. A stop with a snapshot is Flink's stop with a
 * savepoint, whose location the fake keeps as the snapshot's; a force stop cancels the job.
 *
 * <p>What it does not model: the checkpoint interval (the loader sets its own from the flush
 * interval, which is what the control plane sends as the application's), KPUs and per-KPU
 * parallelism, and the service's own restarts.
 */
public final class LocalFlinkEngine implements FakeKinesisAnalyticsV2.Engine, AutoCloseable {
  private static final String S3_ARN = "arn:aws:s3:::";
  private static final Set<String> TERMINAL = Set.of("FINISHED", "CANCELED", "FAILED");

  private final FlinkRestClient client;
  private final S3Client s3;
  private final Path downloads;
  private final Duration timeout;
  private final FlinkTestClient rest;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "local-flink-engine");
            thread.setDaemon(true);
            return thread;
          });
  // application -> its running job
  private final Map<String, String> jobs = new ConcurrentHashMap<>();
  // bucket/key@version -> the uploaded JAR's id
  private final Map<String, String> jars = new ConcurrentHashMap<>();
  private final List<EngineStart> starts = new CopyOnWriteArrayList<>();

  /**
   * @param restUrl the session cluster's REST API
   * @param s3 reads the applications' code, as the service does with the application's role
   * @param downloads where the code is downloaded before it is uploaded to the cluster
   * @param timeout how long a start or a stop may take
   */
  public LocalFlinkEngine(URI restUrl, S3Client s3, Path downloads, Duration timeout) {
    this.client = new FlinkRestClient(restUrl, Duration.ofMinutes(2));
    this.rest = new FlinkTestClient(restUrl);
    this.s3 = requireNonNull(s3, "s3 is null");
    this.downloads = requireNonNull(downloads, "downloads is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
  }

  /** Every start the fake asked for, oldest first. */
  public List<EngineStart> starts() {
    return List.copyOf(starts);
  }

  /** The Flink job that runs the application now, if any. */
  public Optional<String> job(String application) {
    return Optional.ofNullable(jobs.get(application));
  }

  @Override
  public CompletableFuture<Void> start(EngineStart start) {
    starts.add(start);
    return CompletableFuture.runAsync(() -> run(start), executor);
  }

  @Override
  public CompletableFuture<Optional<String>> stop(String application, boolean savepoint) {
    return CompletableFuture.supplyAsync(
        () -> {
          String job = jobs.get(application);
          if (job == null) {
            return Optional.empty();
          }
          Optional<String> location = Optional.empty();
          if (savepoint) {
            // A failed stop leaves the job running, as the fake leaves the application RUNNING.
            String trigger = flinkId();
            client.stopWithSavepoint(job, trigger);
            location = Optional.of(awaitSavepoint(job, trigger));
          } else {
            client.cancel(job);
          }
          awaitJob(job, details -> TERMINAL.contains(details.state()), "ended");
          jobs.remove(application, job);
          return location;
        },
        executor);
  }

  @Override
  public CompletableFuture<String> savepoint(String application) {
    return CompletableFuture.supplyAsync(
        () -> {
          String job = jobs.get(application);
          if (job == null) {
            throw new IllegalStateException(application + " runs no job");
          }
          String trigger = flinkId();
          rest.triggerSavepoint(job, trigger);
          return awaitSavepoint(job, trigger);
        },
        executor);
  }

  private void run(EngineStart start) {
    if (!start.bucketArn().startsWith(S3_ARN)) {
      throw new IllegalArgumentException("Not an S3 bucket ARN: " + start.bucketArn());
    }
    String bucket = start.bucketArn().substring(S3_ARN.length());
    String object = bucket + "/" + start.fileKey() + "@" + start.objectVersion().orElse("");
    String jar =
        jars.computeIfAbsent(
            object,
            key -> {
              Path file = download(bucket, start.fileKey(), start.objectVersion());
              return client.uploadJar(file, "application-" + flinkId() + ".jar");
            });
    String job = flinkId();
    client.runJar(
        jar,
        new JarRun(
            FlinkClusterRuntime.ENTRY_CLASS,
            arguments(start.propertyGroups()),
            start.parallelism(),
            job,
            start.restoreFrom(),
            start.allowNonRestoredState()));
    jobs.put(start.application(), job);
    awaitJob(
        job,
        details -> {
          if (TERMINAL.contains(details.state())) {
            throw new IllegalStateException("Job " + job + " is " + details.state());
          }
          return details.state().equals("RUNNING") && details.allTasksRunning();
        },
        "running");
  }

  private Path download(String bucket, String key, Optional<String> version) {
    try {
      Path file = Files.createDirectories(downloads).resolve(flinkId() + ".jar");
      s3.getObject(
          request -> request.bucket(bucket).key(key).versionId(version.orElse(null)), file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot download s3://" + bucket + "/" + key, e);
    }
  }

  /** The loader's settings from the property groups, as {@code --group.key value} arguments. */
  static List<String> arguments(Map<String, Map<String, String>> groups) {
    List<String> args = new ArrayList<>();
    new TreeMap<>(PropertyGroups.toSettings(groups))
        .forEach(
            (key, value) -> {
              args.add("--" + key);
              args.add(value);
            });
    return args;
  }

  private String awaitSavepoint(String job, String trigger) {
    SavepointOutcome outcome =
        await(
            () -> client.savepointStatus(job, trigger).orElse(SavepointOutcome.pending()),
            SavepointOutcome::done,
            "savepoint " + trigger + " of job " + job);
    return outcome
        .path()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Savepoint of job " + job + " failed: " + outcome.failure().orElse("")));
  }

  private void awaitJob(String job, Predicate<JobDetails> condition, String what) {
    await(
        () -> client.jobDetails(job).orElse(null),
        details -> details != null && condition.test(details),
        "job " + job + " " + what);
  }

  private <T> T await(Supplier<T> read, Predicate<T> done, String what) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      T value = read.get();
      if (done.test(value)) {
        return value;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted waiting for " + what, e);
      }
    }
  }

  private static String flinkId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
