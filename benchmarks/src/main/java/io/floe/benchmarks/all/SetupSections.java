package io.floe.benchmarks.all;

import static io.floe.benchmarks.all.Figures.duration;
import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.environment.Versions;
import io.floe.benchmarks.report.Markdown;
import io.floe.loader.sample.SamplePayload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's closing sections: caveats, the setup, and how everything is measured. */
final class SetupSections {
  private final AllResult result;
  private final Versions versions;
  private final String runtimeIceberg;

  SetupSections(AllResult result, Versions versions, String runtimeIceberg) {
    this.result = requireNonNull(result, "result is null");
    this.versions = requireNonNull(versions, "versions is null");
    this.runtimeIceberg = requireNonNull(runtimeIceberg, "runtimeIceberg is null");
  }

  void writeTo(Markdown md) {
    List<String> caveats = caveats();
    if (!caveats.isEmpty()) {
      md.heading(2, "Caveats");
      md.bullets(caveats);
    }
    md.heading(2, "Setup");
    md.properties(setup());
    md.heading(2, "How it is measured");
    md.bullets(
        List.of(
            "One Kafka broker, one JobManager and one TaskManager (4 slots) in their own JVMs on"
                + " this machine (local-stack); each payload's N messages are published once"
                + " (ids 1..N, message i to partition i mod partitions) and every job reads that"
                + " topic from the start with its own consumer group, so all drain the same"
                + " backlog.",
            "records/s = N / (start → processed). Start: every task RUNNING for (b) and (c); for"
                + " the stage jobs (a), (e) and (d), the opening of a gate that holds their first"
                + " record until the deployed job is idle (TaskManager CPU under 50 ms in 500 ms),"
                + " so neither deployment nor records processed before the measurement count."
                + " Processed: for jobs that write a table, the first poll (every 250 ms) at which"
                + " the sources' `numRecordsOut` (REST metrics, at most 500 ms old) reached N; the"
                + " parser and writer are chained to the source and handle each record in the"
                + " same call. For (a) and (e), whose source is bounded at the end offsets, when"
                + " the last subtask's sink reached its end of input (an accumulator).",
            "Committed: the commit time of the snapshot that brings the table to N rows. Start →"
                + " committed adds the wait for the next checkpoint, up to one flush interval,"
                + " which is latency (see Freshness) rather than throughput: records/s leave it"
                + " out.",
            "CPU: user + system time of the TaskManager process (`/proc/<pid>/stat`) from start to"
                + " committed (so it includes closing and committing the last files); the broker"
                + " and the JobManager are not counted. One unmeasured run of each stage goes"
                + " first (JIT, heap sizing).",
            "(a) and (e) use the loader's deserializer and source settings, bounded; (e) runs the"
                + " loader's RowParser against the payload's table schema; their sink discards,"
                + " counting records into an accumulator (checked = N). (d) emits the rows the parser"
                + " would make (a unit test compares them) into the loader's writer (same writer"
                + " factory and properties) and the loader's committer.",
            "(c) is a Flink SQL job submitted as a JAR: the Iceberg catalog (Hadoop; registered"
                + " from the job with the properties of CREATE CATALOG and an explicit Hadoop"
                + " configuration), a Kafka table in the `json` format, INSERT INTO the table (same"
                + " schema, partitioning and properties) SELECT FROM it; Flink's and Iceberg's"
                + " defaults otherwise, the checkpoint interval set to the flush interval.",
            "Peak heap: the highest `Status.JVM.Memory.Heap.Used` of the TaskManager, sampled once"
                + " a second over the REST API (garbage included: an upper bound of the live set).",
            "Checks: every table is read back (ids 1..N exactly once); the first loader run and"
                + " each Flink SQL run are read in full and compared row by row (a digest of all"
                + " columns per id)."));
  }

  private List<String> caveats() {
    List<String> caveats = new ArrayList<>(result.notes());
    Machine machine = result.machine();
    double maxLoad = result.runs().stream().mapToDouble(JobRun::loadBefore).max().orElse(0);
    if (maxLoad > machine.cores() * 0.5) {
      caveats.add(
          String.format(
              Locale.ROOT,
              "The machine was busy before a run (1-minute load average up to %.2f on %d cores,"
                  + " the benchmark's own previous job included).",
              maxLoad,
              machine.cores()));
    }
    return caveats;
  }

  private Map<String, String> setup() {
    AllOptions options = result.options();
    Map<String, String> setup = new LinkedHashMap<>();
    setup.put("machine", machineLine());
    setup.put("Java", result.machine().java());
    setup.put(
        "Flink",
        result.flinkVersion()
            + ": 1 JobManager, 1 TaskManager ("
            + options.taskSlots()
            + " slots, process size "
            + options.taskManagerMemory()
            + ")");
    setup.put("Iceberg", runtimeIceberg + ", Hadoop catalog on local disk");
    setup.put("Kafka", "broker " + versions.kafkaBroker() + " (local, KRaft), 1 broker");
    setup.put("loader", result.loaderJar().getFileName().toString());
    result
        .published()
        .forEach(
            (payload, sent) ->
                setup.put(
                    payload.cliName() + " payload",
                    String.format(
                        Locale.ROOT,
                        "%,d messages, %.0f bytes each on average, %d columns, %s",
                        sent.records(),
                        sent.averageBytes(),
                        payload.schema().columns().size(),
                        payload == SamplePayload.SAMPLE
                            ? "partitioned by day(timestamp)"
                            : "unpartitioned")));
    setup.put("topic partitions", Integer.toString(options.partitions()));
    setup.put("parallelism", Integer.toString(options.parallelism()));
    setup.put("flush interval (throughput runs)", duration(options.flushInterval()));
    setup.put(
        "table properties",
        options.tableProperties().isEmpty()
            ? "Iceberg's defaults"
            : String.join(
                ", ",
                options.tableProperties().entrySet().stream()
                    .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`")
                    .toList()));
    return setup;
  }

  /** The machine in one line: cores, CPU model, memory and kernel. */
  String machineLine() {
    Machine machine = result.machine();
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %.1f GiB, Linux %s",
        machine.cores(),
        machine.cpuModel(),
        machine.memoryBytes() / (1024.0 * 1024 * 1024),
        machine.kernel());
  }
}
