package io.floe.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.loader.settings.InvalidSettingsException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a user sees when the loader is started with bad settings: every problem, at once. */
class LoaderJobMainTest {
  @Test
  void oneStartWithSeveralBadSettingsPrintsEveryProblem() {
    String[] args = {
      "--pipeline.name", "Orders!",
      "--source.topics", "orders",
      "--source.security-protocol", "sasl-ssl",
      "--table.catalog.type", "jdbc",
      "--table.name", "orders",
      "--job.flush-interval", "soon",
      "--job.parallelism", "0",
      "--parse.metadata-columns", "offset,payload",
      "--bad-messages.policy", "dead-letter",
      "--sink.flush", "1s"
    };
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThatThrownBy(() -> LoaderJob.main(args)).isInstanceOf(InvalidSettingsException.class);
    } finally {
      System.setErr(original);
    }
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("Invalid loader settings (10 problems)")
        .contains("pipeline.name: 'Orders!' is not a pipeline name")
        .contains("source.bootstrap-servers: is required")
        .contains("source.sasl-mechanism: is required with security protocol SASL_SSL")
        .contains("source.credentials: is required with security protocol SASL_SSL")
        .contains("table.namespace: is required")
        .contains("job.flush-interval: 'soon' is not a duration")
        .contains("job.parallelism: 0 is below the minimum of 1")
        .contains(
            "parse.metadata-columns: 'payload' is not one of topic, partition, offset, timestamp, key,"
                + " headers")
        .contains(
            "bad-messages.dead-letter-topic: is required with bad-messages.policy=dead-letter")
        .contains("sink.flush: unknown setting");
  }
}
