package io.floe.control.chaos;

import static io.floe.control.chaos.ChaosStack.log;
import static io.floe.control.testing.ApiClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.testing.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Floe's promise under failure, as {@code ./floe-local} runs it: two pipelines (starting offsets
 * earliest and latest) load a steadily published topic with one malformed message in a hundred
 * while the TaskManager, the JobManager and the control plane itself are killed with {@code kill
 * -9}, with no API call in between (but one that changes a parallelism between two kills). Nobody
 * starts anything by hand: the local stack starts its processes again, the control plane recovers
 * the pipelines. In the end every good id is in each table exactly once, every malformed message in
 * each dead-letter topic exactly once (by source partition and offset), and both pipelines are
 * RUNNING and HEALTHY.
 */
class ChaosIT {
  private static final Duration WAIT = Duration.ofMinutes(4);
  private static final String NAMESPACE = "chaos";
  private static final String TOPIC = "chaos-events";
  private static final List<String> PIPELINES = List.of("early", "late");
  private static final int RATE = 100;
  private static final long BACKLOG = 500;

  @TempDir static Path dir;
  static ChaosStack stack;

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void pipelinesComeBackByThemselvesWithEveryRowAndDeadLetterExactlyOnce() throws Exception {
    stack =
        ChaosStack.start(
            dir.resolve("floe"),
            List.of(
                "--floe.reconcile.gone-after=2s",
                "--floe.reconcile.recovery-backoff=5s",
                "--floe.reconcile.recovery-max-backoff=30s",
                "--floe.health.interval=2s"));
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
    // Published before the pipelines exist: the earliest one loads these, the latest one not.
    SteadyPublisher.publishNow(stack.kafkaBootstrapServers(), TOPIC, 1, BACKLOG);
    stack.createPipeline(NAMESPACE, "early", TOPIC, "earliest", 1);
    stack.createPipeline(NAMESPACE, "late", TOPIC, "latest", 1);
    for (String pipeline : PIPELINES) {
      api.awaitState(pipeline, "RUNNING", WAIT);
    }

    try (SteadyPublisher publisher =
        SteadyPublisher.start(stack.kafkaBootstrapServers(), TOPIC, RATE, BACKLOG + 1)) {
      awaitCommitsAfter(Instant.now());

      log("kill -9 of the TaskManager");
      Instant kill = Instant.now();
      stack.killTaskManager();
      awaitCommitsAfter(kill);

      log("kill -9 of the JobManager");
      kill = Instant.now();
      stack.killJobManager();
      awaitCommitsAfter(kill);
      for (String pipeline : PIPELINES) {
        api.awaitState(pipeline, "RUNNING", WAIT);
      }

      log("parallelism 2 for early");
      ApiClient.Response rescale =
          api.post("/pipelines/early/parallelism", Map.of("parallelism", 2));
      assertThat(rescale.status()).as(rescale.toString()).isEqualTo(202);
      assertThat(
              api.awaitOperation(rescale.body().path("id").asString(), WAIT)
                  .path("state")
                  .asString())
          .isEqualTo("SUCCEEDED");

      log("kill -9 of the control plane, then a new one on the same state");
      kill = Instant.now();
      stack.killControlPlane();
      stack.startControlPlane();
      api = stack.admin();
      awaitCommitsAfter(kill);

      log("kill -9 of the TaskManager");
      kill = Instant.now();
      stack.killTaskManager();
      awaitCommitsAfter(kill);
      log("publisher stops at id " + (publisher.nextId() - 1));
    }

    List<Ledger.Message> published = Ledger.read(stack.kafkaBootstrapServers(), TOPIC);
    assertThat(published.stream().map(Ledger.Message::id).distinct().count())
        .as("every id published once")
        .isEqualTo(published.size());
    Map<String, Long> lateStart = stack.startPositions(NAMESPACE, "late");
    List<Ledger.Message> forLate =
        published.stream()
            .filter(m -> m.offset() >= lateStart.get(TOPIC + ":" + m.partition()))
            .collect(Collectors.toList());
    assertThat(forLate.stream().mapToLong(Ledger.Message::id).min().orElseThrow())
        .as("the latest pipeline starts after the backlog")
        .isGreaterThan(BACKLOG);

    Ledger.Verdict early = stack.awaitExactlyOnce(NAMESPACE, "early", published, WAIT);
    Ledger.Verdict late = stack.awaitExactlyOnce(NAMESPACE, "late", forLate, WAIT);
    log(early.toString());
    log(late.toString());
    assertThat(early.exact()).as(early.toString()).isTrue();
    assertThat(late.exact()).as(late.toString()).isTrue();

    for (String pipeline : PIPELINES) {
      api.awaitState(pipeline, "RUNNING", WAIT);
      ApiClient client = api;
      JsonNode health =
          await(
              pipeline + " HEALTHY",
              () -> client.get("/pipelines/" + pipeline + "/health").body(),
              h -> h.path("status").asString().equals("HEALTHY"),
              WAIT);
      assertThat(health.path("reasons").get(0).asString()).isEqualTo("loading on time");
    }
    List<String> recoveries =
        api.get("/pipelines/late/events?limit=500")
            .body()
            .valueStream()
            .filter(e -> e.path("type").asString().equals("RECOVERING"))
            .map(e -> e.path("message").asString())
            .collect(Collectors.toList());
    assertThat(recoveries)
        .as("the JobManager's and the control plane's kills were recovered from checkpoints")
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(message -> assertThat(message).contains("restoring file:"));
  }

  private static void awaitCommitsAfter(Instant instant) {
    stack.awaitCommitsAfter(NAMESPACE, PIPELINES, instant, WAIT);
  }
}
