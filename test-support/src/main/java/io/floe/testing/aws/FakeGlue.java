package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The AWS Glue Data Catalog in memory, for one account and one region, with the semantics Iceberg's
 * {@code GlueCatalog} and {@code GlueTableOperations} rely on, served by {@link AwsJsonFakeServer}
 * (target prefix {@code AWSGlue}) so that the real {@code GlueClient} and the real catalog run
 * against it. Every call is recorded as the {@link AwsCall}s IAM would authorize, so that a test
 * can check them against a policy.
 *
 * <p>Implemented, as the Glue API reference describes them (pages API_CreateDatabase,
 * API_GetDatabase, API_GetDatabases, API_UpdateDatabase, API_DeleteDatabase, API_CreateTable,
 * API_GetTable, API_GetTables, API_UpdateTable, API_DeleteTable, API_GetTableVersions):
 *
 * <ul>
 *   <li>Database and table names are folded to lower case when stored ("for Hive compatibility"); a
 *       name is 1 to 255 characters on one line.
 *   <li>A table is stored as the {@code TableInput} given (its {@code Parameters} carry Iceberg's
 *       {@code metadata_location}, {@code previous_metadata_location} and {@code table_type}) plus
 *       {@code DatabaseName}, {@code CatalogId}, {@code CreateTime}, {@code UpdateTime} and {@code
 *       VersionId}. {@code VersionId} is an integer as a string, "0" on creation, incremented by
 *       one per UpdateTable.
 *   <li>UpdateTable replaces the whole table input (parameters it omits are gone). With a {@code
 *       VersionId} that is not the table's current one it fails with {@code
 *       ConcurrentModificationException} and changes nothing: Glue's optimistic concurrency, which
 *       Iceberg uses instead of a lock. Unless {@code SkipArchive} is true, the version replaced is
 *       archived and listed by GetTableVersions.
 *   <li>DeleteDatabase deletes the database's tables with it.
 *   <li>GetDatabases and GetTables return at most {@code MaxResults} (1 to 100, default 100) items
 *       in name order, and a {@code NextToken} while more remain; GetTables filters names by the
 *       regular expression {@code Expression}.
 *   <li>Errors carry the codes the SDK maps to typed exceptions: {@code EntityNotFoundException},
 *       {@code AlreadyExistsException}, {@code ConcurrentModificationException}, {@code
 *       InvalidInputException} (a bad next token, an invalid expression, a rename through
 *       UpdateDatabase), {@code ValidationException} (a missing required member, a value out of
 *       range) and {@code AccessDeniedException} (another account's catalog id).
 * </ul>
 *
 * <p>The IAM resources of a call follow "Specifying AWS Glue resource ARNs": an operation on a
 * resource needs permission on it and on its ancestors (catalog, database), a delete also on its
 * children, and a listing on the items it may return ({@code database/*}, {@code table/<db>/*}).
 * Not modelled: partitions, indexes, column statistics, transactions ({@code TransactionId} and
 * {@code QueryAsOfTime} are ignored), resource links, Lake Formation, encryption and tags.
 */
public final class FakeGlue implements AwsJsonService {
  /** The {@code X-Amz-Target} prefix of Glue. */
  public static final String TARGET_PREFIX = "AWSGlue";

  /** The account whose catalog this is; its id is also the catalog id. */
  public static final String ACCOUNT_ID = "123456789012";

  private static final int MAX_RESULTS = 100;
  private static final int MAX_NAME_LENGTH = 255;
  private static final Duration HOLD_TIMEOUT = Duration.ofSeconds(30);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String region;
  private final Clock clock;
  private final AwsCallLog calls = new AwsCallLog();
  // Guarded by this: databases by name, and each database's tables by name.
  private final Map<String, Database> databases = new TreeMap<>();
  // Guarded by this: UpdateTable calls to hold until as many arrived, by "db/table".
  private final Map<String, CountDownLatch> heldUpdates = new HashMap<>();
  // Guarded by this: callers whose next UpdateTable of "db/table" waits for another's update.
  private final Map<String, String> overtakenUpdates = new HashMap<>();

  /** A Glue catalog in us-east-1 on the system clock. */
  public FakeGlue() {
    this("us-east-1", Clock.systemUTC());
  }

  /**
   * @param region the region ARNs name; give the region the clients under test use
   * @param clock the time of creations and updates
   */
  public FakeGlue(String region, Clock clock) {
    this.region = requireNonNull(region, "region is null");
    this.clock = requireNonNull(clock, "clock is null");
    if (region.isBlank()) {
      throw new IllegalArgumentException("region is blank");
    }
  }

  public String region() {
    return region;
  }

  @Override
  public String targetPrefix() {
    return TARGET_PREFIX;
  }

  @Override
  public Map<String, AwsJsonOperation> operations() {
    return Map.ofEntries(
        Map.entry("CreateDatabase", this::createDatabase),
        Map.entry("GetDatabase", this::getDatabase),
        Map.entry("GetDatabases", this::getDatabases),
        Map.entry("UpdateDatabase", this::updateDatabase),
        Map.entry("DeleteDatabase", this::deleteDatabase),
        Map.entry("CreateTable", this::createTable),
        Map.entry("GetTable", this::getTable),
        Map.entry("GetTables", this::getTables),
        Map.entry("UpdateTable", this::updateTable),
        Map.entry("DeleteTable", this::deleteTable),
        Map.entry("GetTableVersions", this::getTableVersions));
  }

  /** Every call so far, one entry per resource IAM checks for it, oldest first. */
  public List<AwsCall> calls() {
    return calls.calls();
  }

  /** Forgets the calls recorded so far; the catalog keeps its state. */
  public void clearCalls() {
    calls.clear();
  }

  /** The ARN of this account's catalog, the root of every Glue resource. */
  public String catalogArn() {
    return arnPrefix() + "catalog";
  }

  public String databaseArn(String database) {
    return arnPrefix() + "database/" + database;
  }

  public String tableArn(String database, String table) {
    return arnPrefix() + "table/" + database + "/" + table;
  }

  /**
   * Test control: the next {@code count} UpdateTable calls of this table each wait until all of
   * them arrived (at most 30 s) before they are applied one by one, so that writers that read the
   * same {@code VersionId} race as they can in production. The first applied wins; the others fail
   * with {@code ConcurrentModificationException}.
   */
  public synchronized void holdUpdates(String database, String table, int count) {
    if (count < 2) {
      throw new IllegalArgumentException("count " + count + " is not a race of at least two");
    }
    heldUpdates.put(
        fold(requireNonNull(database, "database is null"))
            + "/"
            + fold(requireNonNull(table, "table is null")),
        new CountDownLatch(count));
  }

  /**
   * Test control: the next UpdateTable of this table by {@code caller} (an access key id) waits
   * until another caller's UpdateTable of it was applied (at most 30 s), then goes on with the
   * {@code VersionId} it read: it fails with {@code ConcurrentModificationException}, as a commit
   * overtaken by a concurrent writer does in production.
   */
  public synchronized void overtakeNextUpdate(String caller, String database, String table) {
    overtakenUpdates.put(
        fold(requireNonNull(database, "database is null"))
            + "/"
            + fold(requireNonNull(table, "table is null")),
        requireNonNull(caller, "caller is null"));
  }

  private synchronized ObjectNode createDatabase(AwsJsonInput input) {
    ObjectNode databaseInput = requiredObject(input, "DatabaseInput");
    String name = fold(requiredName(databaseInput, "databaseInput.name"));
    record(input, catalogArn(), databaseArn(name));
    if (databases.containsKey(name)) {
      throw new AwsJsonError("AlreadyExistsException", "Database already exists.");
    }
    Instant now = clock.instant();
    databases.put(name, new Database(withName(databaseInput, name), now));
    return JSON.objectNode();
  }

  private synchronized ObjectNode getDatabase(AwsJsonInput input) {
    String name = fold(requiredName(input.json(), "name"));
    record(input, catalogArn(), databaseArn(name));
    ObjectNode response = JSON.objectNode();
    response.set("Database", database(name).view(ACCOUNT_ID));
    return response;
  }

  private synchronized ObjectNode getDatabases(AwsJsonInput input) {
    record(input, catalogArn(), databaseArn("*"));
    Page page = page(input, "databases", databases.keySet());
    ArrayNode list = JSON.arrayNode();
    page.names.forEach(name -> list.add(databases.get(name).view(ACCOUNT_ID)));
    ObjectNode response = JSON.objectNode();
    response.set("DatabaseList", list);
    page.nextToken.ifPresent(token -> response.put("NextToken", token));
    return response;
  }

  private synchronized ObjectNode updateDatabase(AwsJsonInput input) {
    String name = fold(requiredName(input.json(), "name"));
    ObjectNode databaseInput = requiredObject(input, "DatabaseInput");
    String newName = fold(requiredName(databaseInput, "databaseInput.name"));
    record(input, catalogArn(), databaseArn(name));
    Database database = database(name);
    if (!newName.equals(name)) {
      throw new AwsJsonError(
          "InvalidInputException",
          "Renaming database " + name + " to " + newName + " is not supported.");
    }
    database.input = withName(databaseInput, name);
    return JSON.objectNode();
  }

  private synchronized ObjectNode deleteDatabase(AwsJsonInput input) {
    String name = fold(requiredName(input.json(), "name"));
    record(input, catalogArn(), databaseArn(name), tableArn(name, "*"));
    database(name);
    databases.remove(name);
    return JSON.objectNode();
  }

  private synchronized ObjectNode createTable(AwsJsonInput input) {
    String databaseName = fold(requiredName(input.json(), "databaseName"));
    ObjectNode tableInput = requiredObject(input, "TableInput");
    String name = fold(requiredName(tableInput, "tableInput.name"));
    record(input, catalogArn(), databaseArn(databaseName), tableArn(databaseName, name));
    Database database = database(databaseName);
    if (database.tables.containsKey(name)) {
      throw new AwsJsonError("AlreadyExistsException", "Table already exists.");
    }
    database.tables.put(name, new Table(withName(tableInput, name), clock.instant()));
    return JSON.objectNode();
  }

  private synchronized ObjectNode getTable(AwsJsonInput input) {
    String databaseName = fold(requiredName(input.json(), "databaseName"));
    String name = fold(requiredName(input.json(), "name"));
    record(input, catalogArn(), databaseArn(databaseName), tableArn(databaseName, name));
    Table table = table(databaseName, name);
    ObjectNode response = JSON.objectNode();
    response.set("Table", table.view(databaseName, table.input, table.versionId, table.updateTime));
    return response;
  }

  private synchronized ObjectNode getTables(AwsJsonInput input) {
    String databaseName = fold(requiredName(input.json(), "databaseName"));
    record(input, catalogArn(), databaseArn(databaseName), tableArn(databaseName, "*"));
    Database database = database(databaseName);
    Optional<Pattern> expression = input.optionalText("Expression").map(FakeGlue::expression);
    List<String> names = new ArrayList<>();
    for (String name : database.tables.keySet()) {
      if (expression.isEmpty() || expression.get().matcher(name).matches()) {
        names.add(name);
      }
    }
    Page page = page(input, "tables/" + databaseName, names);
    ArrayNode list = JSON.arrayNode();
    for (String name : page.names) {
      Table table = database.tables.get(name);
      list.add(table.view(databaseName, table.input, table.versionId, table.updateTime));
    }
    ObjectNode response = JSON.objectNode();
    response.set("TableList", list);
    page.nextToken.ifPresent(token -> response.put("NextToken", token));
    return response;
  }

  /** Waits for a race the test set up, outside the lock, then applies the update. */
  private ObjectNode updateTable(AwsJsonInput input) {
    String databaseName = fold(requiredName(input.json(), "databaseName"));
    String name = fold(requiredName(requiredObject(input, "TableInput"), "tableInput.name"));
    CountDownLatch race;
    synchronized (this) {
      String key = databaseName + "/" + name;
      if (overtakenUpdates.remove(key, input.caller())) {
        awaitAnotherUpdate(databaseName, name);
      }
      race = heldUpdates.get(key);
      if (race != null) {
        race.countDown();
        if (race.getCount() == 0) {
          heldUpdates.remove(key);
        }
      }
    }
    if (race != null) {
      try {
        if (!race.await(HOLD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException(
              "the held UpdateTable calls of " + databaseName + "." + name + " never all arrived");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while holding an UpdateTable", e);
      }
    }
    return applyUpdateTable(input, databaseName, name);
  }

  /** Waits, releasing the lock, until the table's version moved on. */
  private void awaitAnotherUpdate(String databaseName, String name) {
    long version = table(databaseName, name).versionId;
    long deadline = System.nanoTime() + HOLD_TIMEOUT.toNanos();
    try {
      while (table(databaseName, name).versionId == version) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "no other UpdateTable of " + databaseName + "." + name + " came to overtake");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while holding an UpdateTable", e);
    }
  }

  private synchronized ObjectNode applyUpdateTable(
      AwsJsonInput input, String databaseName, String name) {
    record(input, catalogArn(), databaseArn(databaseName), tableArn(databaseName, name));
    Table table = table(databaseName, name);
    Optional<String> expected = input.optionalText("VersionId");
    if (expected.isPresent() && !expected.get().equals(Long.toString(table.versionId))) {
      throw new AwsJsonError(
          "ConcurrentModificationException",
          "Update table failed due to concurrent modifications.");
    }
    boolean skipArchive = input.optionalBoolean("SkipArchive").orElse(false);
    if (!skipArchive) {
      table.archived.add(table.view(databaseName, table.input, table.versionId, table.updateTime));
    }
    table.input = withName(requiredObject(input, "TableInput"), name);
    table.versionId++;
    table.updateTime = clock.instant();
    notifyAll();
    return JSON.objectNode();
  }

  private synchronized ObjectNode deleteTable(AwsJsonInput input) {
    String databaseName = fold(requiredName(input.json(), "databaseName"));
    String name = fold(requiredName(input.json(), "name"));
    record(input, catalogArn(), databaseArn(databaseName), tableArn(databaseName, name));
    table(databaseName, name);
    databases.get(databaseName).tables.remove(name);
    return JSON.objectNode();
  }

  private synchronized ObjectNode getTableVersions(AwsJsonInput input) {
    String databaseName = fold(requiredName(input.json(), "databaseName"));
    String name = fold(requiredName(input.json(), "tableName"));
    record(input, catalogArn(), databaseArn(databaseName), tableArn(databaseName, name));
    Table table = table(databaseName, name);
    // Newest first, as Glue lists them: the current version, then the archived ones.
    Map<String, ObjectNode> versions =
        new TreeMap<>((a, b) -> Long.compare(Long.parseLong(b), Long.parseLong(a)));
    versions.put(
        Long.toString(table.versionId),
        table.view(databaseName, table.input, table.versionId, table.updateTime));
    for (ObjectNode archived : table.archived) {
      versions.put(archived.path("VersionId").asText(), archived);
    }
    Page page =
        page(input, "versions/" + databaseName + "/" + name, List.copyOf(versions.keySet()));
    ArrayNode list = JSON.arrayNode();
    for (String versionId : page.names) {
      ObjectNode version = JSON.objectNode();
      version.set("Table", versions.get(versionId).deepCopy());
      version.put("VersionId", versionId);
      list.add(version);
    }
    ObjectNode response = JSON.objectNode();
    response.set("TableVersions", list);
    page.nextToken.ifPresent(token -> response.put("NextToken", token));
    return response;
  }

  private void record(AwsJsonInput input, String... resources) {
    checkCatalog(input);
    for (String resource : resources) {
      calls.add(new AwsCall(input.caller(), "glue:" + input.operation(), resource));
    }
  }

  private static void checkCatalog(AwsJsonInput input) {
    Optional<String> catalogId = input.optionalText("CatalogId");
    if (catalogId.isPresent() && !catalogId.get().equals(ACCOUNT_ID)) {
      throw new AwsJsonError(
          "AccessDeniedException",
          "The fake serves only the catalog of account " + ACCOUNT_ID + ", not " + catalogId.get());
    }
  }

  private Database database(String name) {
    Database database = databases.get(name);
    if (database == null) {
      throw new AwsJsonError("EntityNotFoundException", "Database " + name + " not found.");
    }
    return database;
  }

  private Table table(String databaseName, String name) {
    Table table = database(databaseName).tables.get(name);
    if (table == null) {
      throw new AwsJsonError("EntityNotFoundException", "Table " + name + " not found.");
    }
    return table;
  }

  /**
   * One page of {@code names} (sorted), after the position an opaque token of this listing names.
   */
  private static Page page(AwsJsonInput input, String listing, java.util.Collection<String> names) {
    long maxResults = input.optionalLong("MaxResults").orElse((long) MAX_RESULTS);
    if (maxResults < 1 || maxResults > MAX_RESULTS) {
      throw new AwsJsonError(
          "ValidationException",
          "1 validation error detected: Value '"
              + maxResults
              + "' at 'maxResults' failed to satisfy constraint: Member must have value between 1"
              + " and "
              + MAX_RESULTS);
    }
    List<String> all = List.copyOf(names);
    int from = 0;
    Optional<String> token = input.optionalText("NextToken");
    if (token.isPresent()) {
      String decoded;
      try {
        decoded = new String(Base64.getUrlDecoder().decode(token.get()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw invalidToken();
      }
      String prefix = listing + "\n";
      if (!decoded.startsWith(prefix)) {
        throw invalidToken();
      }
      String after = decoded.substring(prefix.length());
      // The first item after the last one returned, even if that one was deleted since.
      while (from < all.size() && compare(listing, all.get(from), after) <= 0) {
        from++;
      }
    }
    int to = (int) Math.min(all.size(), from + maxResults);
    List<String> names1 = all.subList(from, to);
    Optional<String> next =
        to < all.size()
            ? Optional.of(
                Base64.getUrlEncoder()
                    .encodeToString(
                        (listing + "\n" + all.get(to - 1)).getBytes(StandardCharsets.UTF_8)))
            : Optional.empty();
    return new Page(names1, next);
  }

  /** Listings of versions run newest first; the others by name. */
  private static int compare(String listing, String a, String b) {
    if (listing.startsWith("versions/")) {
      return Long.compare(Long.parseLong(b), Long.parseLong(a));
    }
    return a.compareTo(b);
  }

  private static AwsJsonError invalidToken() {
    return new AwsJsonError("InvalidInputException", "Invalid NextToken.");
  }

  private static Pattern expression(String expression) {
    try {
      return Pattern.compile(expression);
    } catch (PatternSyntaxException e) {
      throw new AwsJsonError(
          "InvalidInputException", "Expression " + expression + " is not a valid pattern.");
    }
  }

  private static ObjectNode requiredObject(AwsJsonInput input, String member) {
    JsonNode node = input.json().get(member);
    if (node == null || node.isNull()) {
      throw missing(member);
    }
    if (!node.isObject()) {
      throw new AwsJsonError("SerializationException", "member " + member + " is not an object");
    }
    return (ObjectNode) node;
  }

  /** A name member of {@code json}, named in messages by its {@code path}, checked as Glue does. */
  private static String requiredName(ObjectNode json, String path) {
    String member =
        Character.toUpperCase(path.charAt(path.lastIndexOf('.') + 1))
            + path.substring(path.lastIndexOf('.') + 2);
    JsonNode node = json.get(member);
    if (node == null || node.isNull()) {
      throw missing(path);
    }
    if (!node.isTextual()) {
      throw new AwsJsonError("SerializationException", "member " + member + " is not a string");
    }
    String name = node.asText();
    if (name.isEmpty()
        || name.length() > MAX_NAME_LENGTH
        || name.contains("\n")
        || name.contains("\r")) {
      throw new AwsJsonError(
          "ValidationException",
          "1 validation error detected: Value '"
              + name
              + "' at '"
              + path
              + "' failed to satisfy constraint: Member must have length between 1 and 255 and"
              + " satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*");
    }
    return name;
  }

  private static AwsJsonError missing(String path) {
    String lower = Character.toLowerCase(path.charAt(0)) + path.substring(1);
    return new AwsJsonError(
        "ValidationException",
        "1 validation error detected: Value null at '"
            + lower
            + "' failed to satisfy constraint: Member must not be null");
  }

  private static String fold(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static ObjectNode withName(ObjectNode input, String name) {
    ObjectNode copy = input.deepCopy();
    copy.put("Name", name);
    return copy;
  }

  private String arnPrefix() {
    return "arn:aws:glue:" + region + ":" + ACCOUNT_ID + ":";
  }

  /** AWS JSON timestamps are epoch seconds, with milliseconds as the fraction. */
  private static JsonNode timestamp(Instant instant) {
    return JSON.numberNode(BigDecimal.valueOf(instant.toEpochMilli(), 3));
  }

  private record Page(List<String> names, Optional<String> nextToken) {}

  /** A database: its input as last given; mutable, guarded by the enclosing fake. */
  private static final class Database {
    final Instant createTime;
    final Map<String, Table> tables = new TreeMap<>();
    ObjectNode input;

    Database(ObjectNode input, Instant createTime) {
      this.input = input;
      this.createTime = createTime;
    }

    ObjectNode view(String catalogId) {
      ObjectNode view = input.deepCopy();
      view.set("CreateTime", timestamp(createTime));
      view.put("CatalogId", catalogId);
      return view;
    }
  }

  /** A table: its current input and version, and the versions archived; guarded by the fake. */
  private static final class Table {
    final Instant createTime;
    final List<ObjectNode> archived = new ArrayList<>();
    ObjectNode input;
    long versionId;
    Instant updateTime;

    Table(ObjectNode input, Instant createTime) {
      this.input = input;
      this.createTime = createTime;
      this.updateTime = createTime;
    }

    ObjectNode view(String databaseName, ObjectNode tableInput, long version, Instant updated) {
      ObjectNode view = tableInput.deepCopy();
      view.put("DatabaseName", databaseName);
      view.put("CatalogId", ACCOUNT_ID);
      view.set("CreateTime", timestamp(createTime));
      view.set("UpdateTime", timestamp(updated));
      view.put("IsRegisteredWithLakeFormation", false);
      view.put("VersionId", Long.toString(version));
      return view;
    }
  }
}
