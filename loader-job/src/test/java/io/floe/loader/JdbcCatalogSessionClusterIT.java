package io.floe.loader;

import static io.floe.loader.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.deadletter.DeadLetterSerializer;
import io.floe.loader.sample.SampleMessages;
import io.floe.loader.summary.CommitSummary;
import io.floe.loader.testing.TestPostgres;
import io.floe.loader.testing.TestTables;
import io.floe.local.LocalFlinkCluster;
import io.floe.local.LocalKafka;
import io.floe.testing.flink.FlinkTestClient;
import io.floe.testing.kafka.KafkaTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded loader JAR on a Flink session cluster (a JobManager and a TaskManager process), with a
 * JDBC catalog on PostgreSQL, as a user with their own cluster runs it: each job in a user-code
 * class loader of its own, the PostgreSQL driver only in the JAR. {@link java.sql.DriverManager}
 * hands a driver only to callers whose class loader loads that very driver class, so every job, not
 * only the first, must make its own copy of the driver known.
 *
 * <p>And one pipeline routed into three tables by a field of its messages, its TaskManager killed
 * between two tables' commits of one checkpoint: the commit of one table is held by a row lock in
 * the catalog while the tables before it have committed. Recovery from the checkpoint, and a start
 * without state, each leave every id exactly once in the table its type names, and each unroutable
 * message once in the dead-letter topic.
 */
class JdbcCatalogSessionClusterIT {
  private static final Namespace NAMESPACE = Namespace.of("db");
  private static final Instant BASE = Instant.parse("2024-05-01T10:00:00Z");
  private static final String TOPIC = "routed";
  private static final String DLQ = "routed-dlq";
  private static final List<String> TYPES = List.of("buy", "click", "view");
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "type", Types.StringType.get()),
          Types.NestedField.optional(3, "name", Types.StringType.get()));
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir static Path dir;
  private static TestPostgres postgres;
  private static LocalKafka kafka;
  private static KafkaTestClient client;
  private static LocalFlinkCluster flink;
  private static FlinkTestClient rest;
  private static String catalogName;
  private static Catalog catalog;
  private static String jar;

  @BeforeAll
  static void start() throws IOException {
    try (InputStream in =
        LocalFlinkCluster.class.getResourceAsStream("/io/floe/local/flink-cluster.classpath")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .as("the cluster's own class path (a driver there would serve every job)")
          .doesNotContain("postgresql");
    }
    postgres = TestPostgres.start();
    kafka = LocalKafka.start(dir.resolve("kafka"));
    client = new KafkaTestClient(kafka.bootstrapServers());
    flink = LocalFlinkCluster.builder(dir.resolve("flink")).taskSlots(3).start();
    rest = new FlinkTestClient(flink.restUrl());
    // A catalog of this run's own: runs that share a server (CI's) do not see each other's tables.
    catalogName = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    catalog =
        CatalogUtil.loadCatalog(
            JdbcCatalog.class.getName(), catalogName, catalogProperties(), new Configuration());
    ((SupportsNamespaces) catalog).createNamespace(NAMESPACE);
    jar = rest.uploadJar(LoaderJarIT.shadedJar().toAbsolutePath());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (catalog != null) {
        for (TableIdentifier table : catalog.listTables(NAMESPACE)) {
          catalog.dropTable(table, false);
        }
        ((SupportsNamespaces) catalog).dropNamespace(NAMESPACE);
        ((AutoCloseable) catalog).close();
      }
    } finally {
      for (AutoCloseable resource : new AutoCloseable[] {flink, client, kafka, postgres}) {
        if (resource != null) {
          resource.close();
        }
      }
    }
  }

  private static Map<String, String> catalogProperties() {
    Map<String, String> properties = new HashMap<>();
    properties.put("uri", postgres.url());
    properties.put("jdbc.user", postgres.user());
    if (!postgres.password().isEmpty()) {
      properties.put("jdbc.password", postgres.password());
    }
    properties.put("warehouse", dir.resolve("warehouse").toUri().toString());
    return properties;
  }

  @Test
  void everyJobOnTheClusterOpensTheCatalogNotOnlyTheFirst() throws IOException {
    Table first = createTable("first");
    Table second = createTable("second");
    publish("first", 1, 100);
    publish("second", 1, 100);

    String firstJob = rest.run(jar, programArgs("first"));
    awaitIds(first, 100, firstJob);
    String secondJob = rest.run(jar, programArgs("second"));
    awaitIds(second, 100, secondJob);

    rest.cancel(firstJob);
    await("first job cancelled", () -> rest.state(firstJob), "CANCELED"::equals, ofSeconds(60));
    publish("first", 101, 200);
    String firstAgain = rest.run(jar, programArgs("first"));
    awaitIds(first, 200, firstAgain);
    rest.cancel(secondJob);
    rest.cancel(firstAgain);
    await("second job cancelled", () -> rest.state(secondJob), "CANCELED"::equals, ofSeconds(60));
    await("first job cancelled", () -> rest.state(firstAgain), "CANCELED"::equals, ofSeconds(60));

    assertThat(TestTables.countsOf(first, "id"))
        .hasSize(200)
        .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(TestTables.countsOf(second, "id"))
        .hasSize(100)
        .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
  }

  @Test
  void aTaskManagerKilledBetweenTwoTablesCommitsLosesAndRepeatsNothing() throws Exception {
    client.createTopic(TOPIC, 3);
    client.createTopic(DLQ, 1);
    Table events = catalog.createTable(table("events"), SCHEMA, PartitionSpec.unpartitioned());
    // One routed table exists; the loader creates the other two like the pipeline's table.
    catalog.createTable(table("events_click"), SCHEMA, PartitionSpec.unpartitioned());

    String first = rest.run(jar, routedProgramArgs());
    publish(1, 300);
    awaitIds(300, first);
    assertThat(catalog.tableExists(table("events_buy"))).isTrue();
    assertThat(catalog.tableExists(table("events_view"))).isTrue();

    // Recovery from the checkpoint: events_view's commit is held; buy and click commit before it.
    long viewCheckpoint = maxCheckpoint("events_view");
    try (Connection lock = holdCommitsOf("events_view")) {
      publish(301, 600);
      awaitBlockedCommit();
      assertThat(maxCheckpoint("events_buy")).isGreaterThan(viewCheckpoint);
      assertThat(maxCheckpoint("events_click")).isGreaterThan(viewCheckpoint);
      assertThat(maxCheckpoint("events"))
          .as("the pipeline's table commits a checkpoint last")
          .isLessThan(maxCheckpoint("events_buy"));
      flink.killTaskManager();
      terminateBlockedCommits(lock);
      lock.rollback();
    }
    flink.startTaskManager();
    publish(601, 900);
    awaitIds(900, first);
    assertThat(restarts(first)).as("the job restored itself from its checkpoint").isPositive();

    // A start without state after the same kind of crash: the new job reads again from the
    // pipeline table's offsets, and each routed table skips what it holds.
    viewCheckpoint = maxCheckpoint("events_view");
    try (Connection lock = holdCommitsOf("events_view")) {
      publish(901, 1200);
      awaitBlockedCommit();
      assertThat(maxCheckpoint("events_click")).isGreaterThan(viewCheckpoint);
      flink.killTaskManager();
      rest.cancel(first);
      await("job cancelled", () -> rest.state(first), "CANCELED"::equals, WAIT);
      terminateBlockedCommits(lock);
      lock.rollback();
    }
    flink.startTaskManager();
    String second = rest.run(jar, routedProgramArgs());
    publish(1201, 1500);
    awaitIds(1500, second);
    // The dead letters go out after the pipeline table's commit, which follows the routed tables'
    // commits: wait for them before the job is cancelled. A transaction the killed TaskManager left
    // open holds read_committed readers back until the broker aborts it (10 s, below).
    assertDeadLettersOnce(unroutable(1, 1500));
    rest.cancel(second);
    await("job cancelled", () -> rest.state(second), "CANCELED"::equals, WAIT);

    Map<String, Map<Long, Integer>> counts = new TreeMap<>();
    for (String type : TYPES) {
      counts.put(type, TestTables.countsOf(catalog.loadTable(table("events_" + type)), "id"));
    }
    for (long id = 1; id <= 1500; id++) {
      for (String type : TYPES) {
        int expected = routable(id) && typeOf(id).equals(type) ? 1 : 0;
        assertThat(counts.get(type).getOrDefault(id, 0))
            .as("id %d in events_%s", id, type)
            .isEqualTo(expected);
      }
    }
    events.refresh();
    assertThat(TestTables.countsOf(events, "id")).as("the pipeline's own table").isEmpty();
    long routed = 0;
    for (Snapshot snapshot : events.snapshots()) {
      routed += Long.parseLong(snapshot.summary().getOrDefault(CommitSummary.RECORDS_ROUTED, "0"));
    }
    // Each routed row is counted by at most one of the pipeline table's commits. After the start
    // without state, the rows the interrupted checkpoint committed to routed tables before the
    // crash are not counted again (the new run drops them unwritten): at most that batch of 300.
    long routable = 1500 - unroutable(1, 1500).size();
    assertThat(routed)
        .as("rows the pipeline table's commits count in the routed tables")
        .isLessThanOrEqualTo(routable)
        .isGreaterThanOrEqualTo(routable - 300);
  }

  /** Every 20th message has no type; the rest cycle through the types. */
  private static boolean routable(long id) {
    return id % 20 != 0;
  }

  private static String typeOf(long id) {
    return TYPES.get((int) (id % TYPES.size()));
  }

  private static Set<Long> unroutable(long from, long to) {
    Set<Long> ids = new TreeSet<>();
    for (long id = from; id <= to; id++) {
      if (!routable(id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static void publish(long from, long to) {
    for (long id = from; id <= to; id++) {
      String json =
          routable(id)
              ? "{\"id\":" + id + ",\"type\":\"" + typeOf(id) + "\",\"name\":\"n" + id + "\"}"
              : "{\"id\":" + id + ",\"name\":\"n" + id + "\"}";
      client.send(
          TOPIC,
          Long.toString(id).getBytes(StandardCharsets.UTF_8),
          json.getBytes(StandardCharsets.UTF_8));
    }
    client.flush();
  }

  /** Until the routed tables hold every routable id up to {@code last}, failing if the job does. */
  private static void awaitIds(long last, String job) {
    long expected = 0;
    for (long id = 1; id <= last; id++) {
      expected += routable(id) ? 1 : 0;
    }
    long wanted = expected;
    await(
        wanted + " routed ids from job " + job,
        () -> {
          String state = rest.state(job);
          if (state.equals("FAILED") || state.equals("CANCELED")) {
            throw new AssertionError("Job " + job + " is " + state + ": " + rest.exceptions(job));
          }
          long ids = 0;
          for (String type : TYPES) {
            TableIdentifier routed = table("events_" + type);
            if (catalog.tableExists(routed)) {
              ids += TestTables.countsOf(catalog.loadTable(routed), "id").size();
            }
          }
          return ids;
        },
        n -> n >= wanted,
        WAIT);
  }

  /** The highest checkpoint the table's commits recorded; -1 if none. */
  private static long maxCheckpoint(String name) {
    long max = -1;
    for (Snapshot snapshot : catalog.loadTable(table(name)).snapshots()) {
      String checkpoint = snapshot.summary().get(CommitSummary.FLINK_MAX_COMMITTED_CHECKPOINT_ID);
      if (checkpoint != null) {
        max = Math.max(max, Long.parseLong(checkpoint));
      }
    }
    return max;
  }

  private static int restarts(String job) {
    return rest.get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries").size();
  }

  /** Locks the table's row in the catalog: its next commit waits until the lock goes. */
  private static Connection holdCommitsOf(String name) throws SQLException {
    Connection connection = connect();
    connection.setAutoCommit(false);
    try (PreparedStatement lock =
        connection.prepareStatement(
            "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND"
                + " table_namespace = ? AND table_name = ? FOR UPDATE")) {
      lock.setString(1, catalogName);
      lock.setString(2, NAMESPACE.toString());
      lock.setString(3, name);
      try (ResultSet row = lock.executeQuery()) {
        assertThat(row.next()).as("the catalog's row of " + name).isTrue();
      }
    }
    return connection;
  }

  /** Until a commit waits for the lock. */
  private static void awaitBlockedCommit() {
    await(
        "a commit waiting for the held table",
        JdbcCatalogSessionClusterIT::blockedCommits,
        n -> n > 0,
        WAIT);
  }

  private static int blockedCommits() {
    try (Connection connection = connect();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query"
                    + " ILIKE 'UPDATE iceberg_tables%'");
        ResultSet count = query.executeQuery()) {
      count.next();
      return count.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Ends the dead TaskManager's waiting commit in the database, as the server does once it notices
   * its client is gone, before the lock is released: else it would land after the recovery.
   */
  private static void terminateBlockedCommits(Connection lock) throws SQLException {
    try (PreparedStatement terminate =
        lock.prepareStatement(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type ="
                + " 'Lock' AND query ILIKE 'UPDATE iceberg_tables%'")) {
      terminate.executeQuery().close();
    }
    await("the dead commit ended", JdbcCatalogSessionClusterIT::blockedCommits, n -> n == 0, WAIT);
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(postgres.url(), postgres.user(), postgres.password());
  }

  private static void assertDeadLettersOnce(Set<Long> expectedIds) {
    List<ConsumerRecord<byte[], byte[]>> letters =
        client.readCommitted(DLQ, expectedIds.size(), WAIT);
    Map<String, Integer> bySource = new TreeMap<>();
    Set<Long> ids = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      bySource.merge(
          header(letter, DeadLetterSerializer.SOURCE_PARTITION)
              + "@"
              + header(letter, DeadLetterSerializer.SOURCE_OFFSET),
          1,
          Integer::sum);
      ids.add(Long.parseLong(new String(letter.key(), StandardCharsets.UTF_8)));
      assertThat(header(letter, DeadLetterSerializer.ERROR_CLASS)).isEqualTo("NO_ROUTE");
    }
    Map<String, Integer> repeated = new TreeMap<>(bySource);
    repeated.values().removeIf(n -> n == 1);
    assertThat(repeated).as("dead letters sent more than once").isEmpty();
    assertThat(ids).isEqualTo(expectedIds);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static TableIdentifier table(String name) {
    return TableIdentifier.of(NAMESPACE, name);
  }

  private static List<String> routedProgramArgs() {
    List<String> args = new ArrayList<>();
    catalogProperties()
        .forEach((key, value) -> args.addAll(List.of("--table.catalog." + key, value)));
    args.addAll(
        List.of(
            "--pipeline.name", "routed",
            "--source.bootstrap-servers", kafka.bootstrapServers(),
            "--source.topics", TOPIC,
            "--table.catalog-name", catalogName,
            "--table.catalog.type", "jdbc",
            "--table.namespace", NAMESPACE.toString(),
            "--table.name", "events",
            "--route.table", "events_${type}",
            "--route.create-tables", "true",
            "--bad-messages.dead-letter-topic", DLQ,
            "--bad-messages.transaction-timeout", "10s",
            "--job.parallelism", "2",
            "--job.flush-interval", "1s",
            "--job.restart-strategy", "fixed-delay",
            "--job.restart-delay", "1s",
            "--job.restart-attempts", "100"));
    return args;
  }

  private static Table createTable(String name) {
    client.createTopic(name, 1);
    return catalog.createTable(
        TableIdentifier.of(NAMESPACE, name),
        SampleMessages.sampleSchema(),
        SampleMessages.sampleSpec(SampleMessages.sampleSchema()));
  }

  private static void publish(String topic, long fromId, long toId) {
    for (long id = fromId; id <= toId; id++) {
      client.send(
          topic,
          Long.toString(id).getBytes(StandardCharsets.UTF_8),
          SampleMessages.sample(id, BASE.plusSeconds(id)));
    }
    client.flush();
  }

  /** The loader's arguments, as {@code flink run} or the REST API passes them to its main(). */
  private static List<String> programArgs(String table) {
    List<String> args = new ArrayList<>();
    catalogProperties()
        .forEach((key, value) -> args.addAll(List.of("--table.catalog." + key, value)));
    args.addAll(
        List.of(
            "--pipeline.name",
            table,
            "--source.bootstrap-servers",
            kafka.bootstrapServers(),
            "--source.topics",
            table,
            "--table.catalog-name",
            catalogName,
            "--table.catalog.type",
            "jdbc",
            "--table.namespace",
            NAMESPACE.toString(),
            "--table.name",
            table,
            "--job.parallelism",
            "1",
            "--job.flush-interval",
            "1s",
            "--job.restart-strategy",
            "none"));
    return args;
  }

  /** Waits until the table holds this many distinct ids, failing at once when the job fails. */
  private static void awaitIds(Table table, int count, String job) {
    await(
        count + " ids in " + table.name() + " from job " + job,
        () -> {
          String state = rest.state(job);
          if (!state.equals("RUNNING")
              && !state.equals("CREATED")
              && !state.equals("INITIALIZING")) {
            throw new AssertionError("Job " + job + " is " + state + ": " + rest.exceptions(job));
          }
          return TestTables.countsOf(table, "id").size();
        },
        n -> n >= count,
        ofSeconds(120));
  }

  private static Duration ofSeconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }
}
