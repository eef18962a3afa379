package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.Artifact;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.loader.settings.BadMessageSettings;
import io.floe.loader.settings.LoaderSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationCodeConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationCodeConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationMode;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationSnapshotConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationSnapshotConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationSystemRollbackConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationSystemRollbackConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CheckpointConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CheckpointConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CheckpointConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CloudWatchLoggingOption;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CodeContent;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CodeContentType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CodeContentUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConfigurationType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CreateApplicationRequest;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.EnvironmentProperties;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.EnvironmentPropertyUpdates;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.FlinkApplicationConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.FlinkApplicationConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.FlinkApplicationConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.LogLevel;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.MetricsLevel;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.MonitoringConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.MonitoringConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.MonitoringConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ParallelismConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ParallelismConfigurationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ParallelismConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.PropertyGroup;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.RuntimeEnvironment;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.S3ApplicationCodeLocationDescription;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.S3ContentLocation;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.S3ContentLocationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.Tag;

/**
 * The application configuration of a pipeline, and what to send to bring an existing application to
 * it: code from S3 (bucket ARN, key, object version), property groups, parallelism (CUSTOM:
 * parallelism, per KPU, autoscaling), checkpointing (CUSTOM, interval = the flush interval; DEFAULT
 * would force 60 s), monitoring, snapshots and system rollback on.
 */
final class ApplicationConfigurations {
  /** Flink's default max parallelism for a job started with a parallelism up to 85. */
  static final int DEFAULT_MAX_PARALLELISM = 128;

  /** The settings that shape the job graph's stateful operators (the dead-letter sink). */
  private static final List<String> GRAPH_KEYS =
      List.of(BadMessageSettings.POLICY.key(), BadMessageSettings.DEAD_LETTER_TOPIC.key());

  private final RuntimeProperties.ManagedFlink config;

  ApplicationConfigurations(RuntimeProperties.ManagedFlink config) {
    this.config = requireNonNull(config, "config is null");
  }

  /** What a pipeline's application should be. */
  record Desired(
      Artifact artifact,
      Map<String, Map<String, String>> propertyGroups,
      int parallelism,
      long checkpointIntervalMillis) {}

  Desired desired(
      Artifact artifact,
      Map<String, Map<String, String>> groups,
      Map<String, String> settings,
      int parallelism) {
    long interval = LoaderSettings.parse(settings).job().flushInterval().toMillis();
    return new Desired(artifact, groups, parallelism, interval);
  }

  CreateApplicationRequest create(String application, List<Tag> tags, Desired desired) {
    CreateApplicationRequest.Builder request =
        CreateApplicationRequest.builder()
            .applicationName(application)
            .applicationDescription("Floe loader of pipeline " + tags.get(0).value())
            .runtimeEnvironment(RuntimeEnvironment.FLINK_1_20)
            .applicationMode(ApplicationMode.STREAMING)
            .serviceExecutionRole(config.serviceRoleArn())
            .tags(tags)
            .applicationConfiguration(
                ApplicationConfiguration.builder()
                    .applicationCodeConfiguration(
                        ApplicationCodeConfiguration.builder()
                            .codeContentType(CodeContentType.ZIPFILE)
                            .codeContent(
                                CodeContent.builder()
                                    .s3ContentLocation(
                                        S3ContentLocation.builder()
                                            .bucketARN(bucketArn(desired.artifact()))
                                            .fileKey(desired.artifact().key())
                                            .objectVersion(
                                                desired.artifact().versionId().orElse(null))
                                            .build())
                                    .build())
                            .build())
                    .flinkApplicationConfiguration(
                        FlinkApplicationConfiguration.builder()
                            .checkpointConfiguration(
                                CheckpointConfiguration.builder()
                                    .configurationType(ConfigurationType.CUSTOM)
                                    .checkpointingEnabled(true)
                                    .checkpointInterval(desired.checkpointIntervalMillis())
                                    .minPauseBetweenCheckpoints(0L)
                                    .build())
                            .monitoringConfiguration(
                                MonitoringConfiguration.builder()
                                    .configurationType(ConfigurationType.CUSTOM)
                                    .metricsLevel(MetricsLevel.OPERATOR)
                                    .logLevel(LogLevel.INFO)
                                    .build())
                            .parallelismConfiguration(parallelism(desired.parallelism()))
                            .build())
                    .environmentProperties(
                        EnvironmentProperties.builder()
                            .propertyGroups(propertyGroups(desired.propertyGroups()))
                            .build())
                    .applicationSnapshotConfiguration(
                        ApplicationSnapshotConfiguration.builder().snapshotsEnabled(true).build())
                    .applicationSystemRollbackConfiguration(
                        ApplicationSystemRollbackConfiguration.builder()
                            .rollbackEnabled(true)
                            .build())
                    .build());
    if (config.logGroup() != null) {
      request.cloudWatchLoggingOptions(
          CloudWatchLoggingOption.builder().logStreamARN(logStreamArn(application)).build());
    }
    return request.build();
  }

  /** Whether the application differs from what the pipeline wants. */
  boolean needsUpdate(ApplicationDetail app, Desired desired) {
    return update(app, desired) != null;
  }

  /**
   * Whether restoring the application's last state into the desired job may meet state of operators
   * that are gone: a new loader, or another dead-letter setup.
   */
  boolean graphMayDiffer(ApplicationDetail app, Desired desired) {
    if (!sameCode(app, desired)) {
      return true;
    }
    Map<String, String> current = flatten(currentGroups(app));
    Map<String, String> wanted = flatten(desired.propertyGroups());
    return GRAPH_KEYS.stream().anyMatch(key -> !Objects.equals(current.get(key), wanted.get(key)));
  }

  /** The update that brings the application to the desired configuration; null when none. */
  ApplicationConfigurationUpdate update(ApplicationDetail app, Desired desired) {
    ApplicationConfigurationUpdate.Builder update = ApplicationConfigurationUpdate.builder();
    boolean any = false;
    ApplicationConfigurationDescription description = app.applicationConfigurationDescription();
    if (!sameCode(app, desired)) {
      update.applicationCodeConfigurationUpdate(
          ApplicationCodeConfigurationUpdate.builder()
              .codeContentTypeUpdate(CodeContentType.ZIPFILE)
              .codeContentUpdate(
                  CodeContentUpdate.builder()
                      .s3ContentLocationUpdate(
                          S3ContentLocationUpdate.builder()
                              .bucketARNUpdate(bucketArn(desired.artifact()))
                              .fileKeyUpdate(desired.artifact().key())
                              .objectVersionUpdate(desired.artifact().versionId().orElse(null))
                              .build())
                      .build())
              .build());
      any = true;
    }
    FlinkApplicationConfigurationUpdate.Builder flink =
        FlinkApplicationConfigurationUpdate.builder();
    boolean flinkChanged = false;
    FlinkApplicationConfigurationDescription current =
        description == null ? null : description.flinkApplicationConfigurationDescription();
    CheckpointConfigurationDescription checkpoint =
        current == null ? null : current.checkpointConfigurationDescription();
    if (checkpoint == null
        || checkpoint.configurationType() != ConfigurationType.CUSTOM
        || !Objects.equals(checkpoint.checkpointInterval(), desired.checkpointIntervalMillis())
        || !Boolean.TRUE.equals(checkpoint.checkpointingEnabled())) {
      flink.checkpointConfigurationUpdate(
          CheckpointConfigurationUpdate.builder()
              .configurationTypeUpdate(ConfigurationType.CUSTOM)
              .checkpointingEnabledUpdate(true)
              .checkpointIntervalUpdate(desired.checkpointIntervalMillis())
              .minPauseBetweenCheckpointsUpdate(0L)
              .build());
      flinkChanged = true;
    }
    MonitoringConfigurationDescription monitoring =
        current == null ? null : current.monitoringConfigurationDescription();
    if (monitoring == null
        || monitoring.configurationType() != ConfigurationType.CUSTOM
        || monitoring.metricsLevel() != MetricsLevel.OPERATOR) {
      flink.monitoringConfigurationUpdate(
          MonitoringConfigurationUpdate.builder()
              .configurationTypeUpdate(ConfigurationType.CUSTOM)
              .metricsLevelUpdate(MetricsLevel.OPERATOR)
              .logLevelUpdate(LogLevel.INFO)
              .build());
      flinkChanged = true;
    }
    ParallelismConfigurationDescription parallelism =
        current == null ? null : current.parallelismConfigurationDescription();
    if (parallelism == null
        || parallelism.configurationType() != ConfigurationType.CUSTOM
        || !Objects.equals(parallelism.parallelism(), desired.parallelism())
        || !Objects.equals(parallelism.parallelismPerKPU(), config.parallelismPerKpu())
        || !Objects.equals(parallelism.autoScalingEnabled(), config.autoscaling())) {
      flink.parallelismConfigurationUpdate(parallelismUpdateOf(desired.parallelism()));
      flinkChanged = true;
    }
    if (flinkChanged) {
      update.flinkApplicationConfigurationUpdate(flink.build());
      any = true;
    }
    if (!currentGroups(app).equals(desired.propertyGroups())) {
      update.environmentPropertyUpdates(
          EnvironmentPropertyUpdates.builder()
              .propertyGroups(propertyGroups(desired.propertyGroups()))
              .build());
      any = true;
    }
    if (description == null
        || description.applicationSnapshotConfigurationDescription() == null
        || !Boolean.TRUE.equals(
            description.applicationSnapshotConfigurationDescription().snapshotsEnabled())) {
      update.applicationSnapshotConfigurationUpdate(
          ApplicationSnapshotConfigurationUpdate.builder().snapshotsEnabledUpdate(true).build());
      any = true;
    }
    if (description == null
        || description.applicationSystemRollbackConfigurationDescription() == null
        || !Boolean.TRUE.equals(
            description.applicationSystemRollbackConfigurationDescription().rollbackEnabled())) {
      update.applicationSystemRollbackConfigurationUpdate(
          ApplicationSystemRollbackConfigurationUpdate.builder()
              .rollbackEnabledUpdate(true)
              .build());
      any = true;
    }
    return any ? update.build() : null;
  }

  /** The update of a running application's parallelism only. */
  ApplicationConfigurationUpdate parallelismUpdate(int parallelism) {
    return ApplicationConfigurationUpdate.builder()
        .flinkApplicationConfigurationUpdate(
            FlinkApplicationConfigurationUpdate.builder()
                .parallelismConfigurationUpdate(parallelismUpdateOf(parallelism))
                .build())
        .build();
  }

  static int currentParallelism(ApplicationDetail app) {
    ApplicationConfigurationDescription description = app.applicationConfigurationDescription();
    if (description == null
        || description.flinkApplicationConfigurationDescription() == null
        || description
                .flinkApplicationConfigurationDescription()
                .parallelismConfigurationDescription()
            == null) {
      return 0;
    }
    ParallelismConfigurationDescription p =
        description
            .flinkApplicationConfigurationDescription()
            .parallelismConfigurationDescription();
    Integer current = p.currentParallelism() != null ? p.currentParallelism() : p.parallelism();
    return current == null ? 0 : current;
  }

  String logStreamArn(String application) {
    return "arn:aws:logs:"
        + config.region()
        + ":"
        + config.accountId()
        + ":log-group:"
        + config.logGroup()
        + ":log-stream:"
        + application;
  }

  static String bucketArn(Artifact artifact) {
    return "arn:aws:s3:::" + artifact.bucket();
  }

  private ParallelismConfiguration parallelism(int parallelism) {
    return ParallelismConfiguration.builder()
        .configurationType(ConfigurationType.CUSTOM)
        .parallelism(parallelism)
        .parallelismPerKPU(config.parallelismPerKpu())
        .autoScalingEnabled(config.autoscaling())
        .build();
  }

  private ParallelismConfigurationUpdate parallelismUpdateOf(int parallelism) {
    return ParallelismConfigurationUpdate.builder()
        .configurationTypeUpdate(ConfigurationType.CUSTOM)
        .parallelismUpdate(parallelism)
        .parallelismPerKPUUpdate(config.parallelismPerKpu())
        .autoScalingEnabledUpdate(config.autoscaling())
        .build();
  }

  private static boolean sameCode(ApplicationDetail app, Desired desired) {
    ApplicationConfigurationDescription description = app.applicationConfigurationDescription();
    S3ApplicationCodeLocationDescription location =
        description == null
                || description.applicationCodeConfigurationDescription() == null
                || description.applicationCodeConfigurationDescription().codeContentDescription()
                    == null
            ? null
            : description
                .applicationCodeConfigurationDescription()
                .codeContentDescription()
                .s3ApplicationCodeLocationDescription();
    return location != null
        && bucketArn(desired.artifact()).equals(location.bucketARN())
        && desired.artifact().key().equals(location.fileKey())
        && Objects.equals(
            desired.artifact().versionId().orElse(null), emptyToNull(location.objectVersion()));
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  /** The application's property groups as it holds them now. */
  static Map<String, Map<String, String>> currentGroups(ApplicationDetail app) {
    Map<String, Map<String, String>> groups = new TreeMap<>();
    ApplicationConfigurationDescription description = app.applicationConfigurationDescription();
    if (description == null || description.environmentPropertyDescriptions() == null) {
      return groups;
    }
    for (PropertyGroup group :
        description.environmentPropertyDescriptions().propertyGroupDescriptions()) {
      groups.put(group.propertyGroupId(), new TreeMap<>(group.propertyMap()));
    }
    return groups;
  }

  private static Map<String, String> flatten(Map<String, Map<String, String>> groups) {
    Map<String, String> flat = new TreeMap<>();
    groups.forEach(
        (group, properties) -> properties.forEach((k, v) -> flat.put(group + "." + k, v)));
    return flat;
  }

  private static List<PropertyGroup> propertyGroups(Map<String, Map<String, String>> groups) {
    List<PropertyGroup> list = new ArrayList<>();
    groups.forEach(
        (id, properties) ->
            list.add(PropertyGroup.builder().propertyGroupId(id).propertyMap(properties).build()));
    return list;
  }
}
