package io.floe.benchmarks.upsert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The upsert benchmark upserts and appends, reads one row per key, and folds the deletes. */
class UpsertBenchmarkTest {
  @Test
  void upsertsAppendsReadsOneRowPerKeyBeforeAndAfterTheFoldAndPrintsTheRatios() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    UpsertBenchmark benchmark =
        UpsertBenchmark.fromArguments(
            List.of(
                "--records", "600", "--rounds", "1", "--checkpoint-records", "200", "--keys", "50"),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    UpsertBenchmark.Result result = benchmark.run();

    assertThat(result.liveRows()).isEqualTo(50);
    assertThat(result.upsertOverAppendCpu()).isPositive();
    assertThat(result.readAfterOverBefore()).isPositive();
    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("ratio upsert / append: records/s ")
        .contains("after the fold: 1 data + 0 delete files")
        .contains("ratio read time after / before the fold: ");
  }

  @Test
  void aWrongCommandLineIsRefused() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(UpsertBenchmark.fromArguments(List.of("--keys"), out)).isNull();
    assertThat(UpsertBenchmark.fromArguments(List.of("--speed", "2"), out)).isNull();
    assertThat(UpsertBenchmark.fromArguments(List.of("--keys", "0"), out)).isNull();
  }
}
