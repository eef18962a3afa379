package io.floe.loader;

import static io.floe.loader.testing.Eventually.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.summary.CommitSummary;
import io.floe.loader.testing.TestTables;
import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalKafka;
import io.floe.testing.flink.FlinkTestClient;
import io.floe.testing.kafka.KafkaTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upserts exactly once, end to end: the shaded loader on a Flink session cluster upserts a table by
 * key while keys are updated many times, deleted by tombstone and by a marker field, and inserted
 * again; its TaskManager is killed (kill -9) twice while messages flow. At the end the table, read
 * with Iceberg's generic reader (deletes applied), equals the model computed from the published
 * messages: one row per live key with its last values, deleted keys absent.
 */
class UpsertExactlyOnceIT {
  private static final String TOPIC = "accounts";
  private static final int KEYS = 200;
  private static final int KEYS_PER_ROUND = 50;
  private static final Schema SCHEMA =
      new Schema(
          List.of(
              Types.NestedField.required(1, "id", Types.LongType.get()),
              Types.NestedField.optional(2, "version", Types.LongType.get()),
              Types.NestedField.optional(3, "name", Types.StringType.get())),
          Set.of(1));
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir static Path dir;
  private static LocalKafka kafka;
  private static KafkaTestClient client;
  private static LocalFlinkCluster flink;
  private static FlinkTestClient rest;
  private static TestTables tables;
  private static String jar;

  @BeforeAll
  static void start() throws Exception {
    kafka = LocalKafka.start(dir.resolve("kafka"));
    client = new KafkaTestClient(kafka.bootstrapServers());
    flink = LocalFlinkCluster.builder(dir.resolve("flink")).taskSlots(2).start();
    rest = new FlinkTestClient(flink.restUrl());
    tables = new TestTables(dir.resolve("warehouse"));
    jar = rest.uploadJar(LoaderJarIT.shadedJar().toAbsolutePath());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable resource : new AutoCloseable[] {tables, flink, client, kafka}) {
      if (resource != null) {
        resource.close();
      }
    }
  }

  @Test
  void theTableHoldsTheLastStateOfEveryKeyAfterTwoTaskManagerKills() throws Exception {
    client.createTopic(TOPIC, 3);
    Table table =
        tables.create(TOPIC, SCHEMA, PartitionSpec.builderFor(SCHEMA).bucket("id", 2).build());
    String job = rest.run(jar, programArgs());
    ChangePublisher publisher = new ChangePublisher();

    for (int kill = 1; kill <= 2; kill++) {
      long before = awaitCommitAfter(table, -1, job);
      flink.killTaskManager();
      flink.startTaskManager();
      long after = awaitCommitAfter(table, before, job);
      System.out.printf("kill %d: committed checkpoint %d before, %d after%n", kill, before, after);
    }
    Model expected = publisher.stop();

    Map<Long, String> loaded =
        await(
            "the table to equal the model of " + expected.published + " published messages",
            () -> state(table, job),
            expected.live::equals,
            WAIT);
    assertThat(loaded).isEqualTo(expected.live);
    assertThat(expected.deletedByTombstone)
        .as("keys whose last message is a tombstone")
        .isNotEmpty();
    assertThat(expected.deletedByMarker).as("keys whose last message is a marker").isNotEmpty();
    assertThat(loaded.keySet())
        .doesNotContainAnyElementsOf(expected.deletedByTombstone)
        .doesNotContainAnyElementsOf(expected.deletedByMarker);
    assertThat(restarts(job))
        .as("the job restored itself after each kill")
        .isGreaterThanOrEqualTo(2);
    table.refresh();
    long deleted = 0;
    for (Snapshot snapshot : table.snapshots()) {
      deleted +=
          Long.parseLong(snapshot.summary().getOrDefault(CommitSummary.RECORDS_DELETED, "0"));
    }
    assertThat(deleted).as("keys deleted by the table's commits").isPositive();
    System.out.printf(
        "%d messages, %d live keys, %d snapshots, %d deletes committed, %d restarts%n",
        expected.published, loaded.size(), countSnapshots(table), deleted, restarts(job));
    rest.cancel(job);
    await("job cancelled", () -> rest.state(job), "CANCELED"::equals, WAIT);
  }

  /** The table as Iceberg's generic reader sees it: id to "name@version", each id at most once. */
  private static Map<Long, String> state(Table table, String job) {
    String status = rest.state(job);
    if (status.equals("FAILED") || status.equals("CANCELED")) {
      throw new AssertionError("Job " + job + " is " + status + ": " + rest.exceptions(job));
    }
    Map<Long, String> rows = new TreeMap<>();
    for (Record row : TestTables.rows(table)) {
      String previous =
          rows.put((Long) row.getField("id"), row.getField("name") + "@" + row.getField("version"));
      if (previous != null) {
        throw new AssertionError("Two rows of id " + row.getField("id") + " in the table");
      }
    }
    return rows;
  }

  /** Waits for a commit of a checkpoint after {@code checkpoint}; returns the newest one. */
  private static long awaitCommitAfter(Table table, long checkpoint, String job) {
    return await(
        "a commit after checkpoint " + checkpoint,
        () -> {
          String status = rest.state(job);
          if (status.equals("FAILED") || status.equals("CANCELED")) {
            throw new AssertionError("Job " + job + " is " + status + ": " + rest.exceptions(job));
          }
          table.refresh();
          long max = -1;
          for (Snapshot snapshot : table.snapshots()) {
            String id = snapshot.summary().get(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID);
            if (id != null) {
              max = Math.max(max, Long.parseLong(id));
            }
          }
          return max;
        },
        max -> max > checkpoint,
        WAIT);
  }

  private static int countSnapshots(Table table) {
    int count = 0;
    for (Snapshot ignored : table.snapshots()) {
      count++;
    }
    return count;
  }

  private static int restarts(String job) {
    return rest.get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries").size();
  }

  private static List<String> programArgs() {
    Map<String, String> settings = new TreeMap<>(tables.loaderSettings(TOPIC));
    settings.put("pipeline.name", TOPIC);
    settings.put("source.bootstrap-servers", kafka.bootstrapServers());
    settings.put("source.topics", TOPIC);
    settings.put("write.mode", "upsert");
    settings.put("write.delete-field", "op");
    settings.put("write.delete-values", "d");
    settings.put("job.parallelism", "2");
    settings.put("job.flush-interval", "1s");
    settings.put("job.restart-strategy", "fixed-delay");
    settings.put("job.restart-delay", "1s");
    settings.put("job.restart-attempts", "100");
    List<String> args = new ArrayList<>();
    settings.forEach((key, value) -> args.addAll(List.of("--" + key, value)));
    return args;
  }

  /** What the published messages leave in the table, computed as they are published. */
  private static final class Model {
    private final Map<Long, String> live = new TreeMap<>();
    private final Set<Long> deletedByTombstone = new java.util.TreeSet<>();
    private final Set<Long> deletedByMarker = new java.util.TreeSet<>();
    private long published;
  }

  /**
   * Publishes rounds of changes in the background, about ten a second, each to the next {@link
   * #KEYS_PER_ROUND} keys (all keys every few rounds): mostly a new version of the key, else a
   * tombstone or a marker delete. Every message of a key has the key as its record key, so a key's
   * messages stay in one partition, in order.
   */
  private static final class ChangePublisher {
    private final Model model = new Model();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    ChangePublisher() {
      thread = new Thread(this::run, "change-publisher");
      thread.start();
    }

    private void run() {
      for (long round = 1; running.get(); round++) {
        for (int k = 0; k < KEYS_PER_ROUND; k++) {
          long id = ((round - 1) * KEYS_PER_ROUND + k) % KEYS + 1;
          publish(id, round);
        }
        client.flush();
        try {
          Thread.sleep(100); // the publishing rate, not a wait for a condition
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void publish(long id, long round) {
      byte[] key = Long.toString(id).getBytes(UTF_8);
      long choice = (id * 31 + round * 17) % 10;
      if (choice == 0) {
        client.send(TOPIC, key, null);
        model.live.remove(id);
        model.deletedByTombstone.add(id);
        model.deletedByMarker.remove(id);
      } else if (choice == 1) {
        client.send(TOPIC, key, ("{\"id\": " + id + ", \"op\": \"d\"}").getBytes(UTF_8));
        model.live.remove(id);
        model.deletedByMarker.add(id);
        model.deletedByTombstone.remove(id);
      } else {
        String name = "n" + id + "-" + round;
        client.send(
            TOPIC,
            key,
            ("{\"id\": " + id + ", \"version\": " + round + ", \"name\": \"" + name + "\"}")
                .getBytes(UTF_8));
        model.live.put(id, name + "@" + round);
        model.deletedByTombstone.remove(id);
        model.deletedByMarker.remove(id);
      }
      model.published++;
    }

    Model stop() throws InterruptedException {
      running.set(false);
      thread.join();
      client.flush();
      return model;
    }
  }
}
