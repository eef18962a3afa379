package io.floe.control.runtime.managed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationCodeConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfo;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfoDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationSnapshotConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationSystemRollbackConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationVersionChangeDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CheckpointConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CodeContentDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConcurrentModificationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConfigurationType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CreateApplicationRequest;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.EnvironmentPropertyDescriptions;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.FlinkApplicationConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.FlinkApplicationConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.MetricsLevel;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.MonitoringConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.OperationStatus;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ParallelismConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.PropertyGroup;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.S3ApplicationCodeLocationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.S3ContentLocation;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotStatus;

/**
 * Managed Flink's applications in memory, with the documented semantics the runtime relies on:
 * StartApplication, StopApplication and UpdateApplication are asynchronous (STARTING, STOPPING,
 * FORCE_STOPPING, UPDATING, each operation IN_PROGRESS) until the test calls {@link #settle}; a
 * busy application refuses them (ResourceInUseException); an update with a stale ConditionalToken
 * fails with ConcurrentModificationException and a successful one makes a new version; a stop
 * without Force and an update of a running application each take a snapshot named {@code
 * floe-fake-auto-<n>}. Time moves one second per call.
 */
final class InMemoryManagedFlinkApplications implements ManagedFlinkApplications {
  private static final Set<ApplicationStatus> FORCE_STOPPABLE =
      Set.of(
          ApplicationStatus.STARTING,
          ApplicationStatus.UPDATING,
          ApplicationStatus.STOPPING,
          ApplicationStatus.AUTOSCALING,
          ApplicationStatus.RUNNING);

  /** A call the runtime made, for the test to assert on. */
  record Call(String operation, String application, Optional<String> error) {}

  /** A start as the application received it. */
  record Start(Restore restore, boolean allowNonRestoredState) {}

  private static final class Operation {
    final String id;
    final String kind;
    final Instant start;
    OperationStatus status = OperationStatus.IN_PROGRESS;
    Instant end;
    Long versionFrom;
    Long versionTo;

    Operation(String id, String kind, Instant start) {
      this.id = id;
      this.kind = kind;
      this.start = start;
    }
  }

  private static final class Application {
    final String name;
    final Instant created;
    ApplicationStatus status = ApplicationStatus.READY;
    long version = 1;
    String codeBucket;
    String codeKey;
    String codeVersion;
    int parallelism;
    long checkpointInterval;
    Map<String, Map<String, String>> groups = new TreeMap<>();
    final Map<String, String> tags = new TreeMap<>();
    final List<Operation> operations = new ArrayList<>();
    final Map<String, SnapshotDetails> snapshots = new LinkedHashMap<>();
    final List<Start> starts = new ArrayList<>();
    Runnable pending;
    boolean raceNextUpdate;

    Application(String name, Instant created) {
      this.name = name;
      this.created = created;
    }

    String arn() {
      return "arn:aws:kinesisanalytics:eu-west-1:123456789012:application/" + name;
    }

    String token() {
      return "token-" + version;
    }
  }

  private final Map<String, Application> applications = new LinkedHashMap<>();
  private final List<Call> calls = new ArrayList<>();
  private Instant now = Instant.parse("2026-12-01T10:00:00Z");
  private int operationCount;
  private int snapshotCount;

  // ---- test controls ---------------------------------------------------------------------------

  /** Every pending transition completes: operations succeed, snapshots are READY. */
  synchronized void settle() {
    tick();
    for (Application app : applications.values()) {
      Runnable pending = app.pending;
      app.pending = null;
      if (pending != null) {
        pending.run();
      }
    }
  }

  /** Another writer updates the application just before the next UpdateApplication arrives. */
  synchronized void raceNextUpdate(String application) {
    existing(application).raceNextUpdate = true;
  }

  /** Someone outside Floe stops the application (with a snapshot unless forced). */
  synchronized void stopOutsideFloe(String application, boolean force) {
    stop(application, force);
    calls.remove(calls.size() - 1);
  }

  synchronized ApplicationStatus status(String application) {
    return existing(application).status;
  }

  synchronized List<Start> starts(String application) {
    return List.copyOf(existing(application).starts);
  }

  synchronized List<String> snapshotNames(String application) {
    return List.copyOf(existing(application).snapshots.keySet());
  }

  synchronized List<Call> calls(String operation) {
    return calls.stream().filter(c -> c.operation().equals(operation)).toList();
  }

  synchronized void clearCalls() {
    calls.clear();
  }

  // ---- the gateway -----------------------------------------------------------------------------

  @Override
  public synchronized Optional<ApplicationDetail> describe(String application) {
    record("DescribeApplication", application, Optional.empty());
    return Optional.ofNullable(applications.get(application)).map(this::detail);
  }

  @Override
  public synchronized List<Summary> list() {
    return applications.values().stream().map(a -> new Summary(a.name, a.arn())).toList();
  }

  @Override
  public synchronized void create(CreateApplicationRequest request) {
    String name = request.applicationName();
    if (applications.containsKey(name)) {
      throw fail("CreateApplication", name, ResourceInUseException.builder(), "exists");
    }
    record("CreateApplication", name, Optional.empty());
    Application app = new Application(name, tick());
    var configuration = request.applicationConfiguration();
    S3ContentLocation code =
        configuration.applicationCodeConfiguration().codeContent().s3ContentLocation();
    app.codeBucket = code.bucketARN();
    app.codeKey = code.fileKey();
    app.codeVersion = code.objectVersion();
    FlinkApplicationConfiguration flink = configuration.flinkApplicationConfiguration();
    app.parallelism = flink.parallelismConfiguration().parallelism();
    app.checkpointInterval = flink.checkpointConfiguration().checkpointInterval();
    configuration
        .environmentProperties()
        .propertyGroups()
        .forEach(g -> app.groups.put(g.propertyGroupId(), new TreeMap<>(g.propertyMap())));
    request.tags().forEach(tag -> app.tags.put(tag.key(), tag.value()));
    applications.put(name, app);
  }

  @Override
  public synchronized Updated update(
      String application,
      String conditionalToken,
      ApplicationConfigurationUpdate change,
      Optional<Restore> restore,
      boolean allowNonRestoredState) {
    Application app = existing(application);
    if (app.raceNextUpdate) {
      app.raceNextUpdate = false;
      app.version++;
    }
    if (!steady(app)) {
      throw fail("UpdateApplication", application, ResourceInUseException.builder(), "busy");
    }
    if (!app.token().equals(conditionalToken)) {
      throw fail(
          "UpdateApplication",
          application,
          ConcurrentModificationException.builder(),
          "stale token " + conditionalToken);
    }
    record("UpdateApplication", application, Optional.empty());
    if (change.applicationCodeConfigurationUpdate() != null) {
      var code =
          change.applicationCodeConfigurationUpdate().codeContentUpdate().s3ContentLocationUpdate();
      app.codeBucket = code.bucketARNUpdate();
      app.codeKey = code.fileKeyUpdate();
      app.codeVersion = code.objectVersionUpdate();
    }
    var flink = change.flinkApplicationConfigurationUpdate();
    if (flink != null && flink.parallelismConfigurationUpdate() != null) {
      app.parallelism = flink.parallelismConfigurationUpdate().parallelismUpdate();
    }
    if (flink != null && flink.checkpointConfigurationUpdate() != null) {
      app.checkpointInterval = flink.checkpointConfigurationUpdate().checkpointIntervalUpdate();
    }
    if (change.environmentPropertyUpdates() != null) {
      app.groups.clear();
      change
          .environmentPropertyUpdates()
          .propertyGroups()
          .forEach(g -> app.groups.put(g.propertyGroupId(), new TreeMap<>(g.propertyMap())));
    }
    Operation operation = operation(app, "UpdateApplication");
    operation.versionFrom = app.version;
    app.version++;
    operation.versionTo = app.version;
    boolean running = app.status == ApplicationStatus.RUNNING;
    app.status = ApplicationStatus.UPDATING;
    app.pending =
        () -> {
          if (running) {
            snapshot(app);
          }
          app.status = running ? ApplicationStatus.RUNNING : ApplicationStatus.READY;
          succeed(operation);
        };
    return new Updated(operation.id, app.version);
  }

  @Override
  public synchronized String start(
      String application, Restore restore, boolean allowNonRestoredState) {
    Application app = existing(application);
    if (!ApplicationStates.stopped(app.status)) {
      throw fail("StartApplication", application, ResourceInUseException.builder(), "not READY");
    }
    if (restore.snapshot().isPresent() && !app.snapshots.containsKey(restore.snapshot().get())) {
      throw fail(
          "StartApplication", application, ResourceNotFoundException.builder(), "no snapshot");
    }
    record("StartApplication", application, Optional.empty());
    app.starts.add(new Start(restore, allowNonRestoredState));
    Operation operation = operation(app, "StartApplication");
    app.status = ApplicationStatus.STARTING;
    app.pending =
        () -> {
          app.status = ApplicationStatus.RUNNING;
          succeed(operation);
        };
    return operation.id;
  }

  @Override
  public synchronized String stop(String application, boolean force) {
    Application app = existing(application);
    if (force ? !FORCE_STOPPABLE.contains(app.status) : app.status != ApplicationStatus.RUNNING) {
      throw fail("StopApplication", application, ResourceInUseException.builder(), "not running");
    }
    record("StopApplication", application, Optional.empty());
    Operation operation = operation(app, "StopApplication");
    app.status = force ? ApplicationStatus.FORCE_STOPPING : ApplicationStatus.STOPPING;
    app.pending =
        () -> {
          if (!force) {
            snapshot(app);
          }
          app.status = ApplicationStatus.READY;
          succeed(operation);
        };
    return operation.id;
  }

  @Override
  public synchronized void delete(String application, Instant created) {
    Application app = existing(application);
    if (!ApplicationStates.stopped(app.status)) {
      throw fail("DeleteApplication", application, ResourceInUseException.builder(), "running");
    }
    record("DeleteApplication", application, Optional.empty());
    applications.remove(application);
  }

  @Override
  public synchronized List<ApplicationOperationInfo> operations(
      String application, Optional<String> kind) {
    return existing(application).operations.stream()
        .filter(o -> kind.map(o.kind::equals).orElse(true))
        .map(
            o ->
                ApplicationOperationInfo.builder()
                    .operationId(o.id)
                    .operation(o.kind)
                    .operationStatus(o.status)
                    .startTime(o.start)
                    .endTime(o.end)
                    .build())
        .toList();
  }

  @Override
  public synchronized ApplicationOperationInfoDetails operation(
      String application, String operationId) {
    Operation o =
        existing(application).operations.stream()
            .filter(op -> op.id.equals(operationId))
            .findFirst()
            .orElseThrow(() -> ResourceNotFoundException.builder().message(operationId).build());
    return ApplicationOperationInfoDetails.builder()
        .operation(o.kind)
        .operationStatus(o.status)
        .startTime(o.start)
        .endTime(o.end)
        .applicationVersionChangeDetails(
            o.versionTo == null
                ? null
                : ApplicationVersionChangeDetails.builder()
                    .applicationVersionUpdatedFrom(o.versionFrom)
                    .applicationVersionUpdatedTo(o.versionTo)
                    .build())
        .build();
  }

  @Override
  public synchronized List<SnapshotDetails> snapshots(String application) {
    return List.copyOf(existing(application).snapshots.values());
  }

  @Override
  public synchronized void deleteSnapshot(String application, String snapshot, Instant created) {
    record("DeleteApplicationSnapshot", application, Optional.empty());
    existing(application).snapshots.remove(snapshot);
  }

  @Override
  public synchronized Map<String, String> tags(String arn) {
    return applications.values().stream()
        .filter(a -> a.arn().equals(arn))
        .findFirst()
        .map(a -> Map.copyOf(a.tags))
        .orElseThrow(() -> ResourceNotFoundException.builder().message(arn).build());
  }

  @Override
  public synchronized void tag(String arn, String key, String value) {
    applications.values().stream()
        .filter(a -> a.arn().equals(arn))
        .findFirst()
        .orElseThrow(() -> ResourceNotFoundException.builder().message(arn).build())
        .tags
        .put(key, value);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Application existing(String application) {
    Application app = applications.get(application);
    if (app == null) {
      throw ResourceNotFoundException.builder().message(application + " does not exist").build();
    }
    return app;
  }

  private static boolean steady(Application app) {
    return ApplicationStates.stopped(app.status) || app.status == ApplicationStatus.RUNNING;
  }

  private Operation operation(Application app, String kind) {
    Operation operation = new Operation("op-" + ++operationCount, kind, tick());
    app.operations.add(operation);
    return operation;
  }

  private void succeed(Operation operation) {
    operation.status = OperationStatus.SUCCESSFUL;
    operation.end = tick();
  }

  private void snapshot(Application app) {
    String name = "floe-fake-auto-" + ++snapshotCount;
    app.snapshots.put(
        name,
        SnapshotDetails.builder()
            .snapshotName(name)
            .snapshotStatus(SnapshotStatus.READY)
            .snapshotCreationTimestamp(tick())
            .applicationVersionId(app.version)
            .build());
  }

  private Instant tick() {
    now = now.plus(Duration.ofSeconds(1));
    return now;
  }

  private void record(String operation, String application, Optional<String> error) {
    calls.add(new Call(operation, application, error));
  }

  private RuntimeException fail(
      String operation,
      String application,
      software.amazon.awssdk.awscore.exception.AwsServiceException.Builder error,
      String message) {
    RuntimeException e = (RuntimeException) error.message(message).build();
    record(operation, application, Optional.of(e.getClass().getSimpleName()));
    return e;
  }

  private ApplicationDetail detail(Application app) {
    List<PropertyGroup> groups = new ArrayList<>();
    app.groups.forEach(
        (id, map) ->
            groups.add(PropertyGroup.builder().propertyGroupId(id).propertyMap(map).build()));
    return ApplicationDetail.builder()
        .applicationName(app.name)
        .applicationARN(app.arn())
        .applicationStatus(app.status)
        .applicationVersionId(app.version)
        .conditionalToken(app.token())
        .createTimestamp(app.created)
        .applicationConfigurationDescription(
            ApplicationConfigurationDescription.builder()
                .applicationCodeConfigurationDescription(
                    ApplicationCodeConfigurationDescription.builder()
                        .codeContentDescription(
                            CodeContentDescription.builder()
                                .s3ApplicationCodeLocationDescription(
                                    S3ApplicationCodeLocationDescription.builder()
                                        .bucketARN(app.codeBucket)
                                        .fileKey(app.codeKey)
                                        .objectVersion(app.codeVersion)
                                        .build())
                                .build())
                        .build())
                .flinkApplicationConfigurationDescription(
                    FlinkApplicationConfigurationDescription.builder()
                        .checkpointConfigurationDescription(
                            CheckpointConfigurationDescription.builder()
                                .configurationType(ConfigurationType.CUSTOM)
                                .checkpointingEnabled(true)
                                .checkpointInterval(app.checkpointInterval)
                                .build())
                        .monitoringConfigurationDescription(
                            MonitoringConfigurationDescription.builder()
                                .configurationType(ConfigurationType.CUSTOM)
                                .metricsLevel(MetricsLevel.OPERATOR)
                                .build())
                        .parallelismConfigurationDescription(
                            ParallelismConfigurationDescription.builder()
                                .configurationType(ConfigurationType.CUSTOM)
                                .parallelism(app.parallelism)
                                .currentParallelism(app.parallelism)
                                .parallelismPerKPU(1)
                                .autoScalingEnabled(false)
                                .build())
                        .build())
                .environmentPropertyDescriptions(
                    EnvironmentPropertyDescriptions.builder()
                        .propertyGroupDescriptions(groups)
                        .build())
                .applicationSnapshotConfigurationDescription(
                    ApplicationSnapshotConfigurationDescription.builder()
                        .snapshotsEnabled(true)
                        .build())
                .applicationSystemRollbackConfigurationDescription(
                    ApplicationSystemRollbackConfigurationDescription.builder()
                        .rollbackEnabled(true)
                        .build())
                .build())
        .build();
  }
}
