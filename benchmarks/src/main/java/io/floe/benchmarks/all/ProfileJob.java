package io.floe.benchmarks.all;

import static io.floe.benchmarks.all.ClusterJobs.LOADER_ENTRY_CLASS;
import static io.floe.benchmarks.all.ClusterJobs.TABLE_POLL;
import static io.floe.benchmarks.all.ClusterJobs.sleep;
import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.flink.FlinkRest;
import io.floe.benchmarks.process.ProcessCpu;
import io.floe.benchmarks.profile.JfrProfile;
import io.floe.benchmarks.stack.BenchmarkStack;
import io.floe.benchmarks.table.Commits;
import io.floe.loader.sample.SamplePayload;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import org.apache.iceberg.Table;

/** Records a JFR profile of the TaskManager while a loader drains the sample topic. */
final class ProfileJob {
  private final AllOptions options;
  private final ClusterJobs cluster;
  private final BenchmarkStack stack;
  private final FlinkRest flink;
  private final ProcessCpu taskManager;
  private final PrintStream out;

  ProfileJob(AllOptions options, ClusterJobs cluster, PrintStream out) {
    this.options = requireNonNull(options, "options is null");
    this.cluster = requireNonNull(cluster, "cluster is null");
    this.stack = cluster.stack();
    this.flink = cluster.flink();
    this.taskManager = cluster.taskManager();
    this.out = requireNonNull(out, "out is null");
  }

  JfrProfile.Summary record(String topic, long records, String jarId, String label) {
    String name =
        cluster.name(Kind.LOADER, SamplePayload.SAMPLE, options.parallelism(), 0) + "-jfr";
    Table table = cluster.createTable(name, SamplePayload.SAMPLE);
    Path file = stack.workDir().resolve(label + "-profile.jfr").toAbsolutePath();
    Instant submitted = Instant.now();
    String jobId =
        flink.runJar(
            jarId,
            LOADER_ENTRY_CLASS,
            cluster.loaderArguments(
                name, topic, name, options.flushInterval(), options.parallelism()),
            options.parallelism());
    cluster.awaitFullyRunning(jobId, submitted.plus(options.runTimeout()));
    JfrProfile recording = JfrProfile.start(taskManager.pid(), file);
    Instant deadline = Instant.now().plus(options.runTimeout());
    while (Commits.of(table).commitsToReach(records).isEmpty()) {
      cluster.requireAlive(jobId);
      if (Instant.now().isAfter(deadline)) {
        break;
      }
      sleep(TABLE_POLL);
    }
    JfrProfile.Summary summary = recording.stop();
    flink.cancel(jobId);
    cluster.awaitTerminal(jobId);
    out.printf(Locale.ROOT, "%s profile: %d samples in %s%n", label, summary.samples(), file);
    summary
        .areas()
        .forEach(
            area ->
                out.printf(
                    Locale.ROOT, "  %5.1f%% %s%n", summary.share(area.samples()), area.name()));
    return summary;
  }
}
