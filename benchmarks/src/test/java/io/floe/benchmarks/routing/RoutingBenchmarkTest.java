package io.floe.benchmarks.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The routing benchmark routes every sample message into one of ten tables and writes it. */
class RoutingBenchmarkTest {
  @Test
  void everySampleMessageRoutesParsesAndIsCommittedAndTheRatiosArePrinted() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    RoutingBenchmark benchmark =
        RoutingBenchmark.fromArguments(
            List.of("--records", "200", "--rounds", "1", "--checkpoint-records", "200"),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    double ratio = benchmark.run();

    assertThat(ratio).isPositive();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("ratio 10 tables / one: records/s ");
    assertThat(new String(RoutingBenchmark.routedSample(13, Instant.now()), StandardCharsets.UTF_8))
        .startsWith("{\"id\":13,")
        .endsWith(",\"kind\":\"k3\"}");
  }

  @Test
  void aWrongCommandLineIsRefused() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(RoutingBenchmark.fromArguments(List.of("--records"), out)).isNull();
    assertThat(RoutingBenchmark.fromArguments(List.of("--speed", "2"), out)).isNull();
    assertThat(RoutingBenchmark.fromArguments(List.of("--checkpoint-records", "0"), out)).isNull();
  }
}
