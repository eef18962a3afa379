package io.floe.control.chaos;

import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak benchmark of recovery, run on purpose and never in the build (README, "Recovery and read
 * positions"): for {@code floe.soak.duration} (default 10 min) two pipelines load a steadily
 * published topic while random processes are killed with {@code kill -9} (TaskManager, JobManager,
 * broker, control plane: each in every round of four, in a random order), some of them while a
 * restart or a stop is under way. Then it counts every row and dead letter by id and source
 * position, and writes a report with the time from each kill to each pipeline's next commit and the
 * recovery events.
 *
 * <pre>
 * ./mvnw -pl control-plane -am verify -Psoak -Dfloe.soak.duration=10m -Dfloe.soak.report=$PWD/docs/soak
 * </pre>
 */
class SoakBenchmark {
  private static final String NAMESPACE = "soak";
  private static final String TOPIC = "soak-events";
  private static final List<String> PIPELINES = List.of("early", "late");
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final int RATE = 200;
  private static final long BACKLOG = 1_000;

  @TempDir static Path dir;

  /** One kill and what followed. */
  private record Kill(
      Instant at, String target, String during, Map<String, Duration> toNextCommit) {}

  @Test
  void recoversFromRandomKillsWithEveryRowAndDeadLetterExactlyOnce() throws Exception {
    Duration duration = Duration.parse("PT" + System.getProperty("floe.soak.duration", "10m"));
    Path reportDir = Path.of(System.getProperty("floe.soak.report", "target/soak"));
    long seed = Long.getLong("floe.soak.seed", System.currentTimeMillis());
    Random random = new Random(seed);
    Instant started = Instant.now();
    List<Kill> kills = new ArrayList<>();

    try (ChaosStack stack =
        ChaosStack.start(
            dir.resolve("floe"),
            List.of(
                "--floe.reconcile.gone-after=5s",
                "--floe.reconcile.recovery-backoff=5s",
                "--floe.reconcile.recovery-max-backoff=30s",
                "--floe.health.interval=5s"))) {
      ApiClient api = stack.admin();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(TOPIC, 2, (short) 1),
                    new NewTopic("early-dlq", 1, (short) 1),
                    new NewTopic("late-dlq", 1, (short) 1)))
            .all()
            .get();
      }
      SteadyPublisher.publishNow(stack.kafkaBootstrapServers(), TOPIC, 1, BACKLOG);
      stack.createPipeline(NAMESPACE, "early", TOPIC, "earliest", 2);
      stack.createPipeline(NAMESPACE, "late", TOPIC, "latest", 1);
      for (String pipeline : PIPELINES) {
        api.awaitState(pipeline, "RUNNING", WAIT);
      }

      try (SteadyPublisher publisher =
          SteadyPublisher.start(stack.kafkaBootstrapServers(), TOPIC, RATE, BACKLOG + 1)) {
        stack.awaitCommitsAfter(NAMESPACE, PIPELINES, Instant.now(), WAIT);
        Instant end = started.plus(duration);
        int round = 0;
        List<String> targets = new ArrayList<>();
        while (Instant.now().isBefore(end) || kills.size() < 10) {
          round++;
          if (targets.isEmpty()) {
            // Every process in each round of four, in a random order.
            targets.addAll(List.of("taskmanager", "jobmanager", "broker", "control-plane"));
            Collections.shuffle(targets, random);
          }
          String target = targets.remove(0);
          String during = round % 5 == 2 ? "restart" : round % 5 == 4 ? "stop" : "steady";
          String pipeline = PIPELINES.get(random.nextInt(PIPELINES.size()));
          if (!during.equals("steady")) {
            String path = "/pipelines/" + pipeline + "/" + during;
            ApiClient.Response response = api.post(path, "");
            assertThat(response.status()).as(response.toString()).isEqualTo(202);
            String phase = during.equals("restart") ? "STARTING" : "STOPPING";
            ApiClient client = api;
            await(
                pipeline + " " + phase,
                () ->
                    client
                        .get("/pipelines/" + pipeline)
                        .body()
                        .path("status")
                        .path("observedState")
                        .asString(),
                state -> state.equals(phase) || state.equals("RUNNING") || state.equals("STOPPED"),
                WAIT);
            during = during + " of " + pipeline;
          }
          Instant kill = Instant.now();
          switch (target) {
            case "taskmanager" -> stack.killTaskManager();
            case "jobmanager" -> stack.killJobManager();
            case "broker" -> stack.killBroker();
            default -> {
              stack.killControlPlane();
              stack.startControlPlane();
              api = stack.admin();
            }
          }
          if (during.startsWith("stop")) {
            // The pipeline was being stopped: whatever became of the stop, start it again.
            awaitIdle(api, pipeline);
            ApiClient.Response start = api.post("/pipelines/" + pipeline + "/start", "");
            assertThat(start.status()).as(start.toString()).isEqualTo(202);
          }
          Map<String, Duration> toNextCommit =
              stack.awaitCommitsAfter(NAMESPACE, PIPELINES, kill, WAIT);
          ChaosStack.log(
              "kill " + kills.size() + " of " + target + " (" + during + "): " + toNextCommit);
          kills.add(new Kill(kill, target, during, toNextCommit));
          Instant next = Instant.now().plusSeconds(10 + random.nextInt(20));
          while (Instant.now().isBefore(next)) {
            Thread.sleep(250);
          }
        }
      }

      List<Ledger.Message> published = Ledger.read(stack.kafkaBootstrapServers(), TOPIC);
      Map<String, Long> lateStart = stack.startPositions(NAMESPACE, "late");
      List<Ledger.Message> forLate =
          published.stream()
              .filter(m -> m.offset() >= lateStart.get(TOPIC + ":" + m.partition()))
              .collect(Collectors.toList());
      Map<String, Ledger.Verdict> verdicts = new LinkedHashMap<>();
      verdicts.put("early", stack.awaitExactlyOnce(NAMESPACE, "early", published, WAIT));
      verdicts.put("late", stack.awaitExactlyOnce(NAMESPACE, "late", forLate, WAIT));
      Map<String, List<String>> recoveries = new TreeMap<>();
      for (String pipeline : PIPELINES) {
        recoveries.put(
            pipeline,
            api.get("/pipelines/" + pipeline + "/events?limit=500")
                .body()
                .valueStream()
                .filter(
                    e ->
                        List.of("RECOVERING", "RECOVERED", "STRAY_RUN_CANCELLED")
                            .contains(e.path("type").asString()))
                .map(
                    e ->
                        e.path("at").asString()
                            + " "
                            + e.path("type").asString()
                            + ": "
                            + e.path("message").asString())
                .sorted()
                .collect(Collectors.toList()));
      }
      writeReport(
          reportDir, seed, started, duration, published.size(), kills, verdicts, recoveries);
      for (Ledger.Verdict verdict : verdicts.values()) {
        assertThat(verdict.exact()).as(verdict.toString()).isTrue();
      }
    }
  }

  /** Until no operation of the pipeline is pending or running. */
  private static void awaitIdle(ApiClient api, String pipeline) {
    await(
        pipeline + " has no operation under way",
        () -> api.get("/pipelines/" + pipeline + "/operations?limit=5").body(),
        ops ->
            ops.valueStream()
                .allMatch(
                    op ->
                        op.path("state").asString().equals("SUCCEEDED")
                            || op.path("state").asString().equals("FAILED")),
        WAIT);
  }

  private static void writeReport(
      Path dir,
      long seed,
      Instant started,
      Duration duration,
      int published,
      List<Kill> kills,
      Map<String, Ledger.Verdict> verdicts,
      Map<String, List<String>> recoveries)
      throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("# Recovery soak: ")
        .append(started.truncatedTo(ChronoUnit.SECONDS))
        .append("\n\n")
        .append("Generated by `SoakBenchmark` (control-plane tests, profile `soak`): two pipelines")
        .append(
            " (`early`: starting offsets earliest, parallelism 2; `late`: latest, parallelism 1;")
        .append(" flush 2 s) load a topic of 2 partitions published at ")
        .append(RATE)
        .append(
            " messages/s, one in a hundred malformed, on the local stack of `./floe-local`, while")
        .append(" processes are killed with `kill -9`. Seed ")
        .append(seed)
        .append(", planned duration ")
        .append(duration.toMinutes())
        .append(" min, ")
        .append(published)
        .append(" messages published.\n\n## Exactly once\n\n")
        .append(
            "| pipeline | rows expected | rows lost | rows duplicated | dead letters expected |")
        .append(
            " dead letters lost | dead letters duplicated |\n| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Ledger.Verdict verdict : verdicts.values()) {
      out.append(
          String.format(
              "| %s | %d | %d | %d | %d | %d | %d |%n",
              verdict.pipeline(),
              verdict.expectedRows(),
              verdict.rowsLost().size() + verdict.rowsUnexpected().size(),
              verdict.duplicatedRows(),
              verdict.expectedDeadLetters(),
              verdict.deadLettersLost().size() + verdict.deadLettersUnexpected().size(),
              verdict.duplicatedDeadLetters()));
    }
    List<Long> seconds = new ArrayList<>();
    kills.forEach(k -> k.toNextCommit().values().forEach(d -> seconds.add(d.toMillis())));
    seconds.sort(Long::compare);
    out.append("\n## Kills\n\n")
        .append(kills.size())
        .append(" kills. Time from a kill to each pipeline's next commit: p50 ")
        .append(percentile(seconds, 50))
        .append(" s, p99 ")
        .append(percentile(seconds, 99))
        .append(" s, max ")
        .append(percentile(seconds, 100))
        .append(
            " s.\n\n| # | at (s) | killed | during | early: next commit (s) | late: next commit (s) |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n");
    int n = 0;
    for (Kill kill : kills) {
      out.append(
          String.format(
              "| %d | %d | %s | %s | %.1f | %.1f |%n",
              ++n,
              Duration.between(started, kill.at()).toSeconds(),
              kill.target(),
              kill.during(),
              kill.toNextCommit().get("early").toMillis() / 1000.0,
              kill.toNextCommit().get("late").toMillis() / 1000.0));
    }
    out.append("\n## Recovery events\n");
    recoveries.forEach(
        (pipeline, events) -> {
          out.append("\n### ").append(pipeline).append("\n\n");
          events.forEach(e -> out.append("- ").append(e).append('\n'));
        });
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.md"), out, StandardCharsets.UTF_8);
  }

  private static String percentile(List<Long> millis, int percentile) {
    if (millis.isEmpty()) {
      return "-";
    }
    int index = (int) Math.ceil(percentile / 100.0 * millis.size()) - 1;
    return String.format("%.1f", millis.get(Math.max(0, index)) / 1000.0);
  }
}
