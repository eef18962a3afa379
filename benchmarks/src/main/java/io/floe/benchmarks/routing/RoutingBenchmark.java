package io.floe.benchmarks.routing;

import io.floe.benchmarks.cli.Arguments;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.RowParser;
import io.floe.loader.route.MessageRouter;
import io.floe.loader.sample.SampleMessages;
import io.floe.loader.settings.FieldNameCase;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.settings.RouteSettings;
import io.floe.loader.sink.TableWriterFactories;
import io.floe.loader.source.KafkaMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.table.data.RowData;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.sink.RowDataTaskWriterFactory;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;

/**
 * The cost of routing: the loader's per-record path (route, parse, write Parquet through Iceberg's
 * task writer) and its per-checkpoint commits, into one table and into ten tables routed by a
 * field, in one JVM with rounds alternating between the two so that both see the same machine.
 * Prints records/s and CPU per record of each and their ratios. In process, with real Iceberg
 * tables on local disk; no broker and no cluster: reading Kafka costs the same either way.
 */
public final class RoutingBenchmark {
  /** Distinct messages written in turn, so that the values vary as a topic's would. */
  private static final int DISTINCT = 10_000;

  private static final int TABLES = 10;

  private final long recordsPerRound;
  private final int rounds;
  private final long recordsPerCheckpoint;
  private final PrintStream out;

  public RoutingBenchmark(
      long recordsPerRound, int rounds, long recordsPerCheckpoint, PrintStream out) {
    this.recordsPerRound = recordsPerRound;
    this.rounds = rounds;
    this.recordsPerCheckpoint = recordsPerCheckpoint;
    this.out = out;
  }

  /** The sample message with a routing field {@code kind} (k0 to k9) after everything else. */
  static byte[] routedSample(long id, Instant timestamp) {
    String sample = new String(SampleMessages.sample(id, timestamp), StandardCharsets.UTF_8);
    return (sample.substring(0, sample.length() - 1) + ",\"kind\":\"k" + (id % TABLES) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Runs the rounds; returns the CPU-per-record ratio of the medians, ten tables over one. */
  public double run() throws IOException, BadMessageException {
    Path warehouse = Files.createTempDirectory("floe-routing-benchmark");
    HadoopCatalog catalog = new HadoopCatalog(new Configuration(), warehouse.toUri().toString());
    try {
      return run(catalog);
    } finally {
      catalog.close();
    }
  }

  private double run(HadoopCatalog catalog) throws IOException, BadMessageException {
    Schema schema = SampleMessages.sampleSchema();
    Map<String, Table> tables = new HashMap<>();
    tables.put("one", create(catalog, "one", schema));
    for (int t = 0; t < TABLES; t++) {
      tables.put("routed_k" + t, create(catalog, "routed_k" + t, schema));
    }
    KafkaMessage[] messages = new KafkaMessage[DISTINCT];
    Instant now = Instant.now();
    for (int i = 0; i < DISTINCT; i++) {
      messages[i] =
          new KafkaMessage(
              "sample", 0, i, now.toEpochMilli(), null, routedSample(i + 1, now), List.of());
    }
    MessageRouter router = new MessageRouter(RouteSettings.template("kind", "routed_", "", false));
    out.printf(
        "routing: %d rounds of %,d sample messages each (a commit per %,d), into one table and"
            + " into %d tables routed by the field kind (routed_${kind})%n",
        rounds, recordsPerRound, recordsPerCheckpoint, TABLES);
    RowParser parser = RowParser.create(schema, settings());
    // Warm-up: both paths compiled before anything is measured.
    round(tables, null, false, parser, messages);
    round(tables, router, true, parser, messages);
    round(tables, router, false, parser, messages);
    double[] oneNanos = new double[rounds];
    double[] routedNanos = new double[rounds];
    double[] oneCpu = new double[rounds];
    double[] routedCpu = new double[rounds];
    double[] routeOnlyCpu = new double[rounds];
    double[] oneCommitCpu = new double[rounds];
    double[] routedCommitCpu = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long[] a = round(tables, null, false, parser, messages);
      long[] b = round(tables, router, false, parser, messages);
      long[] c = round(tables, router, true, parser, messages);
      oneNanos[r] = (double) a[0] / recordsPerRound;
      oneCpu[r] = (double) a[1] / recordsPerRound;
      routedNanos[r] = (double) b[0] / recordsPerRound;
      routedCpu[r] = (double) b[1] / recordsPerRound;
      routeOnlyCpu[r] = (double) c[1] / recordsPerRound;
      oneCommitCpu[r] = (double) a[2] / recordsPerRound;
      routedCommitCpu[r] = (double) b[2] / recordsPerRound;
      out.printf(
          "  round %d: one table %.0f ns/record (%.0f CPU), %d tables %.0f ns/record (%.0f CPU),"
              + " routed but into one table %.0f CPU ns/record%n",
          r + 1, oneNanos[r], oneCpu[r], TABLES, routedNanos[r], routedCpu[r], routeOnlyCpu[r]);
    }
    double oneMedian = median(oneNanos);
    double routedMedian = median(routedNanos);
    out.printf(
        "one table: %,.0f records/s, %.0f CPU ns/record (median of %d)%n",
        1e9 / oneMedian, median(oneCpu), rounds);
    out.printf(
        "%d routed tables: %,.0f records/s, %.0f CPU ns/record (median of %d)%n",
        TABLES, 1e9 / routedMedian, median(routedCpu), rounds);
    out.printf(
        "of which closing files and committing (once per table per commit): one table %.0f,"
            + " %d tables %.0f CPU ns/record%n",
        median(oneCommitCpu), TABLES, median(routedCommitCpu));
    out.printf(
        "routed but all into one table (the route's own cost): %.0f CPU ns/record, ratio to one"
            + " table %.3f%n",
        median(routeOnlyCpu), median(routeOnlyCpu) / median(oneCpu));
    double cpuRatio = median(routedCpu) / median(oneCpu);
    out.printf(
        "ratio %d tables / one: records/s %.3f, CPU per record %.3f%n",
        TABLES, oneMedian / routedMedian, cpuRatio);
    return cpuRatio;
  }

  private static Table create(HadoopCatalog catalog, String name, Schema schema) {
    return catalog.createTable(
        TableIdentifier.of("bench", name), schema, SampleMessages.sampleSpec(schema));
  }

  /**
   * Writes the round's records (routed when a router is given, but all into the one table when
   * {@code intoOneTable}), committing every {@code recordsPerCheckpoint}; returns the wall and CPU
   * nanoseconds it took, and the CPU nanoseconds of closing files and committing.
   */
  private long[] round(
      Map<String, Table> tables,
      MessageRouter router,
      boolean intoOneTable,
      RowParser parser,
      KafkaMessage[] messages)
      throws IOException, BadMessageException {
    Map<String, TaskWriter<RowData>> writers = new HashMap<>();
    Map<String, RowDataTaskWriterFactory> factories = new HashMap<>();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpuBefore = threads.getCurrentThreadCpuTime();
    long commitCpu = 0;
    long start = System.nanoTime();
    for (long i = 0; i < recordsPerRound; i++) {
      KafkaMessage message = messages[(int) (i % messages.length)];
      String name = router == null ? "one" : router.tableFor(message);
      if (intoOneTable) {
        name = "one";
      }
      TaskWriter<RowData> writer = writers.get(name);
      if (writer == null) {
        RowDataTaskWriterFactory factory =
            factories.computeIfAbsent(
                name, n -> TableWriterFactories.create(tables.get(n), Map.of(), 0, 0));
        writer = factory.create();
        writers.put(name, writer);
      }
      writer.write(parser.parse(message));
      if ((i + 1) % recordsPerCheckpoint == 0 || i + 1 == recordsPerRound) {
        long commitStart = threads.getCurrentThreadCpuTime();
        commit(tables, writers);
        commitCpu += threads.getCurrentThreadCpuTime() - commitStart;
      }
    }
    long nanos = System.nanoTime() - start;
    long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
    return new long[] {nanos, cpu, commitCpu};
  }

  /** One commit per table that got rows, as the loader's committer does per checkpoint. */
  private static void commit(Map<String, Table> tables, Map<String, TaskWriter<RowData>> writers)
      throws IOException {
    for (Map.Entry<String, TaskWriter<RowData>> writer : writers.entrySet()) {
      WriteResult result = writer.getValue().complete();
      Table table = tables.get(writer.getKey());
      AppendFiles append = table.newAppend();
      for (DataFile file : result.dataFiles()) {
        append.appendFile(file);
      }
      append.commit();
    }
    writers.clear();
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
    RoutingBenchmark benchmark = fromArguments(List.of(args), System.out);
    if (benchmark == null) {
      System.err.println("usage: routing [--records N] [--rounds R] [--checkpoint-records C]");
      System.exit(2);
    }
    try {
      benchmark.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (BadMessageException e) {
      throw new IllegalStateException("a sample message did not route or parse: " + e, e);
    }
  }

  /** Parses {@code --records N --rounds R --checkpoint-records C}; null when the line is wrong. */
  public static RoutingBenchmark fromArguments(List<String> args, PrintStream out) {
    Arguments arguments =
        Arguments.parse(args, Set.of("records", "rounds", "checkpoint-records"), Set.of());
    long records = arguments.longValue("records", 1_000_000, 1);
    int rounds = arguments.intValue("rounds", 5, 1);
    long perCheckpoint = arguments.longValue("checkpoint-records", 100_000, 1);
    return arguments.problems().isEmpty()
        ? new RoutingBenchmark(records, rounds, perCheckpoint, out)
        : null;
  }
}
