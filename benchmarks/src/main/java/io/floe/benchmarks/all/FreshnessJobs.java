package io.floe.benchmarks.all;

import static io.floe.benchmarks.all.ClusterJobs.HEAP_USED;
import static io.floe.benchmarks.all.ClusterJobs.LOADER_ENTRY_CLASS;
import static io.floe.benchmarks.all.ClusterJobs.TABLE_POLL;
import static io.floe.benchmarks.all.ClusterJobs.sleep;
import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.flink.FlinkRest;
import io.floe.benchmarks.freshness.CommittedAt;
import io.floe.benchmarks.freshness.Latencies;
import io.floe.benchmarks.kafka.SteadyPublisher;
import io.floe.benchmarks.stack.BenchmarkStack;
import io.floe.benchmarks.table.Commits;
import io.floe.benchmarks.table.Commits.Commit;
import io.floe.benchmarks.table.IdCheck;
import io.floe.loader.sample.SamplePayload;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.iceberg.Table;

/** Runs the loader against a steady stream at one flush interval and measures its freshness. */
final class FreshnessJobs {
  private final AllOptions options;
  private final ClusterJobs cluster;
  private final BenchmarkStack stack;
  private final FlinkRest flink;
  private final String taskManagerId;
  private final PrintStream out;

  FreshnessJobs(AllOptions options, ClusterJobs cluster, PrintStream out) {
    this.options = requireNonNull(options, "options is null");
    this.cluster = requireNonNull(cluster, "cluster is null");
    this.stack = cluster.stack();
    this.flink = cluster.flink();
    this.taskManagerId = cluster.taskManagerId();
    this.out = requireNonNull(out, "out is null");
  }

  FreshnessRun run(Duration interval) {
    String name = "fresh-" + interval.toMillis() + "ms";
    Duration publishing = options.freshnessDuration(interval);
    Table table = cluster.createTable(name, SamplePayload.SAMPLE);
    SteadyPublisher.createTopic(stack.kafka().bootstrapServers(), name, options.partitions());
    Instant submitted = Instant.now();
    String jobId =
        flink.runJar(
            cluster.loaderJarId(),
            LOADER_ENTRY_CLASS,
            cluster.loaderArguments(name, name, name, interval, options.parallelism()),
            options.parallelism());
    cluster.awaitFullyRunning(jobId, submitted.plus(options.runTimeout()));
    out.printf(
        Locale.ROOT,
        "freshness at a %d ms flush interval: publishing %,d messages/s for %d s%n",
        interval.toMillis(),
        options.freshnessRate(),
        publishing.toSeconds());
    HeapSampler heap = new HeapSampler();
    Thread sampler = new Thread(heap, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    SteadyPublisher.Sent sent;
    try {
      sent =
          SteadyPublisher.publish(
              stack.kafka().bootstrapServers(),
              name,
              options.partitions(),
              options.freshnessRate(),
              publishing,
              SamplePayload.SAMPLE);
      Instant deadline = Instant.now().plus(interval.multipliedBy(3)).plusSeconds(120);
      while (Commits.of(table).commitsToReach(sent.records()).isEmpty()) {
        cluster.requireAlive(jobId);
        if (Instant.now().isAfter(deadline)) {
          flink.cancel(jobId);
          throw new IllegalStateException(
              "The freshness run at " + interval + " did not commit all rows in time");
        }
        sleep(TABLE_POLL);
      }
    } finally {
      heap.stop();
    }
    flink.cancel(jobId);
    cluster.awaitTerminal(jobId);
    IdCheck ids = IdCheck.read(table, sent.records());
    CommittedAt.Result committed =
        CommittedAt.read(table, sent.started().plus(options.freshnessWarmup()));
    Latencies latencies = new Latencies(committed.latencyMillis());
    List<Commit> commits = Commits.of(table).all();
    Instant lastCommit = commits.get(commits.size() - 1).committedAt();
    double minutes = Duration.between(sent.started(), lastCommit).toMillis() / 60_000.0;
    FreshnessRun run =
        new FreshnessRun(
            interval,
            options.freshnessRate(),
            sent.took(),
            sent.records(),
            latencies.count(),
            latencies.percentile(50),
            latencies.percentile(95),
            latencies.percentile(99),
            latencies.max(),
            committed.commits(),
            committed.dataFiles(),
            committed.dataFiles() / minutes,
            heap.peak(),
            ids.describe(),
            ids.exact());
    out.printf(
        Locale.ROOT,
        "  p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms; %d commits, %.1f data files/min; %s%n",
        run.p50Millis(),
        run.p95Millis(),
        run.p99Millis(),
        run.maxMillis(),
        run.commits(),
        run.filesPerMinute(),
        run.check());
    return run;
  }

  /** Samples the TaskManager's heap once a second on its own thread (freshness runs). */
  private final class HeapSampler implements Runnable {
    private volatile boolean running = true;
    private volatile long peak = -1;

    @Override
    public void run() {
      while (running) {
        try {
          OptionalDouble heap = flink.taskManagerMetric(taskManagerId, HEAP_USED);
          if (heap.isPresent()) {
            peak = Math.max(peak, (long) heap.getAsDouble());
          }
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // a missed sample
        }
      }
    }

    void stop() {
      running = false;
    }

    OptionalLong peak() {
      return peak < 0 ? OptionalLong.empty() : OptionalLong.of(peak);
    }
  }
}
