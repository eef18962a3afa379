package io.floe.benchmarks.rules;

import io.floe.benchmarks.cli.Arguments;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.RowParser;
import io.floe.loader.sample.SampleMessages;
import io.floe.loader.settings.ColumnRule;
import io.floe.loader.settings.ColumnRule.Kind;
import io.floe.loader.settings.FieldNameCase;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.source.KafkaMessage;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.Schema;

/**
 * The per-record cost of data-quality rules: the loader's RowParser on the sample payload without
 * rules and with five, in one JVM, rounds alternating between the two so that both see the same
 * machine; prints the median time and allocation per record of each and their ratio. In process, no
 * broker and no cluster: rules run inside the parse stage, so this is the figure they change.
 */
public final class RulesBenchmark {
  /** Distinct messages parsed in turn, so that the values vary as a topic's would. */
  private static final int DISTINCT = 10_000;

  private final long recordsPerRound;
  private final int rounds;
  private final PrintStream out;

  public RulesBenchmark(long recordsPerRound, int rounds, PrintStream out) {
    this.recordsPerRound = recordsPerRound;
    this.rounds = rounds;
    this.out = out;
  }

  /** The five rules on the sample payload; every sample message passes them. */
  public static List<ColumnRule> fiveRules() {
    return List.of(
        ColumnRule.of(0, "id", Kind.MIN, "1"),
        ColumnRule.of(1, "integer", Kind.MAX, "1000000000000"),
        ColumnRule.of(2, "string", Kind.NOT_NULL, "true"),
        ColumnRule.of(2, "string", Kind.MAX_LENGTH, "64"),
        ColumnRule.of(3, "timestamp", Kind.MAX_AGE, "7d"));
  }

  /** Runs the rounds; returns the ratio of the medians, with rules over without. */
  public double run() throws BadMessageException {
    Schema schema = SampleMessages.sampleSchema();
    RowParser plain = RowParser.create(schema, settings(List.of()));
    RowParser ruled = RowParser.create(schema, settings(fiveRules()));
    KafkaMessage[] messages = new KafkaMessage[DISTINCT];
    Instant now = Instant.now();
    for (int i = 0; i < DISTINCT; i++) {
      messages[i] =
          new KafkaMessage(
              "sample",
              0,
              i,
              now.toEpochMilli(),
              null,
              SampleMessages.sample(i + 1, now),
              List.of());
    }
    out.printf(
        "rules: %d rounds of %,d sample messages each, without rules and with five (%s)%n",
        rounds, recordsPerRound, fiveRules());
    // Warm-up: both parsers compiled before anything is measured.
    round(plain, messages, recordsPerRound);
    round(ruled, messages, recordsPerRound);
    double[] plainNanos = new double[rounds];
    double[] ruledNanos = new double[rounds];
    double[] plainBytes = new double[rounds];
    double[] ruledBytes = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long[] a = round(plain, messages, recordsPerRound);
      long[] b = round(ruled, messages, recordsPerRound);
      plainNanos[r] = (double) a[0] / recordsPerRound;
      plainBytes[r] = (double) a[1] / recordsPerRound;
      ruledNanos[r] = (double) b[0] / recordsPerRound;
      ruledBytes[r] = (double) b[1] / recordsPerRound;
      out.printf(
          "  round %d: without %.0f ns/record, with five rules %.0f ns/record (%.3f)%n",
          r + 1, plainNanos[r], ruledNanos[r], ruledNanos[r] / plainNanos[r]);
    }
    double ratio = median(ruledNanos) / median(plainNanos);
    out.printf(
        "without rules: %.0f ns/record, %.0f bytes allocated/record (median of %d)%n",
        median(plainNanos), median(plainBytes), rounds);
    out.printf(
        "with five rules: %.0f ns/record, %.0f bytes allocated/record (median of %d)%n",
        median(ruledNanos), median(ruledBytes), rounds);
    out.printf("ratio with/without: %.3f%n", ratio);
    return ratio;
  }

  /** Parses the messages in turn; returns the nanoseconds and bytes allocated it took. */
  private static long[] round(RowParser parser, KafkaMessage[] messages, long records)
      throws BadMessageException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long bytesBefore = threads.getThreadAllocatedBytes(thread);
    long start = System.nanoTime();
    long fields = 0;
    for (long i = 0; i < records; i++) {
      fields += parser.parse(messages[(int) (i % messages.length)]).getArity();
    }
    long nanos = System.nanoTime() - start;
    long bytes = threads.getThreadAllocatedBytes(thread) - bytesBefore;
    if (fields == 0) {
      throw new IllegalStateException("nothing parsed");
    }
    return new long[] {nanos, bytes};
  }

  private static ParseSettings settings(List<ColumnRule> rules) {
    return new ParseSettings(
        Optional.empty(), Map.of(), FieldNameCase.NONE, Map.of(), 1 << 20, rules);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /**
   * The benchmark in its own JVM: the parser needs Flink's table classes, which the loader JAR
   * leaves to the cluster, so this JVM has the local Flink cluster's classpath too.
   */
  public static void main(String[] args) throws BadMessageException {
    RulesBenchmark benchmark = fromArguments(List.of(args), System.out);
    if (benchmark == null) {
      System.err.println("usage: rules [--records N] [--rounds R]");
      System.exit(2);
    }
    benchmark.run();
  }

  /** Parses {@code --records N --rounds R}; null when the line is wrong. */
  public static RulesBenchmark fromArguments(List<String> args, PrintStream out) {
    Arguments arguments = Arguments.parse(args, Set.of("records", "rounds"), Set.of());
    long records = arguments.longValue("records", 1_000_000, 1);
    int rounds = arguments.intValue("rounds", 5, 1);
    return arguments.problems().isEmpty() ? new RulesBenchmark(records, rounds, out) : null;
  }
}
