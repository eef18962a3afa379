package io.floe.benchmarks.all;

import static java.util.Objects.requireNonNull;

import io.floe.loader.sample.SamplePayload;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * One measured job run of the {@code all} benchmark.
 *
 * @param kind what ran
 * @param payload the messages (or rows) it loaded
 * @param parallelism the job's parallelism
 * @param round 1, 2, ... among runs of the same kind, payload and parallelism
 * @param records N: the messages read or the rows loaded
 * @param submitToRunning from the submission until every task ran
 * @param runningToProcessed from every task running (stage jobs: from the gate's opening, once the
 *     deployed job was idle) until all N had gone through the job: its sources had emitted N
 *     records, which their chained operators (parser, writer) handle in the same call; for read and
 *     parse, until the last subtask reached its end of input. Records per second use this.
 * @param runningToDone the same start until all N were committed (table-writing jobs: this adds the
 *     wait for the next checkpoint, up to one flush interval, and the commit) or equal to
 *     runningToProcessed (read and parse)
 * @param cpu TaskManager user + system CPU over runningToDone
 * @param jitCpu the part of cpu spent by the JIT compiler threads: Flink loads each job's code in
 *     its own class loader, so every job compiles its Kafka client, JSON, Parquet and Iceberg code
 *     anew, a start-up cost that a loader running for days amortizes
 * @param peakHeapBytes highest TaskManager heap sampled (once a second)
 * @param commits commits it took to hold N rows (0 for read and parse)
 * @param dataFiles data files those commits added
 * @param dataBytes bytes of those data files
 * @param loadBefore the machine's 1-minute load average before the run
 * @param check what was checked afterwards, and the outcome
 * @param correct whether the check passed
 */
public record JobRun(
    Kind kind,
    SamplePayload payload,
    int parallelism,
    int round,
    long records,
    Duration submitToRunning,
    Duration runningToProcessed,
    Duration runningToDone,
    Duration cpu,
    Duration jitCpu,
    OptionalLong peakHeapBytes,
    int commits,
    long dataFiles,
    long dataBytes,
    double loadBefore,
    String check,
    boolean correct) {

  /** The jobs the benchmark runs. */
  public enum Kind {
    READ("(a) read: Kafka source → discard"),
    PARSE("(e) read + parse: source → loader's parser → discard"),
    WRITE("(d) write: rows in memory → loader's Iceberg writer + committer"),
    LOADER("(b) Floe loader"),
    BASELINE_LOADER("(b0) Floe loader before the change (--baseline-loader-jar)"),
    SQL("(c) Flink SQL INSERT INTO iceberg SELECT FROM kafka json");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public JobRun {
    requireNonNull(kind, "kind is null");
    requireNonNull(payload, "payload is null");
    requireNonNull(submitToRunning, "submitToRunning is null");
    requireNonNull(runningToProcessed, "runningToProcessed is null");
    requireNonNull(runningToDone, "runningToDone is null");
    if (runningToProcessed.compareTo(runningToDone) > 0) {
      throw new IllegalArgumentException(
          "runningToProcessed " + runningToProcessed + " exceeds runningToDone " + runningToDone);
    }
    requireNonNull(cpu, "cpu is null");
    requireNonNull(jitCpu, "jitCpu is null");
    requireNonNull(peakHeapBytes, "peakHeapBytes is null");
    requireNonNull(check, "check is null");
  }

  /** N over the time it took to process them, without the wait for the last commit. */
  public double recordsPerSecond() {
    return records / Math.max(runningToProcessed.toNanos() / 1e9, 1e-9);
  }

  /** TaskManager CPU seconds per million records. */
  public double cpuSecondsPerMillion() {
    return cpu.toNanos() / 1e9 / records * 1e6;
  }

  /** Data file bytes per row; 0 for jobs that write no table. */
  public double dataBytesPerRecord() {
    return (double) dataBytes / records;
  }

  public double cpuMicrosPerRecord() {
    return cpu.toNanos() / 1e3 / records;
  }

  /** TaskManager CPU µs per record without the JIT compiler threads: the steady-state cost. */
  public double workCpuMicrosPerRecord() {
    return cpu.minus(jitCpu).toNanos() / 1e3 / records;
  }

  public double workCpuSecondsPerMillion() {
    return workCpuMicrosPerRecord();
  }

  /** The JIT compiler threads' share of the TaskManager CPU. */
  public double jitShare() {
    return cpu.isZero() ? 0 : (double) jitCpu.toNanos() / cpu.toNanos();
  }
}
