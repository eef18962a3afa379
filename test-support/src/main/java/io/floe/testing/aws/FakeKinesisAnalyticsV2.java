package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Amazon Managed Service for Apache Flink (the kinesisanalyticsv2 API) in memory, for one account
 * and region, with the documented semantics that a control plane must get right: application
 * versions incremented per update, a ConditionalToken that changes with every version (a stale one
 * is a ConcurrentModificationException), asynchronous Start/Stop/Update operations tracked by
 * operation id (DescribeApplicationOperation, ListApplicationOperations) with status transitions
 * that take configurable time on the given clock, ResourceInUseException for calls an application's
 * status does not allow, snapshots taken on stop and on updates of running applications (never
 * deleted by the service, capped per application), AllowNonRestoredState reset by updates that omit
 * it, the property group limits, and errors in the AWS JSON error shape.
 *
 * <p>Beyond the contract, an {@link Engine} may run the application's code (for example on a local
 * Flink cluster); without one, operations complete when their delay has passed.
 *
 * <p>Assumptions where the documentation is silent: a mismatched CreateTimestamp on
 * DeleteApplication and a duplicate snapshot name are InvalidArgumentExceptions; a start with
 * RESTORE_FROM_LATEST_SNAPSHOT and no snapshot starts without state; automatic snapshots are named
 * {@code floe-fake-auto-<n>} (clients must find them by creation time, not by name); an update of a
 * READY application goes through UPDATING like one of a running application; an update of an
 * application in transition is a ResourceInUseException whatever its token; without system
 * rollback, a failed update leaves the application READY; ROLLED_BACK, a status the documentation
 * lists without saying when the service reports it or what it accepts there, is reached only
 * through {@link #rolledBack} and is a steady status in which nothing runs and which accepts what
 * READY accepts (StartApplication, UpdateApplication, DeleteApplication; StopApplication with Force
 * is documented only for STARTING, UPDATING, STOPPING, AUTOSCALING and RUNNING).
 */
public final class FakeKinesisAnalyticsV2 implements AwsJsonService {
  /** The {@code X-Amz-Target} prefix of kinesisanalyticsv2. */
  public static final String TARGET_PREFIX = "KinesisAnalytics_20180523";

  /** The account every ARN names. */
  public static final String ACCOUNT_ID = "123456789012";

  /** The documented cap on snapshots per application. */
  public static final int DEFAULT_SNAPSHOT_LIMIT = 1000;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
  private static final Pattern GROUP_ID = Pattern.compile("[a-zA-Z0-9_.-]{1,50}");
  private static final Set<String> RUNTIMES =
      Set.of("FLINK-1_15", "FLINK-1_18", "FLINK-1_19", "FLINK-1_20");
  private static final Set<String> RESTORE_TYPES =
      Set.of(
          "SKIP_RESTORE_FROM_SNAPSHOT",
          "RESTORE_FROM_LATEST_SNAPSHOT",
          "RESTORE_FROM_CUSTOM_SNAPSHOT");
  private static final int MAX_USER_TAGS = 50;
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /**
   * How long each asynchronous transition takes on the fake's clock.
   *
   * @param start STARTING to RUNNING
   * @param stop STOPPING (with its snapshot) to READY
   * @param update UPDATING to READY or RUNNING, and AUTOSCALING to RUNNING
   * @param snapshot a snapshot's CREATING to READY
   * @param delete DELETING to gone
   */
  public record Delays(
      Duration start, Duration stop, Duration update, Duration snapshot, Duration delete) {
    public Delays {
      requireNonNull(start, "start is null");
      requireNonNull(stop, "stop is null");
      requireNonNull(update, "update is null");
      requireNonNull(snapshot, "snapshot is null");
      requireNonNull(delete, "delete is null");
    }

    /** Every transition completes at the next call. */
    public static Delays none() {
      return uniform(Duration.ZERO);
    }

    public static Delays uniform(Duration each) {
      return new Delays(each, each, each, each, each);
    }
  }

  /** What the engine is asked to start: the application's code and configuration. */
  public record EngineStart(
      String application,
      String bucketArn,
      String fileKey,
      Optional<String> objectVersion,
      Map<String, Map<String, String>> propertyGroups,
      int parallelism,
      long checkpointIntervalMillis,
      Optional<String> restoreFrom,
      boolean allowNonRestoredState) {}

  /**
   * Runs applications' code, beyond the API's contract. Each method returns at once; the fake
   * completes the operation when the future completes (and its delay passed), and fails it with the
   * future's exception.
   */
  public interface Engine {
    /** Starts the application's job; completes once it runs. */
    CompletableFuture<Void> start(EngineStart start);

    /**
     * Stops the application's job, with a savepoint when asked; completes with the savepoint's
     * location, empty without one.
     */
    CompletableFuture<Optional<String>> stop(String application, boolean savepoint);

    /** Takes a savepoint of the running job; completes with its location. */
    CompletableFuture<String> savepoint(String application);
  }

  private final String region;
  private final Clock clock;
  private final Delays delays;
  private final Optional<Engine> engine;
  private final SecureRandom random = new SecureRandom();
  private final AwsCallLog calls = new AwsCallLog();

  // Guarded by this.
  private final Map<String, Application> applications = new TreeMap<>();
  private final Map<String, Integer> lostResponses = new LinkedHashMap<>();
  private final Map<String, Integer> throttledCalls = new LinkedHashMap<>();
  private final Map<String, Integer> received = new TreeMap<>();
  private Instant throttledUntil = Instant.MIN;
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final Set<String> racedUpdates = new java.util.HashSet<>();
  private int snapshotLimit = DEFAULT_SNAPSHOT_LIMIT;
  private long autoSnapshots;

  /** In us-east-1, on the system clock, with every transition completing at the next call. */
  public FakeKinesisAnalyticsV2() {
    this("us-east-1", Clock.systemUTC(), Delays.none(), Optional.empty());
  }

  /**
   * @param region the region ARNs name
   * @param clock the time of every timestamp and of the transitions' delays
   * @param delays how long transitions take
   * @param engine what runs the applications' code, if anything
   */
  public FakeKinesisAnalyticsV2(
      String region, Clock clock, Delays delays, Optional<Engine> engine) {
    this.region = requireNonNull(region, "region is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.delays = requireNonNull(delays, "delays is null");
    this.engine = requireNonNull(engine, "engine is null");
  }

  @Override
  public String targetPrefix() {
    return TARGET_PREFIX;
  }

  @Override
  public Map<String, AwsJsonOperation> operations() {
    Map<String, AwsJsonOperation> operations = new LinkedHashMap<>();
    operations.put("CreateApplication", guarded("CreateApplication", this::createApplication));
    operations.put(
        "DescribeApplication", guarded("DescribeApplication", this::describeApplication));
    operations.put("UpdateApplication", guarded("UpdateApplication", this::updateApplication));
    operations.put("StartApplication", guarded("StartApplication", this::startApplication));
    operations.put("StopApplication", guarded("StopApplication", this::stopApplication));
    operations.put("DeleteApplication", guarded("DeleteApplication", this::deleteApplication));
    operations.put("ListApplications", guarded("ListApplications", this::listApplications));
    operations.put(
        "DescribeApplicationOperation",
        guarded("DescribeApplicationOperation", this::describeApplicationOperation));
    operations.put(
        "ListApplicationOperations",
        guarded("ListApplicationOperations", this::listApplicationOperations));
    operations.put(
        "CreateApplicationSnapshot",
        guarded("CreateApplicationSnapshot", this::createApplicationSnapshot));
    operations.put(
        "ListApplicationSnapshots",
        guarded("ListApplicationSnapshots", this::listApplicationSnapshots));
    operations.put(
        "DescribeApplicationSnapshot",
        guarded("DescribeApplicationSnapshot", this::describeApplicationSnapshot));
    operations.put(
        "DeleteApplicationSnapshot",
        guarded("DeleteApplicationSnapshot", this::deleteApplicationSnapshot));
    operations.put("TagResource", guarded("TagResource", this::tagResource));
    operations.put(
        "ListTagsForResource", guarded("ListTagsForResource", this::listTagsForResource));
    return calls.recording(operations, this::authorized);
  }

  /**
   * Every call so far as IAM authorizes it (who signed it, the action, the resource), oldest first;
   * calls answered with an error included, as IAM authorizes a call before the service acts.
   */
  public List<AwsCall> calls() {
    return calls.calls();
  }

  /** Forgets the calls recorded so far; the state stays. */
  public void clearCalls() {
    calls.clear();
  }

  /**
   * Managed Flink authorizes an application's calls on the application's ARN, and {@code
   * ListApplications} on {@code *} (it has no resource-level permissions). A call that hands the
   * service a role (CreateApplication's {@code ServiceExecutionRole}, UpdateApplication's {@code
   * ServiceExecutionRoleUpdate}) also needs {@code iam:PassRole} on that role, passed to {@code
   * kinesisanalytics.amazonaws.com}.
   */
  private List<AwsCall> authorized(AwsJsonInput input) {
    String action = "kinesisanalytics:" + input.operation();
    String resource =
        input
            .optionalText("ResourceARN")
            .or(() -> input.optionalText("ApplicationName").map(this::arn))
            .orElse("*");
    List<AwsCall> calls = new ArrayList<>();
    calls.add(new AwsCall(input.caller(), action, resource));
    input
        .optionalText("ServiceExecutionRole")
        .or(() -> input.optionalText("ServiceExecutionRoleUpdate"))
        .ifPresent(
            role ->
                calls.add(
                    new AwsCall(
                        input.caller(),
                        "iam:PassRole",
                        role,
                        Map.of("iam:PassedToService", "kinesisanalytics.amazonaws.com"))));
    return calls;
  }

  // ---- test controls ---------------------------------------------------------------------------

  /**
   * The next {@code times} calls of the operation take effect but answer HTTP 500, as when the
   * response is lost: the SDK retries, and the retry meets the state the first call left.
   */
  public synchronized void loseResponses(String operation, int times) {
    lostResponses.put(requireNonNull(operation, "operation is null"), times);
  }

  /**
   * The next {@code times} calls of the operation are throttled: they take no effect and answer
   * HTTP 400 {@code LimitExceededException} with the message {@code Rate exceeded}, as the service
   * does when the account's request rate is exceeded.
   */
  public synchronized void throttle(String operation, int times) {
    requireNonNull(operation, "operation is null");
    if (times < 0) {
      throw new IllegalArgumentException("times must not be negative, was " + times);
    }
    throttledCalls.put(operation, times);
  }

  /**
   * Every call is throttled for this long on the fake's clock (as {@link #throttle}); {@code
   * Duration.ZERO} ends it.
   */
  public synchronized void throttleFor(Duration duration) {
    requireNonNull(duration, "duration is null");
    throttledUntil = now().plus(duration);
  }

  /** How many calls of the operation the fake received, throttled ones included. */
  public synchronized int received(String operation) {
    return received.getOrDefault(requireNonNull(operation, "operation is null"), 0);
  }

  /** How many calls the fake received, of every operation, throttled ones included. */
  public synchronized int received() {
    return received.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * Another writer changes the application's configuration (a new version and ConditionalToken), as
   * a concurrent console edit would.
   */
  public synchronized void concurrentUpdate(String application) {
    Application app = existing(application);
    app.newVersion(now());
  }

  /**
   * Another writer updates the application just before the next UpdateApplication of it arrives, so
   * that call's token or version is stale (a race between DescribeApplication and
   * UpdateApplication).
   */
  public synchronized void raceNextUpdate(String application) {
    racedUpdates.add(requireNonNull(application, "application is null"));
  }

  /** The next asynchronous start of the application (or the start within an update) fails. */
  public synchronized void failNextStart(String application, String error) {
    failures.put(application, requireNonNull(error, "error is null"));
  }

  /** The service scales a running application on its own: AUTOSCALING for the update delay. */
  public synchronized void autoscale(String application, int parallelism) {
    Application app = existing(application);
    advance(app);
    if (!app.status.equals("RUNNING")) {
      throw new IllegalStateException(application + " is " + app.status + ", not RUNNING");
    }
    app.status = "AUTOSCALING";
    app.pending =
        new Pending(
            now().plus(delays.update()),
            CompletableFuture.completedFuture(null),
            result -> {
              app.currentParallelism = parallelism;
              app.status = "RUNNING";
            },
            error -> app.status = "RUNNING");
  }

  /**
   * The service rolls the application back and reports it ROLLED_BACK (see the class comment for
   * what the fake assumes of that status): a running job stops without a snapshot while the
   * application is ROLLING_BACK (for the start delay), and a RollbackApplication operation records
   * it.
   */
  public synchronized void rolledBack(String application) {
    Application app = existing(application);
    advance(app);
    if (!app.status.equals("RUNNING") && !app.status.equals("READY")) {
      throw new IllegalStateException(application + " is " + app.status + ", not RUNNING or READY");
    }
    CompletableFuture<Optional<String>> halt =
        app.status.equals("RUNNING")
            ? engineStop(app.name, false)
            : CompletableFuture.completedFuture(Optional.empty());
    Operation rollback = app.operation("RollbackApplication", now());
    app.status = "ROLLING_BACK";
    app.pending =
        new Pending(
            now().plus(delays.start()),
            halt,
            result -> {
              app.status = "ROLLED_BACK";
              rollback.succeed(now());
            },
            error -> {
              app.status = "ROLLED_BACK";
              rollback.succeed(now());
            });
  }

  /** Lowers the cap on snapshots per application, to reach it in a test. */
  public synchronized void snapshotLimit(int limit) {
    this.snapshotLimit = limit;
  }

  /** The application as DescribeApplication would answer (its ApplicationDetail), if it exists. */
  public synchronized Optional<ObjectNode> application(String name) {
    Application app = applications.get(name);
    if (app == null) {
      return Optional.empty();
    }
    advance(app);
    return Optional.ofNullable(applications.get(name)).map(this::detail);
  }

  /** The names of the application's snapshots, oldest first. */
  public synchronized List<String> snapshotNames(String name) {
    Application app = existing(name);
    advance(app);
    return app.snapshots.stream().map(s -> s.name).toList();
  }

  // ---- operations ------------------------------------------------------------------------------

  private AwsJsonOperation guarded(String name, AwsJsonOperation operation) {
    return input -> {
      synchronized (this) {
        received.merge(name, 1, Integer::sum);
        throttle(name);
        applications.values().forEach(this::advance);
        applications.values().removeIf(app -> app.deleted);
        ObjectNode response = operation.handle(input);
        Integer lost = lostResponses.get(name);
        if (lost != null && lost > 0) {
          lostResponses.put(name, lost - 1);
          throw new AwsJsonError(
              "InternalFailure", "the response of " + name + " was lost (injected)", 500);
        }
        return response;
      }
    };
  }

  private void throttle(String operation) {
    Integer left = throttledCalls.get(operation);
    boolean counted = left != null && left > 0;
    if (counted) {
      throttledCalls.put(operation, left - 1);
    }
    if (counted || now().isBefore(throttledUntil)) {
      throw new AwsJsonError(
          "LimitExceededException", "Rate exceeded for " + operation + " (injected)");
    }
  }

  private ObjectNode createApplication(AwsJsonInput input) {
    String name = requireName(input.requiredText("ApplicationName"));
    String runtime = input.requiredText("RuntimeEnvironment");
    if (!RUNTIMES.contains(runtime)) {
      throw invalidArgument("RuntimeEnvironment " + runtime + " is not supported by this fake");
    }
    String role = input.requiredText("ServiceExecutionRole");
    if (!role.startsWith("arn:")) {
      throw invalidArgument("ServiceExecutionRole must be an ARN");
    }
    if (applications.containsKey(name)) {
      throw new AwsJsonError("ResourceInUseException", "Application " + name + " already exists.");
    }
    ObjectNode configuration =
        input.json().has("ApplicationConfiguration")
            ? (ObjectNode) input.json().get("ApplicationConfiguration")
            : JSON.objectNode();
    validateConfiguration(configuration);
    Map<String, String> tags = tags(input.json().get("Tags"));
    if (tags.size() > MAX_USER_TAGS) {
      throw new AwsJsonError("TooManyTagsException", "At most 50 user tags are allowed.");
    }
    Application app = new Application(name, arn(name), runtime, role, now());
    app.configuration = configuration;
    app.tags.putAll(tags);
    JsonNode logging = input.json().get("CloudWatchLoggingOptions");
    if (logging != null && logging.isArray()) {
      app.logging = (ArrayNode) logging;
    }
    app.newVersion(now());
    app.version = 1;
    app.currentParallelism = parallelism(configuration);
    applications.put(name, app);
    ObjectNode response = JSON.objectNode();
    response.set("ApplicationDetail", detail(app));
    return response;
  }

  private ObjectNode describeApplication(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    ObjectNode response = JSON.objectNode();
    response.set("ApplicationDetail", detail(app));
    return response;
  }

  private ObjectNode updateApplication(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    if (racedUpdates.remove(app.name)) {
      app.newVersion(now());
    }
    // Assumed order: a malformed request, then the status (an application in transition is busy
    // whatever token it is given), then the token.
    requireTokenOrVersion(input);
    if (!stopped(app) && !app.status.equals("RUNNING")) {
      throw resourceInUse(app);
    }
    requireCurrent(app, input);
    ObjectNode next = app.configuration.deepCopy();
    JsonNode update = input.json().get("ApplicationConfigurationUpdate");
    if (update != null && update.isObject()) {
      applyUpdate(next, (ObjectNode) update);
    }
    validateConfiguration(next);
    ObjectNode previous = app.configuration;
    long previousVersion = app.version;
    app.configuration = next;
    input
        .optionalText("ServiceExecutionRoleUpdate")
        .ifPresent(role -> app.serviceExecutionRole = role);
    JsonNode run = input.json().get("RunConfigurationUpdate");
    applyRunConfiguration(app, run);
    app.newVersion(now());
    app.versionUpdatedFrom = Optional.of(previousVersion);
    Operation operation = app.operation("UpdateApplication", now());
    operation.versionFrom = Optional.of(previousVersion);
    operation.versionTo = Optional.of(app.version);
    boolean running = app.status.equals("RUNNING");
    app.status = "UPDATING";
    if (!running) {
      app.pending =
          new Pending(
              now().plus(delays.update()),
              CompletableFuture.completedFuture(null),
              result -> {
                app.status = "READY";
                app.currentParallelism = parallelism(app.configuration);
                operation.succeed(now());
              },
              error -> {
                app.status = "READY";
                operation.fail(now(), error);
              });
    } else {
      restartForUpdate(app, operation, previous, previousVersion);
    }
    ObjectNode response = JSON.objectNode();
    response.set("ApplicationDetail", detail(app));
    response.put("OperationId", operation.id);
    return response;
  }

  /** A running application's update: snapshot and stop, then start the new version from it. */
  private void restartForUpdate(
      Application app, Operation operation, ObjectNode previous, long previousVersion) {
    boolean snapshots = snapshotsEnabled(app.configuration);
    app.pending =
        new Pending(
            now().plus(delays.update()),
            engineStop(app.name, snapshots),
            savepoint -> {
              Optional<Snapshot> taken =
                  snapshots ? Optional.of(autoSnapshot(app, savepoint)) : Optional.empty();
              Optional<String> restore = restoreLocation(app, taken);
              app.pending =
                  new Pending(
                      now().plus(delays.start()),
                      engineStart(app, restore),
                      started -> {
                        app.status = "RUNNING";
                        app.currentParallelism = parallelism(app.configuration);
                        operation.succeed(now());
                      },
                      error -> rollBack(app, operation, previous, previousVersion, taken, error));
            },
            error -> {
              app.status = "RUNNING";
              operation.fail(now(), error);
            });
  }

  private void rollBack(
      Application app,
      Operation operation,
      ObjectNode previous,
      long previousVersion,
      Optional<Snapshot> taken,
      String error) {
    if (!rollbackEnabled(app.configuration)) {
      app.status = "READY";
      operation.fail(now(), error);
      return;
    }
    Operation rollback = app.operation("RollbackApplication", now());
    operation.rollbackOperationId = Optional.of(rollback.id);
    operation.fail(now(), error);
    long failedVersion = app.version;
    app.configuration = previous;
    app.newVersion(now());
    app.versionRolledBackFrom = Optional.of(failedVersion);
    app.versionRolledBackTo = Optional.of(previousVersion);
    app.status = "ROLLING_BACK";
    app.pending =
        new Pending(
            now().plus(delays.start()),
            engineStart(app, taken.flatMap(s -> s.location).or(() -> Optional.empty())),
            started -> {
              app.status = "RUNNING";
              app.currentParallelism = parallelism(app.configuration);
              rollback.succeed(now());
            },
            rollbackError -> {
              app.status = "READY";
              rollback.fail(now(), rollbackError);
            });
  }

  private ObjectNode startApplication(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    if (!stopped(app)) {
      throw resourceInUse(app);
    }
    JsonNode run = input.json().get("RunConfiguration");
    JsonNode restore = run == null ? null : run.get("ApplicationRestoreConfiguration");
    if (restore != null) {
      validateRestore(app, restore);
    }
    if (run != null) {
      applyRunConfiguration(app, run);
    }
    Optional<String> location = restoreLocation(app, Optional.empty());
    Operation operation = app.operation("StartApplication", now());
    app.status = "STARTING";
    app.pending =
        new Pending(
            now().plus(delays.start()),
            engineStart(app, location),
            started -> {
              app.status = "RUNNING";
              app.currentParallelism = parallelism(app.configuration);
              operation.succeed(now());
            },
            error -> {
              app.status = "READY";
              operation.fail(now(), error);
            });
    return JSON.objectNode().put("OperationId", operation.id);
  }

  private ObjectNode stopApplication(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    boolean force = input.optionalBoolean("Force").orElse(false);
    if (force) {
      if (!Set.of("STARTING", "UPDATING", "STOPPING", "AUTOSCALING", "RUNNING")
          .contains(app.status)) {
        throw resourceInUse(app);
      }
    } else if (!app.status.equals("RUNNING")) {
      throw resourceInUse(app);
    }
    boolean snapshot = !force && snapshotsEnabled(app.configuration);
    if (snapshot && app.snapshots.size() >= snapshotLimit) {
      // The stop's snapshot cannot be taken: the stop fails and the application keeps running.
      Operation failed = app.operation("StopApplication", now());
      failed.fail(now(), "The application has " + snapshotLimit + " snapshots, the limit.");
      return JSON.objectNode().put("OperationId", failed.id);
    }
    Operation operation = app.operation(force ? "ForceStopApplication" : "StopApplication", now());
    app.status = force ? "FORCE_STOPPING" : "STOPPING";
    app.pending =
        new Pending(
            now().plus(delays.stop()),
            engineStop(app.name, snapshot),
            savepoint -> {
              if (snapshot) {
                autoSnapshot(app, savepoint);
              }
              app.status = "READY";
              operation.succeed(now());
            },
            error -> {
              app.status = "RUNNING";
              operation.fail(now(), error);
            });
    return JSON.objectNode().put("OperationId", operation.id);
  }

  private ObjectNode deleteApplication(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    JsonNode created = input.json().get("CreateTimestamp");
    if (created == null || !created.isNumber()) {
      throw invalidArgument("CreateTimestamp is required");
    }
    Instant given = Instant.ofEpochMilli(created.decimalValue().movePointRight(3).longValue());
    if (!given.equals(app.createTimestamp)) {
      throw invalidArgument(
          "CreateTimestamp " + given + " does not match the application's " + app.createTimestamp);
    }
    if (!stopped(app) && !app.status.equals("RUNNING")) {
      throw resourceInUse(app);
    }
    CompletableFuture<Optional<String>> halt =
        app.status.equals("RUNNING")
            ? engineStop(app.name, false)
            : CompletableFuture.completedFuture(Optional.empty());
    app.status = "DELETING";
    app.pending =
        new Pending(
            now().plus(delays.delete()),
            halt,
            result -> app.deleted = true,
            e -> app.deleted = true);
    return JSON.objectNode();
  }

  private ObjectNode listApplications(AwsJsonInput input) {
    int limit = limit(input);
    Optional<String> token = input.optionalText("NextToken");
    ArrayNode summaries = JSON.arrayNode();
    String next = null;
    for (Application app : applications.values()) {
      if (token.isPresent() && app.name.compareTo(token.get()) < 0) {
        continue;
      }
      if (summaries.size() == limit) {
        next = app.name;
        break;
      }
      ObjectNode summary = summaries.addObject();
      summary.put("ApplicationName", app.name);
      summary.put("ApplicationARN", app.arn);
      summary.put("ApplicationStatus", app.status);
      summary.put("ApplicationVersionId", app.version);
      summary.put("RuntimeEnvironment", app.runtimeEnvironment);
      summary.put("ApplicationMode", "STREAMING");
    }
    ObjectNode response = JSON.objectNode();
    response.set("ApplicationSummaries", summaries);
    if (next != null) {
      response.put("NextToken", next);
    }
    return response;
  }

  private ObjectNode describeApplicationOperation(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    String id = input.requiredText("OperationId");
    Operation operation =
        app.operations.stream()
            .filter(o -> o.id.equals(id))
            .findFirst()
            .orElseThrow(
                () ->
                    new AwsJsonError(
                        "ResourceNotFoundException",
                        "Operation " + id + " of " + app.name + " not found."));
    ObjectNode details = operation.summary();
    details.remove("OperationId");
    operation.versionFrom.ifPresent(
        from -> {
          ObjectNode change = details.putObject("ApplicationVersionChangeDetails");
          change.put("ApplicationVersionUpdatedFrom", from);
          change.put("ApplicationVersionUpdatedTo", operation.versionTo.orElse(from));
        });
    if (operation.error.isPresent()) {
      ObjectNode failure = details.putObject("OperationFailureDetails");
      operation.rollbackOperationId.ifPresent(id2 -> failure.put("RollbackOperationId", id2));
      failure.putObject("ErrorInfo").put("ErrorString", truncate(operation.error.get(), 512));
    }
    ObjectNode response = JSON.objectNode();
    response.set("ApplicationOperationInfoDetails", details);
    return response;
  }

  private ObjectNode listApplicationOperations(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    int limit = limit(input);
    Optional<String> filter = input.optionalText("Operation");
    Optional<String> status = input.optionalText("OperationStatus");
    List<Operation> matching = new ArrayList<>();
    for (int i = app.operations.size() - 1; i >= 0; i--) {
      Operation operation = app.operations.get(i);
      if (filter.map(operation.name::equals).orElse(true)
          && status.map(operation.status::equals).orElse(true)) {
        matching.add(operation);
      }
    }
    return page(input, limit, matching, Operation::summary, "ApplicationOperationInfoList");
  }

  private ObjectNode createApplicationSnapshot(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    String name = input.requiredText("SnapshotName");
    if (!Pattern.matches("[a-zA-Z0-9_.-]{1,256}", name)) {
      throw invalidArgument("SnapshotName " + name + " is not valid");
    }
    if (!app.status.equals("RUNNING")) {
      throw resourceInUse(app);
    }
    if (!snapshotsEnabled(app.configuration)) {
      throw new AwsJsonError(
          "InvalidApplicationConfigurationException", "Snapshots are not enabled.");
    }
    if (app.snapshots.stream().anyMatch(s -> s.name.equals(name))) {
      throw invalidArgument("A snapshot named " + name + " already exists.");
    }
    if (app.snapshots.size() >= snapshotLimit) {
      throw new AwsJsonError(
          "LimitExceededException", "The application has " + snapshotLimit + " snapshots.");
    }
    Snapshot snapshot = new Snapshot(name, app.version, now());
    app.snapshots.add(snapshot);
    CompletableFuture<String> savepoint =
        engine.map(e -> e.savepoint(app.name)).orElse(CompletableFuture.completedFuture(null));
    snapshot.pending =
        new Pending(
            now().plus(delays.snapshot()),
            savepoint,
            location -> {
              snapshot.location = Optional.ofNullable((String) location);
              snapshot.status = "READY";
            },
            error -> snapshot.status = "FAILED");
    return JSON.objectNode();
  }

  private ObjectNode listApplicationSnapshots(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    return page(
        input,
        limit(input),
        List.copyOf(app.snapshots),
        snapshot -> snapshot.details(app),
        "SnapshotSummaries");
  }

  private ObjectNode describeApplicationSnapshot(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    Snapshot snapshot = snapshot(app, input.requiredText("SnapshotName"));
    ObjectNode response = JSON.objectNode();
    response.set("SnapshotDetails", snapshot.details(app));
    return response;
  }

  private ObjectNode deleteApplicationSnapshot(AwsJsonInput input) {
    Application app = existing(input.requiredText("ApplicationName"));
    Snapshot snapshot = snapshot(app, input.requiredText("SnapshotName"));
    JsonNode created = input.json().get("SnapshotCreationTimestamp");
    if (created == null || !created.isNumber()) {
      throw invalidArgument("SnapshotCreationTimestamp is required");
    }
    Instant given = Instant.ofEpochMilli(created.decimalValue().movePointRight(3).longValue());
    if (!given.equals(snapshot.created)) {
      throw invalidArgument(
          "SnapshotCreationTimestamp "
              + given
              + " does not match the snapshot's "
              + snapshot.created);
    }
    if (snapshot.status.equals("CREATING")) {
      throw resourceInUse(app);
    }
    app.snapshots.remove(snapshot);
    return JSON.objectNode();
  }

  private ObjectNode tagResource(AwsJsonInput input) {
    Application app = byArn(input.requiredText("ResourceARN"));
    Map<String, String> tags = tags(input.json().get("Tags"));
    if (tags.isEmpty()) {
      throw invalidArgument("Tags must not be empty");
    }
    Map<String, String> merged = new TreeMap<>(app.tags);
    merged.putAll(tags);
    if (merged.size() > MAX_USER_TAGS) {
      throw new AwsJsonError("TooManyTagsException", "At most 50 user tags are allowed.");
    }
    app.tags.clear();
    app.tags.putAll(merged);
    return JSON.objectNode();
  }

  private ObjectNode listTagsForResource(AwsJsonInput input) {
    Application app = byArn(input.requiredText("ResourceARN"));
    ObjectNode response = JSON.objectNode();
    ArrayNode tags = response.putArray("Tags");
    app.tags.forEach((key, value) -> tags.addObject().put("Key", key).put("Value", value));
    return response;
  }

  // ---- state -----------------------------------------------------------------------------------

  /** Completes the application's due transitions (and its snapshots'). */
  private void advance(Application app) {
    for (int guard = 0; guard < 10 && app.pending != null; guard++) {
      Pending pending = app.pending;
      if (now().isBefore(pending.due) || !pending.work.isDone()) {
        break;
      }
      app.pending = null;
      pending.complete();
    }
    for (Snapshot snapshot : List.copyOf(app.snapshots)) {
      Pending pending = snapshot.pending;
      if (pending != null && !now().isBefore(pending.due) && pending.work.isDone()) {
        snapshot.pending = null;
        pending.complete();
      }
    }
  }

  private CompletableFuture<Void> engineStart(Application app, Optional<String> restore) {
    String failure = failures.remove(app.name);
    if (failure != null) {
      return CompletableFuture.failedFuture(new IllegalStateException(failure));
    }
    if (engine.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    JsonNode s3 =
        app.configuration
            .path("ApplicationCodeConfiguration")
            .path("CodeContent")
            .path("S3ContentLocation");
    Map<String, Map<String, String>> groups = new TreeMap<>();
    for (JsonNode group : app.configuration.path("EnvironmentProperties").path("PropertyGroups")) {
      Map<String, String> properties = new TreeMap<>();
      group
          .path("PropertyMap")
          .fields()
          .forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
      groups.put(group.path("PropertyGroupId").asText(), properties);
    }
    return engine
        .get()
        .start(
            new EngineStart(
                app.name,
                s3.path("BucketARN").asText(),
                s3.path("FileKey").asText(),
                Optional.ofNullable(s3.get("ObjectVersion")).map(JsonNode::asText),
                groups,
                parallelism(app.configuration),
                checkpointInterval(app.configuration),
                restore,
                app.allowNonRestoredState));
  }

  private CompletableFuture<Optional<String>> engineStop(String application, boolean savepoint) {
    return engine
        .map(e -> e.stop(application, savepoint))
        .orElse(CompletableFuture.completedFuture(Optional.empty()));
  }

  private Snapshot autoSnapshot(Application app, Object savepoint) {
    Snapshot snapshot = new Snapshot("floe-fake-auto-" + (++autoSnapshots), app.version, now());
    snapshot.status = "READY";
    if (savepoint instanceof Optional<?> location) {
      snapshot.location = location.map(String::valueOf);
    }
    app.snapshots.add(snapshot);
    return snapshot;
  }

  /** Where to restore from, by the application's restore configuration. */
  private Optional<String> restoreLocation(Application app, Optional<Snapshot> justTaken) {
    switch (app.restoreType) {
      case "SKIP_RESTORE_FROM_SNAPSHOT":
        return Optional.empty();
      case "RESTORE_FROM_CUSTOM_SNAPSHOT":
        return app.snapshots.stream()
            .filter(s -> s.name.equals(app.restoreSnapshot.orElse("")))
            .findFirst()
            .flatMap(s -> s.location);
      default:
        if (justTaken.isPresent()) {
          return justTaken.get().location;
        }
        return app.snapshots.stream()
            .filter(s -> s.status.equals("READY"))
            .reduce((first, second) -> second)
            .flatMap(s -> s.location);
    }
  }

  private void validateRestore(Application app, JsonNode restore) {
    String type = restore.path("ApplicationRestoreType").asText("");
    if (!RESTORE_TYPES.contains(type)) {
      throw invalidArgument("ApplicationRestoreType " + type + " is not valid");
    }
    if (type.equals("RESTORE_FROM_CUSTOM_SNAPSHOT")) {
      String name = restore.path("SnapshotName").asText("");
      if (name.isEmpty()) {
        throw invalidArgument("SnapshotName is required with RESTORE_FROM_CUSTOM_SNAPSHOT");
      }
      Snapshot snapshot = snapshot(app, name);
      if (!snapshot.status.equals("READY")) {
        throw invalidArgument("Snapshot " + name + " is " + snapshot.status);
      }
    }
  }

  private void applyRunConfiguration(Application app, JsonNode run) {
    JsonNode restore = run == null ? null : run.get("ApplicationRestoreConfiguration");
    if (restore != null && !restore.isNull()) {
      validateRestore(app, restore);
      app.restoreType = restore.path("ApplicationRestoreType").asText();
      app.restoreSnapshot = Optional.ofNullable(restore.get("SnapshotName")).map(JsonNode::asText);
    }
    JsonNode flink = run == null ? null : run.get("FlinkRunConfiguration");
    // Documented: an update that omits AllowNonRestoredState sets it to false.
    app.allowNonRestoredState =
        flink != null && flink.path("AllowNonRestoredState").asBoolean(false);
  }

  private static void requireTokenOrVersion(AwsJsonInput input) {
    Optional<String> token = input.optionalText("ConditionalToken");
    Optional<Long> version = input.optionalLong("CurrentApplicationVersionId");
    if (token.isEmpty() && version.isEmpty()) {
      throw invalidArgument("Either CurrentApplicationVersionId or ConditionalToken is required.");
    }
    if (token.isPresent() && version.isPresent()) {
      throw invalidArgument(
          "Specify either CurrentApplicationVersionId or ConditionalToken, not both.");
    }
  }

  private static void requireCurrent(Application app, AwsJsonInput input) {
    Optional<String> token = input.optionalText("ConditionalToken");
    Optional<Long> version = input.optionalLong("CurrentApplicationVersionId");
    if (token.isPresent() && !token.get().equals(app.conditionalToken)) {
      throw new AwsJsonError(
          "ConcurrentModificationException",
          "The ConditionalToken is not the application's current one.");
    }
    if (version.isPresent() && version.get() != app.version) {
      throw new AwsJsonError(
          "ConcurrentModificationException",
          "Application version " + version.get() + " is not the current " + app.version + ".");
    }
  }

  /** Applies an ApplicationConfigurationUpdate onto a stored ApplicationConfiguration. */
  private static void applyUpdate(ObjectNode configuration, ObjectNode update) {
    JsonNode code = update.get("ApplicationCodeConfigurationUpdate");
    if (code != null) {
      ObjectNode target = object(configuration, "ApplicationCodeConfiguration");
      if (code.has("CodeContentTypeUpdate")) {
        target.put("CodeContentType", code.get("CodeContentTypeUpdate").asText());
      }
      JsonNode s3 = code.path("CodeContentUpdate").get("S3ContentLocationUpdate");
      if (s3 != null) {
        ObjectNode location = object(object(target, "CodeContent"), "S3ContentLocation");
        copy(s3, "BucketARNUpdate", location, "BucketARN");
        copy(s3, "FileKeyUpdate", location, "FileKey");
        copy(s3, "ObjectVersionUpdate", location, "ObjectVersion");
      }
    }
    JsonNode flink = update.get("FlinkApplicationConfigurationUpdate");
    if (flink != null) {
      ObjectNode target = object(configuration, "FlinkApplicationConfiguration");
      JsonNode checkpoint = flink.get("CheckpointConfigurationUpdate");
      if (checkpoint != null) {
        ObjectNode c = object(target, "CheckpointConfiguration");
        copy(checkpoint, "ConfigurationTypeUpdate", c, "ConfigurationType");
        copy(checkpoint, "CheckpointingEnabledUpdate", c, "CheckpointingEnabled");
        copy(checkpoint, "CheckpointIntervalUpdate", c, "CheckpointInterval");
        copy(checkpoint, "MinPauseBetweenCheckpointsUpdate", c, "MinPauseBetweenCheckpoints");
      }
      JsonNode monitoring = flink.get("MonitoringConfigurationUpdate");
      if (monitoring != null) {
        ObjectNode m = object(target, "MonitoringConfiguration");
        copy(monitoring, "ConfigurationTypeUpdate", m, "ConfigurationType");
        copy(monitoring, "MetricsLevelUpdate", m, "MetricsLevel");
        copy(monitoring, "LogLevelUpdate", m, "LogLevel");
      }
      JsonNode parallelism = flink.get("ParallelismConfigurationUpdate");
      if (parallelism != null) {
        ObjectNode p = object(target, "ParallelismConfiguration");
        copy(parallelism, "ConfigurationTypeUpdate", p, "ConfigurationType");
        copy(parallelism, "ParallelismUpdate", p, "Parallelism");
        copy(parallelism, "ParallelismPerKPUUpdate", p, "ParallelismPerKPU");
        copy(parallelism, "AutoScalingEnabledUpdate", p, "AutoScalingEnabled");
      }
    }
    JsonNode properties = update.get("EnvironmentPropertyUpdates");
    if (properties != null) {
      // The update replaces the property groups as a whole.
      object(configuration, "EnvironmentProperties")
          .set("PropertyGroups", properties.path("PropertyGroups").deepCopy());
    }
    JsonNode snapshots = update.get("ApplicationSnapshotConfigurationUpdate");
    if (snapshots != null) {
      object(configuration, "ApplicationSnapshotConfiguration")
          .put("SnapshotsEnabled", snapshots.path("SnapshotsEnabledUpdate").asBoolean());
    }
    JsonNode rollback = update.get("ApplicationSystemRollbackConfigurationUpdate");
    if (rollback != null) {
      object(configuration, "ApplicationSystemRollbackConfiguration")
          .put("RollbackEnabled", rollback.path("RollbackEnabledUpdate").asBoolean());
    }
  }

  /** The documented limits and required members of the configuration the fake uses. */
  private static void validateConfiguration(ObjectNode configuration) {
    JsonNode groups = configuration.path("EnvironmentProperties").get("PropertyGroups");
    if (groups != null) {
      if (!groups.isArray()) {
        throw new AwsJsonError("SerializationException", "PropertyGroups is not a list");
      }
      List<String> problems = new ArrayList<>();
      if (groups.size() > 50) {
        problems.add("PropertyGroups has " + groups.size() + " members, at most 50 are allowed");
      }
      Set<String> ids = new java.util.HashSet<>();
      for (JsonNode group : groups) {
        String id = group.path("PropertyGroupId").asText("");
        if (!GROUP_ID.matcher(id).matches()) {
          problems.add("PropertyGroupId '" + id + "' must match [a-zA-Z0-9_.-]{1,50}");
        }
        if (!ids.add(id)) {
          problems.add("PropertyGroupId '" + id + "' is given twice");
        }
        JsonNode map = group.path("PropertyMap");
        if (!map.isObject() || map.size() < 1 || map.size() > 50) {
          problems.add("PropertyMap of " + id + " must have 1 to 50 entries, has " + map.size());
        }
        Iterator<Map.Entry<String, JsonNode>> entries = map.fields();
        while (entries.hasNext()) {
          Map.Entry<String, JsonNode> entry = entries.next();
          int keyLength = entry.getKey().length();
          int valueLength = entry.getValue().asText().length();
          if (keyLength < 1 || keyLength > 2048) {
            problems.add("a key of " + id + " has " + keyLength + " characters (1 to 2048)");
          }
          if (valueLength < 1 || valueLength > 2048) {
            problems.add(
                "the value of "
                    + id
                    + "."
                    + entry.getKey()
                    + " has "
                    + valueLength
                    + " characters (1 to 2048)");
          }
        }
      }
      if (!problems.isEmpty()) {
        throw invalidArgument(
            problems.size() + " validation error(s): " + String.join("; ", problems));
      }
    }
    JsonNode code = configuration.get("ApplicationCodeConfiguration");
    if (code != null) {
      if (!code.path("CodeContentType").asText("").equals("ZIPFILE")) {
        throw invalidArgument("CodeContentType must be ZIPFILE for a Flink application");
      }
      JsonNode s3 = code.path("CodeContent").path("S3ContentLocation");
      if (!s3.path("BucketARN").asText("").startsWith("arn:")
          || s3.path("FileKey").asText("").isEmpty()) {
        throw invalidArgument("S3ContentLocation needs a BucketARN and a FileKey");
      }
    }
    JsonNode parallelism =
        configuration.path("FlinkApplicationConfiguration").get("ParallelismConfiguration");
    if (parallelism != null) {
      if (!parallelism.has("ConfigurationType")) {
        throw invalidArgument("ParallelismConfiguration.ConfigurationType is required");
      }
      if (parallelism.has("Parallelism") && parallelism.get("Parallelism").asInt() < 1) {
        throw invalidArgument("Parallelism must be at least 1");
      }
      if (parallelism.has("ParallelismPerKPU")
          && parallelism.get("ParallelismPerKPU").asInt() < 1) {
        throw invalidArgument("ParallelismPerKPU must be at least 1");
      }
    }
    JsonNode checkpoint =
        configuration.path("FlinkApplicationConfiguration").get("CheckpointConfiguration");
    if (checkpoint != null) {
      if (!checkpoint.has("ConfigurationType")) {
        throw invalidArgument("CheckpointConfiguration.ConfigurationType is required");
      }
      if (checkpoint.has("CheckpointInterval")
          && checkpoint.get("CheckpointInterval").asLong() < 1) {
        throw invalidArgument("CheckpointInterval must be at least 1");
      }
    }
  }

  private ObjectNode detail(Application app) {
    ObjectNode detail = JSON.objectNode();
    detail.put("ApplicationARN", app.arn);
    detail.put("ApplicationName", app.name);
    detail.put("RuntimeEnvironment", app.runtimeEnvironment);
    detail.put("ServiceExecutionRole", app.serviceExecutionRole);
    detail.put("ApplicationStatus", app.status);
    detail.put("ApplicationVersionId", app.version);
    detail.set("CreateTimestamp", timestamp(app.createTimestamp));
    detail.set("LastUpdateTimestamp", timestamp(app.lastUpdate));
    detail.set("ApplicationVersionCreateTimestamp", timestamp(app.lastUpdate));
    detail.put("ConditionalToken", app.conditionalToken);
    detail.put("ApplicationMode", "STREAMING");
    app.versionUpdatedFrom.ifPresent(v -> detail.put("ApplicationVersionUpdatedFrom", v));
    app.versionRolledBackFrom.ifPresent(v -> detail.put("ApplicationVersionRolledBackFrom", v));
    app.versionRolledBackTo.ifPresent(v -> detail.put("ApplicationVersionRolledBackTo", v));
    ObjectNode description = detail.putObject("ApplicationConfigurationDescription");
    JsonNode code = app.configuration.get("ApplicationCodeConfiguration");
    if (code != null) {
      ObjectNode c = description.putObject("ApplicationCodeConfigurationDescription");
      c.put("CodeContentType", code.path("CodeContentType").asText());
      JsonNode s3 = code.path("CodeContent").path("S3ContentLocation");
      ObjectNode location =
          c.putObject("CodeContentDescription").putObject("S3ApplicationCodeLocationDescription");
      copy(s3, "BucketARN", location, "BucketARN");
      copy(s3, "FileKey", location, "FileKey");
      copy(s3, "ObjectVersion", location, "ObjectVersion");
    }
    ObjectNode run = description.putObject("RunConfigurationDescription");
    ObjectNode restore = run.putObject("ApplicationRestoreConfigurationDescription");
    restore.put("ApplicationRestoreType", app.restoreType);
    app.restoreSnapshot.ifPresent(name -> restore.put("SnapshotName", name));
    run.putObject("FlinkRunConfigurationDescription")
        .put("AllowNonRestoredState", app.allowNonRestoredState);
    JsonNode flink = app.configuration.path("FlinkApplicationConfiguration");
    ObjectNode f = description.putObject("FlinkApplicationConfigurationDescription");
    ObjectNode checkpoint = f.putObject("CheckpointConfigurationDescription");
    JsonNode c = flink.path("CheckpointConfiguration");
    if (c.path("ConfigurationType").asText("DEFAULT").equals("CUSTOM")) {
      checkpoint.put("ConfigurationType", "CUSTOM");
      checkpoint.put("CheckpointingEnabled", c.path("CheckpointingEnabled").asBoolean(true));
      checkpoint.put("CheckpointInterval", c.path("CheckpointInterval").asLong(60000));
      checkpoint.put(
          "MinPauseBetweenCheckpoints", c.path("MinPauseBetweenCheckpoints").asLong(5000));
    } else {
      // Documented: DEFAULT uses these values whatever else was given.
      checkpoint.put("ConfigurationType", "DEFAULT");
      checkpoint.put("CheckpointingEnabled", true);
      checkpoint.put("CheckpointInterval", 60000);
      checkpoint.put("MinPauseBetweenCheckpoints", 5000);
    }
    ObjectNode monitoring = f.putObject("MonitoringConfigurationDescription");
    JsonNode m = flink.path("MonitoringConfiguration");
    monitoring.put("ConfigurationType", m.path("ConfigurationType").asText("DEFAULT"));
    monitoring.put("MetricsLevel", m.path("MetricsLevel").asText("APPLICATION"));
    monitoring.put("LogLevel", m.path("LogLevel").asText("INFO"));
    ObjectNode parallelism = f.putObject("ParallelismConfigurationDescription");
    JsonNode p = flink.path("ParallelismConfiguration");
    parallelism.put("ConfigurationType", p.path("ConfigurationType").asText("DEFAULT"));
    parallelism.put("Parallelism", parallelism(app.configuration));
    parallelism.put("ParallelismPerKPU", p.path("ParallelismPerKPU").asInt(1));
    parallelism.put("CurrentParallelism", app.currentParallelism);
    parallelism.put("AutoScalingEnabled", p.path("AutoScalingEnabled").asBoolean(false));
    ArrayNode groups =
        description
            .putObject("EnvironmentPropertyDescriptions")
            .putArray("PropertyGroupDescriptions");
    for (JsonNode group : app.configuration.path("EnvironmentProperties").path("PropertyGroups")) {
      groups.add(group.deepCopy());
    }
    description
        .putObject("ApplicationSnapshotConfigurationDescription")
        .put("SnapshotsEnabled", snapshotsEnabled(app.configuration));
    description
        .putObject("ApplicationSystemRollbackConfigurationDescription")
        .put("RollbackEnabled", rollbackEnabled(app.configuration));
    if (app.logging.size() > 0) {
      ArrayNode logging = detail.putArray("CloudWatchLoggingOptionDescriptions");
      int i = 1;
      for (JsonNode option : app.logging) {
        logging
            .addObject()
            .put("CloudWatchLoggingOptionId", "1." + i++)
            .put("LogStreamARN", option.path("LogStreamARN").asText());
      }
    }
    return detail;
  }

  private <T> ObjectNode page(
      AwsJsonInput input,
      int limit,
      List<T> items,
      java.util.function.Function<T, ObjectNode> render,
      String member) {
    int from = input.optionalText("NextToken").map(Integer::parseInt).orElse(0);
    ArrayNode list = JSON.arrayNode();
    for (int i = from; i < Math.min(items.size(), from + limit); i++) {
      list.add(render.apply(items.get(i)));
    }
    ObjectNode response = JSON.objectNode();
    response.set(member, list);
    if (from + limit < items.size()) {
      response.put("NextToken", Integer.toString(from + limit));
    }
    return response;
  }

  private static int limit(AwsJsonInput input) {
    long limit = input.optionalLong("Limit").orElse(50L);
    if (limit < 1 || limit > 50) {
      throw invalidArgument("Limit must be between 1 and 50");
    }
    return (int) limit;
  }

  private Application existing(String name) {
    Application app = applications.get(name);
    if (app == null || app.deleted) {
      throw new AwsJsonError("ResourceNotFoundException", "Application " + name + " is not found.");
    }
    return app;
  }

  private Application byArn(String arn) {
    return applications.values().stream()
        .filter(app -> app.arn.equals(arn) && !app.deleted)
        .findFirst()
        .orElseThrow(
            () -> new AwsJsonError("ResourceNotFoundException", "No application " + arn + "."));
  }

  private static Snapshot snapshot(Application app, String name) {
    return app.snapshots.stream()
        .filter(s -> s.name.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AwsJsonError(
                    "ResourceNotFoundException",
                    "Snapshot " + name + " of " + app.name + " is not found."));
  }

  private static String requireName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw invalidArgument("ApplicationName must match [a-zA-Z0-9_.-]{1,128}");
    }
    return name;
  }

  private static Map<String, String> tags(JsonNode tags) {
    Map<String, String> result = new TreeMap<>();
    if (tags != null && tags.isArray()) {
      for (JsonNode tag : tags) {
        result.put(tag.path("Key").asText(), tag.path("Value").asText(""));
      }
    }
    return result;
  }

  static int parallelism(JsonNode configuration) {
    JsonNode p =
        configuration.path("FlinkApplicationConfiguration").path("ParallelismConfiguration");
    return p.path("ConfigurationType").asText("DEFAULT").equals("CUSTOM")
        ? p.path("Parallelism").asInt(1)
        : 1;
  }

  private static long checkpointInterval(JsonNode configuration) {
    JsonNode c =
        configuration.path("FlinkApplicationConfiguration").path("CheckpointConfiguration");
    return c.path("ConfigurationType").asText("DEFAULT").equals("CUSTOM")
        ? c.path("CheckpointInterval").asLong(60000)
        : 60000;
  }

  private static boolean snapshotsEnabled(JsonNode configuration) {
    return configuration
        .path("ApplicationSnapshotConfiguration")
        .path("SnapshotsEnabled")
        .asBoolean(false);
  }

  private static boolean rollbackEnabled(JsonNode configuration) {
    return configuration
        .path("ApplicationSystemRollbackConfiguration")
        .path("RollbackEnabled")
        .asBoolean(false);
  }

  private static ObjectNode object(ObjectNode parent, String member) {
    JsonNode node = parent.get(member);
    if (node instanceof ObjectNode object) {
      return object;
    }
    return parent.putObject(member);
  }

  private static void copy(JsonNode from, String fromMember, ObjectNode to, String toMember) {
    JsonNode value = from.get(fromMember);
    if (value != null && !value.isNull()) {
      to.set(toMember, value.deepCopy());
    }
  }

  private String arn(String name) {
    return "arn:aws:kinesisanalytics:" + region + ":" + ACCOUNT_ID + ":application/" + name;
  }

  private Instant now() {
    // AWS timestamps carry milliseconds.
    return Instant.ofEpochMilli(clock.millis());
  }

  private String newToken() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** READY, or ROLLED_BACK (assumed to accept what READY accepts): nothing runs. */
  private static boolean stopped(Application app) {
    return app.status.equals("READY") || app.status.equals("ROLLED_BACK");
  }

  private static AwsJsonError invalidArgument(String message) {
    return new AwsJsonError("InvalidArgumentException", message);
  }

  private static AwsJsonError resourceInUse(Application app) {
    return new AwsJsonError(
        "ResourceInUseException",
        "Application "
            + app.name
            + " is in "
            + app.status
            + " status; the operation is not allowed.");
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }

  /** AWS JSON timestamps are epoch seconds, with milliseconds as the fraction. */
  private static JsonNode timestamp(Instant instant) {
    return JSON.numberNode(BigDecimal.valueOf(instant.toEpochMilli(), 3));
  }

  /** A transition under way: completes once due and once its work (the engine's) is done. */
  private static final class Pending {
    final Instant due;
    final CompletableFuture<?> work;
    final Consumer<Object> onSuccess;
    final Consumer<String> onFailure;

    @SuppressWarnings("unchecked")
    <T> Pending(
        Instant due, CompletableFuture<T> work, Consumer<T> onSuccess, Consumer<String> onFailure) {
      this.due = due;
      this.work = work;
      this.onSuccess = value -> onSuccess.accept((T) value);
      this.onFailure = onFailure;
    }

    void complete() {
      Object value;
      try {
        value = work.join();
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        onFailure.accept(String.valueOf(cause.getMessage()));
        return;
      }
      onSuccess.accept(value);
    }
  }

  /** One asynchronous operation, as ListApplicationOperations reports it. */
  private final class Operation {
    final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    final String name;
    final Instant start;
    Optional<Instant> end = Optional.empty();
    String status = "IN_PROGRESS";
    Optional<String> error = Optional.empty();
    Optional<String> rollbackOperationId = Optional.empty();
    Optional<Long> versionFrom = Optional.empty();
    Optional<Long> versionTo = Optional.empty();

    Operation(String name, Instant start) {
      this.name = name;
      this.start = start;
    }

    void succeed(Instant at) {
      status = "SUCCESSFUL";
      end = Optional.of(at);
    }

    void fail(Instant at, String why) {
      status = "FAILED";
      error = Optional.of(why);
      end = Optional.of(at);
    }

    ObjectNode summary() {
      ObjectNode node = JSON.objectNode();
      node.put("Operation", name);
      node.put("OperationId", id);
      node.set("StartTime", timestamp(start));
      end.ifPresent(at -> node.set("EndTime", timestamp(at)));
      node.put("OperationStatus", status);
      return node;
    }
  }

  /** A snapshot of an application's state. */
  private static final class Snapshot {
    final String name;
    final long version;
    final Instant created;
    String status = "CREATING";
    Optional<String> location = Optional.empty();
    Pending pending;

    Snapshot(String name, long version, Instant created) {
      this.name = name;
      this.version = version;
      this.created = created;
    }

    ObjectNode details(Application app) {
      ObjectNode node = JSON.objectNode();
      node.put("SnapshotName", name);
      node.put("SnapshotStatus", status);
      node.put("ApplicationVersionId", version);
      node.set("SnapshotCreationTimestamp", timestamp(created));
      node.put("RuntimeEnvironment", app.runtimeEnvironment);
      return node;
    }
  }

  /** One application; mutable, guarded by the enclosing fake. */
  private final class Application {
    final String name;
    final String arn;
    final String runtimeEnvironment;
    final Instant createTimestamp;
    String serviceExecutionRole;
    ObjectNode configuration = JSON.objectNode();
    ArrayNode logging = JSON.arrayNode();
    final Map<String, String> tags = new TreeMap<>();
    final List<Snapshot> snapshots = new ArrayList<>();
    final List<Operation> operations = new ArrayList<>();
    String status = "READY";
    long version;
    String conditionalToken;
    Instant lastUpdate;
    Optional<Long> versionUpdatedFrom = Optional.empty();
    Optional<Long> versionRolledBackFrom = Optional.empty();
    Optional<Long> versionRolledBackTo = Optional.empty();
    String restoreType = "RESTORE_FROM_LATEST_SNAPSHOT";
    Optional<String> restoreSnapshot = Optional.empty();
    boolean allowNonRestoredState;
    int currentParallelism = 1;
    Pending pending;
    boolean deleted;

    Application(String name, String arn, String runtime, String role, Instant created) {
      this.name = name;
      this.arn = arn;
      this.runtimeEnvironment = runtime;
      this.serviceExecutionRole = role;
      this.createTimestamp = created;
      this.lastUpdate = created;
    }

    void newVersion(Instant at) {
      version++;
      conditionalToken = newToken();
      lastUpdate = at;
    }

    Operation operation(String operationName, Instant at) {
      Operation operation = new Operation(operationName, at);
      operations.add(operation);
      return operation;
    }
  }
}
