package io.floe.benchmarks.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules benchmark runs its five rules on the sample payload, every message passing them. */
class RulesBenchmarkTest {
  @Test
  void everySampleMessagePassesTheFiveRulesAndTheRatioIsPrinted() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    RulesBenchmark benchmark =
        RulesBenchmark.fromArguments(
            List.of("--records", "20000", "--rounds", "1"),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    double ratio = benchmark.run();

    assertThat(RulesBenchmark.fiveRules()).hasSize(5);
    assertThat(ratio).isPositive();
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("ratio with/without: ");
  }

  @Test
  void aWrongCommandLineIsRefused() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(RulesBenchmark.fromArguments(List.of("--records"), out)).isNull();
    assertThat(RulesBenchmark.fromArguments(List.of("--speed", "2"), out)).isNull();
    assertThat(RulesBenchmark.fromArguments(List.of("--rounds", "0"), out)).isNull();
  }
}
