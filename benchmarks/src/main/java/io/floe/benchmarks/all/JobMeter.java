package io.floe.benchmarks.all;

import static io.floe.benchmarks.all.ClusterJobs.HEAP_USED;
import static io.floe.benchmarks.all.ClusterJobs.POLL;
import static io.floe.benchmarks.all.ClusterJobs.TABLE_POLL;
import static io.floe.benchmarks.all.ClusterJobs.sleep;
import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.flink.FlinkRest;
import io.floe.benchmarks.flink.FlinkRest.JobStatus;
import io.floe.benchmarks.jobs.StageJob;
import io.floe.benchmarks.process.ProcessCpu;
import io.floe.benchmarks.table.Commits;
import io.floe.benchmarks.table.Commits.Commit;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.iceberg.Table;

/** Measures one submitted job from running to done: time, TaskManager CPU, heap and commits. */
final class JobMeter {
  // A compile-time constant, inlined: the benchmark JVM never loads the job classes.
  private static final String ENDED_AT_ACCUMULATOR = StageJob.ENDED_AT_ACCUMULATOR;
  private static final Duration IDLE_WINDOW = Duration.ofMillis(500);
  private static final Duration IDLE_CPU = Duration.ofMillis(50);
  private static final Duration IDLE_LIMIT = Duration.ofSeconds(15);

  private final AllOptions options;
  private final ClusterJobs cluster;
  private final FlinkRest flink;
  private final String taskManagerId;
  private final ProcessCpu taskManager;
  private final PrintStream out;

  JobMeter(AllOptions options, ClusterJobs cluster, PrintStream out) {
    this.options = requireNonNull(options, "options is null");
    this.cluster = requireNonNull(cluster, "cluster is null");
    this.flink = cluster.flink();
    this.taskManagerId = cluster.taskManagerId();
    this.taskManager = cluster.taskManager();
    this.out = requireNonNull(out, "out is null");
  }

  /** What one measured job did between running and done. */
  record Measured(
      Duration submitToRunning,
      Duration runningToProcessed,
      Duration runningToDone,
      Duration cpu,
      Duration jitCpu,
      OptionalLong peakHeap,
      int commits,
      long dataFiles,
      long dataBytes) {}

  /**
   * Waits until every task runs, then until the table holds N rows (or, without a table, until the
   * bounded job finished), sampling the heap and noting when the sources had emitted N records; the
   * job is then cancelled (if still running). A gated stage job is measured from the gate's
   * opening, once its deployment has settled.
   */
  Measured measure(
      String jobId, Instant submitted, Optional<Table> table, long records, Optional<Path> gate) {
    Instant deadline = submitted.plus(options.runTimeout());
    if (gate.isEmpty() && table.isEmpty()) {
      throw new IllegalArgumentException("A job without a table must be gated");
    }
    cluster.awaitFullyRunning(jobId, deadline);
    Instant running = Instant.now();
    if (gate.isPresent()) {
      awaitIdle();
    }
    Duration cpuAtStart = taskManager.used();
    Duration jitAtStart = taskManager.jitCompilation();
    Instant measuredFrom = Instant.now();
    if (gate.isPresent()) {
      open(gate.get());
    }
    long peakHeap = -1;
    Instant nextHeapSample = Instant.now();
    List<String> sourceRecordsOut = List.of();
    Optional<Instant> processed = Optional.empty();
    Instant done;
    int commits = 0;
    long dataFiles = 0;
    long dataBytes = 0;
    while (true) {
      JobStatus status = flink.job(jobId);
      if (!Instant.now().isBefore(nextHeapSample)) {
        OptionalDouble heap = flink.taskManagerMetric(taskManagerId, HEAP_USED);
        if (heap.isPresent()) {
          peakHeap = Math.max(peakHeap, (long) heap.getAsDouble());
        }
        nextHeapSample = Instant.now().plusSeconds(1);
      }
      if (table.isPresent() && processed.isEmpty()) {
        if (sourceRecordsOut.isEmpty()) {
          sourceRecordsOut = flink.sourceRecordsOutMetrics(jobId);
        }
        if (!sourceRecordsOut.isEmpty() && flink.metricSum(sourceRecordsOut) >= records) {
          processed = Optional.of(Instant.now());
        }
      }
      if (table.isPresent()) {
        Commits all = Commits.of(table.get());
        Optional<Integer> needed = all.commitsToReach(records);
        if (needed.isPresent()) {
          List<Commit> used = all.all().subList(0, needed.get());
          done = used.get(used.size() - 1).committedAt();
          commits = used.size();
          dataFiles = used.stream().mapToLong(Commit::dataFiles).sum();
          dataBytes = used.stream().mapToLong(Commit::dataBytes).sum();
          break;
        }
      } else if (status.state().equals("FINISHED")) {
        done =
            flink
                .accumulator(jobId, ENDED_AT_ACCUMULATOR)
                .map(millis -> Instant.ofEpochMilli(Long.parseLong(millis)))
                .orElseGet(Instant::now);
        break;
      }
      if (status.terminal() || status.troubled()) {
        throw new IllegalStateException(
            "Job " + jobId + " is " + status.state() + ": " + flink.rootException(jobId));
      }
      if (Instant.now().isAfter(deadline)) {
        flink.cancel(jobId);
        throw new IllegalStateException("Job " + jobId + " did not finish within --run-timeout");
      }
      sleep(table.isPresent() ? TABLE_POLL : POLL);
    }
    Duration cpu = taskManager.used().minus(cpuAtStart);
    Duration jitCpu = taskManager.jitCompilation().minus(jitAtStart);
    if (!flink.job(jobId).terminal()) {
      flink.cancel(jobId);
    }
    cluster.awaitTerminal(jobId);
    if (table.isPresent() && sourceRecordsOut.isEmpty()) {
      out.println("  (no numRecordsOut metric of a source: records/s include the commit wait)");
    }
    // A commit of all N proves they were processed, even if the metrics had not shown it yet.
    Instant processedAt =
        processed.isPresent() && processed.get().isBefore(done) ? processed.get() : done;
    return new Measured(
        Duration.between(submitted, running),
        Duration.between(measuredFrom, processedAt),
        Duration.between(measuredFrom, done),
        cpu,
        jitCpu,
        peakHeap < 0 ? OptionalLong.empty() : OptionalLong.of(peakHeap),
        commits,
        dataFiles,
        dataBytes);
  }

  /**
   * Waits until the TaskManager uses less than {@link #IDLE_CPU} in {@link #IDLE_WINDOW}: a
   * deployed job still opening its operators (clients, class loading) is not yet idle.
   */
  private void awaitIdle() {
    Instant limit = Instant.now().plus(IDLE_LIMIT);
    Duration before = taskManager.used();
    while (Instant.now().isBefore(limit)) {
      sleep(IDLE_WINDOW);
      Duration now = taskManager.used();
      if (now.minus(before).compareTo(IDLE_CPU) < 0) {
        return;
      }
      before = now;
    }
    out.println("  (the TaskManager did not become idle before the gate opened)");
  }

  private static void open(Path gate) {
    try {
      Files.createDirectories(gate.getParent());
      Files.createFile(gate);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the gate " + gate, e);
    }
  }
}
