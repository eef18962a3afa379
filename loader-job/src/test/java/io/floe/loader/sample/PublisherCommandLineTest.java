package io.floe.loader.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublisherCommandLineTest {
  @Test
  void parsesACountRun() {
    PublisherCommandLine commandLine =
        PublisherCommandLine.parse(
            List.of(
                "--bootstrap-servers",
                "localhost:9092",
                "--topic=events",
                "--count",
                "1000",
                "--start-id",
                "0",
                "--payload",
                "wide",
                "--malformed-share",
                "0.01",
                "--partitions",
                "4",
                "--create-topic"));
    assertThat(commandLine.problems()).isEmpty();
    assertThat(commandLine.count()).hasValue(1000);
    assertThat(commandLine.rate()).isEmpty();
    assertThat(commandLine.partitions()).contains(4);
    assertThat(commandLine.createTopic()).isTrue();
    SamplePublisherOptions options = commandLine.options();
    assertThat(options.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(options.topic()).isEqualTo("events");
    assertThat(options.startId()).isZero();
    assertThat(options.payload()).isEqualTo(SamplePayload.WIDE);
    assertThat(options.malformedShare().share()).isEqualTo(0.01);
  }

  @Test
  void parsesARateRunWithDefaults() {
    PublisherCommandLine commandLine =
        PublisherCommandLine.parse(
            List.of(
                "--bootstrap-servers",
                "b:1",
                "--topic",
                "t",
                "--rate",
                "2.5",
                "--duration",
                "90s"));
    assertThat(commandLine.problems()).isEmpty();
    assertThat(commandLine.rate()).hasValue(2.5);
    assertThat(commandLine.duration()).contains(Duration.ofSeconds(90));
    assertThat(commandLine.options().startId()).isEqualTo(1);
    assertThat(commandLine.options().payload()).isEqualTo(SamplePayload.SAMPLE);
    assertThat(commandLine.options().malformedShare().share()).isZero();
    assertThat(commandLine.partitions()).isEmpty();
    assertThat(commandLine.createTopic()).isFalse();
  }

  @Test
  void readsDurationsInSeveralUnits() {
    for (String[] each :
        new String[][] {
          {"500ms", "PT0.5S"}, {"5m", "PT5M"}, {"2h", "PT2H"}, {"PT1M30S", "PT1M30S"}
        }) {
      PublisherCommandLine commandLine =
          PublisherCommandLine.parse(
              List.of(
                  "--bootstrap-servers",
                  "b:1",
                  "--topic",
                  "t",
                  "--rate",
                  "1",
                  "--duration",
                  each[0]));
      assertThat(commandLine.duration()).as(each[0]).contains(Duration.parse(each[1]));
    }
  }

  @Test
  void listsEveryProblem() {
    PublisherCommandLine commandLine =
        PublisherCommandLine.parse(
            List.of(
                "--payload",
                "narrow",
                "--malformed-share",
                "2",
                "--start-id",
                "-1",
                "--duration",
                "soon",
                "--partitions",
                "0",
                "--verbose"));
    assertThat(commandLine.problems())
        .containsExactlyInAnyOrder(
            "unknown argument '--verbose'",
            "--bootstrap-servers is required",
            "--topic is required",
            "one of --count or --rate is required",
            "--duration must be > 0, like 500ms, 60s, 5m, 2h or PT1M, got 'soon'",
            "--duration needs --rate",
            "--start-id must be a whole number >= 0, got '-1'",
            "--payload must be sample or wide, got 'narrow'",
            "--malformed-share must be 0, or from 0.000001 to 1, got '2'",
            "--partitions must be a whole number > 0, got '0'",
            "--partitions needs --create-topic");
  }

  @Test
  void rejectsCountWithRateAndMissingValues() {
    assertThat(
            PublisherCommandLine.parse(
                    List.of(
                        "--bootstrap-servers",
                        "b:1",
                        "--topic",
                        "t",
                        "--count",
                        "5",
                        "--rate",
                        "x"))
                .problems())
        .containsExactlyInAnyOrder(
            "--rate must be a number > 0, got 'x'", "give either --count or --rate, not both");
    assertThat(
            PublisherCommandLine.parse(
                    List.of(
                        "--bootstrap-servers", "b:1", "--topic", "t", "--topic", "u", "--count"))
                .problems())
        .containsExactlyInAnyOrder(
            "--topic is given more than once",
            "--count needs a value",
            "one of --count or --rate is required");
    assertThat(
            PublisherCommandLine.parse(
                    List.of("--bootstrap-servers", "b:1", "--topic", "t", "--count", "0"))
                .problems())
        .containsExactly("--count must be a whole number > 0, got '0'");
  }

  @Test
  void invalidArgumentsExitWithTwoAndPrintTheUsage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode =
        SamplePublisher.run(
            new String[] {"--topic", "t"},
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8));
    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString(UTF_8))
        .contains("error: --bootstrap-servers is required")
        .contains("error: one of --count or --rate is required")
        .contains("Usage: java -cp loader-job.jar io.floe.loader.sample.SamplePublisher");
    assertThat(out.toString(UTF_8)).isEmpty();
  }

  @Test
  void helpPrintsTheUsageAndExitsWithZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exitCode =
        SamplePublisher.run(
            new String[] {"--help"},
            new PrintStream(out, true, UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
    assertThat(exitCode).isZero();
    assertThat(out.toString(UTF_8)).contains("--malformed-share");
  }
}
