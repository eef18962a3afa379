package io.floe.benchmarks.upsert;

import io.floe.benchmarks.cli.Arguments;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.RowParser;
import io.floe.loader.sample.SampleMessages;
import io.floe.loader.settings.FieldNameCase;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.sink.TableWriterFactories;
import io.floe.loader.source.KafkaMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.flink.table.data.RowData;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.sink.RowDataTaskWriterFactory;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;

/**
 * The cost of upserts: the loader's per-record path (parse, then Iceberg's task writer appending,
 * or upserting by the key {@code id}) and its per-checkpoint commits (an append, or a row delta of
 * data and delete files), on the same sample messages whose ids come from a fixed set of keys, in
 * one JVM with rounds alternating; then the full-scan read time of the last upserted table, through
 * Iceberg's generic reader, before and after its deletes are folded into its data. The fold is the
 * control plane's compaction's approach (a generic read with the deletes applied, a generic write,
 * one rewrite that replaces the data and delete files, keeping the read snapshot's data sequence
 * number), done here in a few lines: the benchmarks do not depend on the control plane.
 */
public final class UpsertBenchmark {
  /** Distinct messages written in turn, so that the values vary as a topic's would. */
  private static final int DISTINCT = 50_000;

  private static final int READS = 3;

  private final long recordsPerRound;
  private final int rounds;
  private final long recordsPerCheckpoint;
  private final int keys;
  private final PrintStream out;

  public UpsertBenchmark(
      long recordsPerRound, int rounds, long recordsPerCheckpoint, int keys, PrintStream out) {
    this.recordsPerRound = recordsPerRound;
    this.rounds = rounds;
    this.recordsPerCheckpoint = recordsPerCheckpoint;
    this.keys = keys;
    this.out = out;
  }

  /** What one run found. */
  public record Result(
      double upsertOverAppendCpu,
      double upsertOverAppendRecordsPerSecond,
      long liveRows,
      double readAfterOverBefore) {}

  /** Runs the rounds and the reads; the ratios of the medians. */
  public Result run() throws IOException, BadMessageException {
    Path warehouse = Files.createTempDirectory("floe-upsert-benchmark");
    HadoopCatalog catalog = new HadoopCatalog(new Configuration(), warehouse.toUri().toString());
    try {
      return run(catalog);
    } finally {
      catalog.close();
    }
  }

  private Result run(HadoopCatalog catalog) throws IOException, BadMessageException {
    Schema schema = new Schema(SampleMessages.sampleSchema().columns(), Set.of(1));
    KafkaMessage[] messages = new KafkaMessage[DISTINCT];
    Instant now = Instant.now();
    Random random = new Random(19);
    for (int i = 0; i < DISTINCT; i++) {
      long id = 1 + random.nextInt(keys);
      messages[i] =
          new KafkaMessage(
              "sample", 0, i, now.toEpochMilli(), null, SampleMessages.sample(id, now), List.of());
    }
    out.printf(
        "upsert: %d rounds of %,d sample messages each (a commit per %,d), ids drawn from %,d keys,"
            + " appended and upserted by id%n",
        rounds, recordsPerRound, recordsPerCheckpoint, keys);
    RowParser parser = RowParser.create(schema, settings());
    // Warm-up: both paths compiled before anything is measured.
    round(create(catalog, "warm_append", schema), false, parser, messages);
    round(create(catalog, "warm_upsert", schema), true, parser, messages);
    double[] appendNanos = new double[rounds];
    double[] upsertNanos = new double[rounds];
    double[] appendCpu = new double[rounds];
    double[] upsertCpu = new double[rounds];
    Table upserted = null;
    for (int r = 0; r < rounds; r++) {
      long[] a = round(create(catalog, "append_" + r, schema), false, parser, messages);
      upserted = create(catalog, "upsert_" + r, schema);
      long[] u = round(upserted, true, parser, messages);
      appendNanos[r] = (double) a[0] / recordsPerRound;
      appendCpu[r] = (double) a[1] / recordsPerRound;
      upsertNanos[r] = (double) u[0] / recordsPerRound;
      upsertCpu[r] = (double) u[1] / recordsPerRound;
      out.printf(
          "  round %d: append %.0f ns/record (%.0f CPU), upsert %.0f ns/record (%.0f CPU)%n",
          r + 1, appendNanos[r], appendCpu[r], upsertNanos[r], upsertCpu[r]);
    }
    out.printf(
        "append: %,.0f records/s, %.0f CPU ns/record (median of %d)%n",
        1e9 / median(appendNanos), median(appendCpu), rounds);
    out.printf(
        "upsert: %,.0f records/s, %.0f CPU ns/record (median of %d)%n",
        1e9 / median(upsertNanos), median(upsertCpu), rounds);
    double cpuRatio = median(upsertCpu) / median(appendCpu);
    double rateRatio = median(appendNanos) / median(upsertNanos);
    out.printf("ratio upsert / append: records/s %.3f, CPU per record %.3f%n", rateRatio, cpuRatio);

    Set<Long> written = new HashSet<>();
    for (long i = 0; i < recordsPerRound; i++) {
      written.add(idOf(messages[(int) (i % messages.length)]));
    }
    FileCounts before = files(upserted);
    double[] readBefore = new double[READS];
    for (int i = 0; i < READS; i++) {
      readBefore[i] = fullScan(upserted, written.size());
    }
    long foldStart = System.nanoTime();
    fold(upserted);
    double foldSeconds = (System.nanoTime() - foldStart) / 1e9;
    FileCounts after = files(upserted);
    double[] readAfter = new double[READS];
    for (int i = 0; i < READS; i++) {
      readAfter[i] = fullScan(upserted, written.size());
    }
    out.printf(
        "full scan of the last upserted table (%,d live rows): before the fold: %s, after the fold: %s;"
            + " %.0f ms before, %.0f ms after (median of %d); fold took %.1f s%n",
        written.size(),
        before,
        after,
        median(readBefore) / 1e6,
        median(readAfter) / 1e6,
        READS,
        foldSeconds);
    double readRatio = median(readAfter) / median(readBefore);
    out.printf("ratio read time after / before the fold: %.3f%n", readRatio);
    return new Result(cpuRatio, rateRatio, written.size(), readRatio);
  }

  private static Table create(HadoopCatalog catalog, String name, Schema schema) {
    return catalog.createTable(
        TableIdentifier.of("bench", name),
        schema,
        PartitionSpec.unpartitioned(),
        Map.of("format-version", "2"));
  }

  /**
   * Writes the round's records, appended or upserted by id, committing every {@code
   * recordsPerCheckpoint} as the loader's committer does per checkpoint; returns the wall and CPU
   * nanoseconds it took.
   */
  private long[] round(Table table, boolean upsert, RowParser parser, KafkaMessage[] messages)
      throws IOException, BadMessageException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpuBefore = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    RowDataTaskWriterFactory factory =
        TableWriterFactories.create(table, Map.of(), 0, 0, upsert ? Set.of(1) : Set.of());
    TaskWriter<RowData> writer = factory.create();
    for (long i = 0; i < recordsPerRound; i++) {
      writer.write(parser.parse(messages[(int) (i % messages.length)]));
      if ((i + 1) % recordsPerCheckpoint == 0 || i + 1 == recordsPerRound) {
        commit(table, writer.complete(), upsert);
        writer = factory.create();
      }
    }
    writer.close();
    long nanos = System.nanoTime() - start;
    long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
    return new long[] {nanos, cpu};
  }

  /** An append, or a row delta of data and delete files: one snapshot per checkpoint. */
  private static void commit(Table table, WriteResult result, boolean upsert) {
    if (!upsert) {
      AppendFiles append = table.newAppend();
      Arrays.stream(result.dataFiles()).forEach(append::appendFile);
      append.commit();
      return;
    }
    RowDelta delta = table.newRowDelta();
    Arrays.stream(result.dataFiles()).forEach(delta::addRows);
    Arrays.stream(result.deleteFiles()).forEach(delta::addDeletes);
    delta.commit();
  }

  /** Reads every live row through Iceberg's generic reader; the nanoseconds it took. */
  static long fullScan(Table table, long expectedRows) throws IOException {
    table.refresh();
    long start = System.nanoTime();
    long rows = 0;
    Set<Long> ids = new HashSet<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        rows++;
        ids.add((Long) record.getField("id"));
      }
    }
    long nanos = System.nanoTime() - start;
    if (rows != expectedRows || ids.size() != expectedRows) {
      throw new IllegalStateException(
          "the upserted table reads "
              + rows
              + " rows of "
              + ids.size()
              + " keys, expected one row for each of "
              + expectedRows
              + " keys");
    }
    return nanos;
  }

  /**
   * Folds the table's deletes into its data: its live rows (deletes applied) into one new data
   * file, replacing every data and delete file in one commit.
   */
  static void fold(Table table) throws IOException {
    table.refresh();
    Snapshot start = table.currentSnapshot();
    Set<DataFile> data = new HashSet<>();
    Set<DeleteFile> deletes = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(start.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        data.add(task.file());
        deletes.addAll(task.deletes());
      }
    }
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 0, start.snapshotId()).operationId("fold").build();
    DataWriter<Record> writer =
        new GenericAppenderFactory(table.schema(), table.spec())
            .newDataWriter(files.newOutputFile(), FileFormat.PARQUET, null);
    try (writer;
        CloseableIterable<Record> rows =
            IcebergGenerics.read(table).useSnapshot(start.snapshotId()).build()) {
      rows.forEach(writer::write);
    }
    RewriteFiles rewrite =
        table
            .newRewrite()
            .validateFromSnapshot(start.snapshotId())
            .dataSequenceNumber(start.sequenceNumber());
    data.forEach(rewrite::deleteFile);
    deletes.forEach(rewrite::deleteFile);
    rewrite.addFile(writer.toDataFile()).commit();
  }

  private static FileCounts files(Table table) {
    table.refresh();
    Map<String, String> summary = table.currentSnapshot().summary();
    return new FileCounts(
        Long.parseLong(summary.getOrDefault("total-data-files", "0")),
        Long.parseLong(summary.getOrDefault("total-delete-files", "0")));
  }

  /** A table's data and delete files. */
  private record FileCounts(long data, long deletes) {
    @Override
    public String toString() {
      return data + " data + " + deletes + " delete files";
    }
  }

  private static long idOf(KafkaMessage message) {
    String text = new String(message.value(), java.nio.charset.StandardCharsets.UTF_8);
    int start = text.indexOf("\"id\":") + 5;
    int end = start;
    while (Character.isDigit(text.charAt(end))) {
      end++;
    }
    return Long.parseLong(text.substring(start, end));
  }

  private static ParseSettings settings() {
    return new ParseSettings(
        Optional.empty(), Map.of(), FieldNameCase.NONE, Map.of(), 1 << 20, List.of());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** The benchmark in its own JVM, with the local Flink cluster's classpath (see rules). */
  public static void main(String[] args) {
    UpsertBenchmark benchmark = fromArguments(List.of(args), System.out);
    if (benchmark == null) {
      System.err.println(
          "usage: upsert [--records N] [--rounds R] [--checkpoint-records C] [--keys K]");
      System.exit(2);
    }
    try {
      benchmark.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (BadMessageException e) {
      throw new IllegalStateException("a sample message did not parse: " + e, e);
    }
  }

  /** Parses {@code --records N --rounds R --checkpoint-records C --keys K}; null when wrong. */
  public static UpsertBenchmark fromArguments(List<String> args, PrintStream out) {
    Arguments arguments =
        Arguments.parse(args, Set.of("records", "rounds", "checkpoint-records", "keys"), Set.of());
    long records = arguments.longValue("records", 500_000, 1);
    int rounds = arguments.intValue("rounds", 5, 1);
    long perCheckpoint = arguments.longValue("checkpoint-records", 50_000, 1);
    int keys = arguments.intValue("keys", 10_000, 1);
    return arguments.problems().isEmpty()
        ? new UpsertBenchmark(records, rounds, perCheckpoint, keys, out)
        : null;
  }
}
