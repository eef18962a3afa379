package io.floe.loader;

import static io.floe.loader.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.sample.SampleMessages;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
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
 */
class JdbcCatalogSessionClusterIT {
  private static final Namespace NAMESPACE = Namespace.of("db");
  private static final Instant BASE = Instant.parse("2024-05-01T10:00:00Z");

  @TempDir static Path dir;
  private static TestPostgres postgres;
  private static LocalKafka kafka;
  private static KafkaTestClient client;
  private static LocalFlinkCluster flink;
  private static FlinkTestClient rest;
  private static String catalogName;
  private static Catalog catalog;

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
    String jar = rest.uploadJar(LoaderJarIT.shadedJar().toAbsolutePath());
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
