package io.floe.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AccessDeniedException;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.ConcurrentModificationException;
import software.amazon.awssdk.services.glue.model.Database;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GetDatabasesResponse;
import software.amazon.awssdk.services.glue.model.GetTablesResponse;
import software.amazon.awssdk.services.glue.model.InvalidInputException;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;
import software.amazon.awssdk.services.glue.model.ValidationException;

/**
 * Drives the fake through the real SDK client, so the wire format, the typed errors and the
 * semantics Iceberg's GlueCatalog relies on are all checked.
 */
class FakeGlueTest {
  private static FakeGlue glue;
  private static AwsJsonFakeServer server;
  private static GlueClient client;
  private static GlueClient other;

  @BeforeAll
  static void start() {
    glue = new FakeGlue();
    server = AwsJsonFakeServer.start(glue);
    client = client("floe-test");
    other = client("floe-other");
  }

  @AfterAll
  static void stop() {
    client.close();
    other.close();
    server.close();
  }

  private static GlueClient client(String accessKeyId) {
    return GlueClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String createDatabase() {
    String name = unique("db");
    client.createDatabase(r -> r.databaseInput(d -> d.name(name).description("test")));
    return name;
  }

  private static TableInput icebergTable(String name, String metadataLocation) {
    return TableInput.builder()
        .name(name)
        .tableType("EXTERNAL_TABLE")
        .parameters(Map.of("table_type", "ICEBERG", "metadata_location", metadataLocation))
        .storageDescriptor(
            StorageDescriptor.builder()
                .location("file:/warehouse/" + name)
                .columns(Column.builder().name("id").type("bigint").build())
                .build())
        .build();
  }

  private static Table table(String database, String name) {
    return client.getTable(r -> r.databaseName(database).name(name)).table();
  }

  @Test
  void aDatabaseIsStoredUnderItsLowerCaseNameAndCreatedOnce() {
    String name = unique("Sales");
    client.createDatabase(
        r ->
            r.databaseInput(
                d -> d.name(name).locationUri("s3://bucket/sales").parameters(Map.of("k", "v"))));

    Database database = client.getDatabase(r -> r.name(name.toLowerCase())).database();
    assertThat(database.name()).isEqualTo(name.toLowerCase());
    assertThat(database.locationUri()).isEqualTo("s3://bucket/sales");
    assertThat(database.parameters()).containsEntry("k", "v");
    assertThat(database.catalogId()).isEqualTo(FakeGlue.ACCOUNT_ID);
    assertThat(database.createTime()).isNotNull();
    assertThatThrownBy(() -> client.createDatabase(r -> r.databaseInput(d -> d.name(name))))
        .isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> client.getDatabase(r -> r.name("no_such_db")))
        .isInstanceOf(EntityNotFoundException.class);
  }

  @Test
  void updateDatabaseReplacesItsInputAndCannotRenameIt() {
    String name = createDatabase();
    client.updateDatabase(
        r -> r.name(name).databaseInput(d -> d.name(name).parameters(Map.of("owner", "floe"))));

    Database database = client.getDatabase(r -> r.name(name)).database();
    assertThat(database.parameters()).containsExactly(Map.entry("owner", "floe"));
    assertThat(database.description()).as("replaced, not merged").isNull();
    assertThatThrownBy(
            () -> client.updateDatabase(r -> r.name(name).databaseInput(d -> d.name("renamed"))))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(
            () ->
                client.updateDatabase(
                    r -> r.name("no_such_db").databaseInput(d -> d.name("no_such_db"))))
        .isInstanceOf(EntityNotFoundException.class);
  }

  @Test
  void getDatabasesPagesThroughEveryDatabaseOnce() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(createDatabase());
    }

    List<String> listed = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String next = token;
      GetDatabasesResponse page = client.getDatabases(r -> r.maxResults(2).nextToken(next));
      assertThat(page.databaseList()).hasSizeLessThanOrEqualTo(2);
      page.databaseList().forEach(d -> listed.add(d.name()));
      token = page.nextToken();
      pages++;
    } while (token != null);

    assertThat(listed).doesNotHaveDuplicates().containsAll(created).isSorted();
    assertThat(pages).isGreaterThanOrEqualTo(3);
    assertThat(client.getDatabases(r -> r.maxResults(100)).databaseList()).hasSameSizeAs(listed);
    assertThatThrownBy(() -> client.getDatabases(r -> r.nextToken("not-a-token")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> client.getDatabases(r -> r.maxResults(101)))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void aTableCarriesItsParametersAndStartsAtVersionZero() {
    String database = createDatabase();
    client.createTable(r -> r.databaseName(database).tableInput(icebergTable("Events", "m1.json")));

    Table table = table(database, "events");
    assertThat(table.name()).isEqualTo("events");
    assertThat(table.databaseName()).isEqualTo(database);
    assertThat(table.versionId()).isEqualTo("0");
    assertThat(table.tableType()).isEqualTo("EXTERNAL_TABLE");
    assertThat(table.parameters())
        .containsEntry("table_type", "ICEBERG")
        .containsEntry("metadata_location", "m1.json");
    assertThat(table.storageDescriptor().columns()).extracting(Column::name).containsExactly("id");
    assertThat(table.createTime()).isNotNull();
    assertThatThrownBy(
            () ->
                client.createTable(
                    r -> r.databaseName(database).tableInput(icebergTable("events", "x"))))
        .isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(
            () ->
                client.createTable(
                    r -> r.databaseName("no_such_db").tableInput(icebergTable("t", "x"))))
        .isInstanceOf(EntityNotFoundException.class);
    assertThatThrownBy(() -> table(database, "no_such_table"))
        .isInstanceOf(EntityNotFoundException.class);
  }

  @Test
  void updateTableWithTheCurrentVersionIdSucceedsAndAStaleOneIsAConcurrentModification() {
    String database = createDatabase();
    client.createTable(r -> r.databaseName(database).tableInput(icebergTable("t", "m1.json")));
    TableInput second =
        icebergTable("t", "m2.json").toBuilder()
            .parameters(
                Map.of(
                    "table_type", "ICEBERG",
                    "metadata_location", "m2.json",
                    "previous_metadata_location", "m1.json"))
            .build();

    client.updateTable(r -> r.databaseName(database).versionId("0").tableInput(second));

    Table updated = table(database, "t");
    assertThat(updated.versionId()).isEqualTo("1");
    assertThat(updated.parameters())
        .containsEntry("metadata_location", "m2.json")
        .containsEntry("previous_metadata_location", "m1.json");
    assertThatThrownBy(
            () ->
                client.updateTable(
                    r ->
                        r.databaseName(database)
                            .versionId("0")
                            .tableInput(icebergTable("t", "m3.json"))))
        .isInstanceOf(ConcurrentModificationException.class);
    assertThat(table(database, "t").parameters()).containsEntry("metadata_location", "m2.json");
    assertThat(table(database, "t").versionId()).isEqualTo("1");
    // Without a VersionId the update is unconditional, and the whole input is replaced.
    client.updateTable(
        r ->
            r.databaseName(database)
                .tableInput(
                    icebergTable("t", "m3.json").toBuilder()
                        .parameters(Map.of("metadata_location", "m3.json"))
                        .build()));
    assertThat(table(database, "t").parameters())
        .containsExactly(Map.entry("metadata_location", "m3.json"));
    assertThat(table(database, "t").versionId()).isEqualTo("2");
    assertThatThrownBy(
            () ->
                client.updateTable(
                    r -> r.databaseName(database).tableInput(icebergTable("gone", "x"))))
        .isInstanceOf(EntityNotFoundException.class);
  }

  @Test
  void twoWritersRacingWithTheSameVersionIdOneWinsTheOtherIsRejected() throws Exception {
    String database = createDatabase();
    client.createTable(r -> r.databaseName(database).tableInput(icebergTable("race", "m1.json")));
    String versionId = table(database, "race").versionId();
    glue.holdUpdates(database, "race", 2);

    ExecutorService writers = Executors.newFixedThreadPool(2);
    List<Future<String>> results = new ArrayList<>();
    try {
      for (GlueClient writer : List.of(client, other)) {
        String location = writer == client ? "a.json" : "b.json";
        Callable<String> commit =
            () -> {
              try {
                writer.updateTable(
                    r ->
                        r.databaseName(database)
                            .versionId(versionId)
                            .skipArchive(true)
                            .tableInput(icebergTable("race", location)));
                return "won " + location;
              } catch (ConcurrentModificationException e) {
                return "rejected";
              }
            };
        results.add(writers.submit(commit));
      }
      List<String> outcomes = new ArrayList<>();
      for (Future<String> result : results) {
        outcomes.add(result.get());
      }

      assertThat(outcomes).containsOnlyOnce("rejected").hasSize(2);
      String winner = outcomes.stream().filter(o -> o.startsWith("won")).findFirst().orElseThrow();
      assertThat(table(database, "race").parameters())
          .containsEntry("metadata_location", winner.substring("won ".length()));
      assertThat(table(database, "race").versionId()).isEqualTo("1");
      assertThat(server.requests("UpdateTable"))
          .filteredOn(r -> r.text("DatabaseName").equals(Optional.of(database)))
          .filteredOn(r -> r.errorType().equals(Optional.of("ConcurrentModificationException")))
          .hasSize(1);
    } finally {
      writers.shutdownNow();
    }
  }

  @Test
  void updatesAreArchivedUnlessSkipArchiveIsSet() {
    String database = createDatabase();
    client.createTable(r -> r.databaseName(database).tableInput(icebergTable("t", "m0.json")));
    for (int i = 1; i <= 3; i++) {
      int n = i;
      client.updateTable(
          r ->
              r.databaseName(database)
                  .skipArchive(n == 2)
                  .tableInput(icebergTable("t", "m" + n + ".json")));
    }

    List<String> versions = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          client.getTableVersions(
              r -> r.databaseName(database).tableName("t").maxResults(1).nextToken(next));
      page.tableVersions()
          .forEach(
              v ->
                  versions.add(
                      v.versionId() + ":" + v.table().parameters().get("metadata_location")));
      token = page.nextToken();
    } while (token != null);

    // Version 1 (m1) was replaced with SkipArchive, so it is gone; the current version is listed.
    assertThat(versions).containsExactly("3:m3.json", "2:m2.json", "0:m0.json");
  }

  @Test
  void getTablesFiltersByExpressionAndPages() {
    String database = createDatabase();
    for (String name : List.of("orders", "order_items", "events", "clicks", "orders_archive")) {
      client.createTable(
          r -> r.databaseName(database).tableInput(icebergTable(name, name + ".json")));
    }

    List<String> all = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      GetTablesResponse page =
          client.getTables(r -> r.databaseName(database).maxResults(2).nextToken(next));
      page.tableList().forEach(t -> all.add(t.name()));
      token = page.nextToken();
    } while (token != null);

    assertThat(all).containsExactly("clicks", "events", "order_items", "orders", "orders_archive");
    assertThat(client.getTables(r -> r.databaseName(database).expression("order.*")).tableList())
        .extracting(Table::name)
        .containsExactly("order_items", "orders", "orders_archive");
    assertThat(client.getTables(r -> r.databaseName(database)).tableList())
        .allSatisfy(t -> assertThat(t.versionId()).isEqualTo("0"));
    assertThatThrownBy(() -> client.getTables(r -> r.databaseName("no_such_db")))
        .isInstanceOf(EntityNotFoundException.class);
  }

  @Test
  void deletingADatabaseDeletesItsTables() {
    String database = createDatabase();
    client.createTable(r -> r.databaseName(database).tableInput(icebergTable("a", "a.json")));
    client.createTable(r -> r.databaseName(database).tableInput(icebergTable("b", "b.json")));
    client.deleteTable(r -> r.databaseName(database).name("a"));
    assertThatThrownBy(() -> table(database, "a")).isInstanceOf(EntityNotFoundException.class);
    assertThatThrownBy(() -> client.deleteTable(r -> r.databaseName(database).name("a")))
        .isInstanceOf(EntityNotFoundException.class);

    client.deleteDatabase(r -> r.name(database));

    assertThatThrownBy(() -> client.getDatabase(r -> r.name(database)))
        .isInstanceOf(EntityNotFoundException.class);
    client.createDatabase(r -> r.databaseInput(d -> d.name(database)));
    assertThat(client.getTables(r -> r.databaseName(database)).tableList()).isEmpty();
  }

  @Test
  void missingMembersAndOtherAccountsCatalogsAreRefused() {
    assertThatThrownBy(() -> client.getDatabase(r -> r.name(null)))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> client.getDatabase(r -> r.catalogId("999999999999").name("x")))
        .isInstanceOf(AccessDeniedException.class);
    String database = createDatabase();
    assertThat(client.getDatabase(r -> r.catalogId(FakeGlue.ACCOUNT_ID).name(database)).database())
        .isNotNull();
  }

  @Test
  void everyCallIsRecordedWithItsCallerAndTheResourcesIamChecks() {
    String database = createDatabase();
    client.createTable(r -> r.databaseName(database).tableInput(icebergTable("t", "m.json")));
    glue.clearCalls();

    other.getTable(r -> r.databaseName(database).name("t"));
    client.getTables(r -> r.databaseName(database));
    client.getDatabases(r -> r.maxResults(1));
    assertThatThrownBy(() -> other.getTable(r -> r.databaseName(database).name("missing")))
        .isInstanceOf(EntityNotFoundException.class);

    String prefix = "arn:aws:glue:us-east-1:" + FakeGlue.ACCOUNT_ID + ":";
    assertThat(glue.calls())
        .containsExactly(
            new AwsCall("floe-other", "glue:GetTable", prefix + "catalog"),
            new AwsCall("floe-other", "glue:GetTable", prefix + "database/" + database),
            new AwsCall("floe-other", "glue:GetTable", prefix + "table/" + database + "/t"),
            new AwsCall("floe-test", "glue:GetTables", prefix + "catalog"),
            new AwsCall("floe-test", "glue:GetTables", prefix + "database/" + database),
            new AwsCall("floe-test", "glue:GetTables", prefix + "table/" + database + "/*"),
            new AwsCall("floe-test", "glue:GetDatabases", prefix + "catalog"),
            new AwsCall("floe-test", "glue:GetDatabases", prefix + "database/*"),
            new AwsCall("floe-other", "glue:GetTable", prefix + "catalog"),
            new AwsCall("floe-other", "glue:GetTable", prefix + "database/" + database),
            new AwsCall("floe-other", "glue:GetTable", prefix + "table/" + database + "/missing"));
    assertThat(glue.tableArn(database, "t")).isEqualTo(prefix + "table/" + database + "/t");
  }
}
