package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RuntimeThrottledException;
import io.floe.control.runtime.RuntimeUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesisanalyticsv2.KinesisAnalyticsV2Client;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfo;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfoDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationRestoreConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CodeValidationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ConcurrentModificationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CreateApplicationRequest;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.FlinkRunConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.InvalidApplicationConfigurationException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.InvalidRequestException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.KinesisAnalyticsV2Exception;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.LimitExceededException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.RunConfiguration;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.RunConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.Tag;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.TooManyTagsException;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.UnsupportedOperationException;

/**
 * The Managed Flink applications of kinesisanalyticsv2, through the SDK's client (whose own
 * retries, {@link AwsRetries}, cover throttling and lost responses): what each call sends, and
 * which errors it surfaces how.
 */
public final class SdkManagedFlinkApplications implements ManagedFlinkApplications {
  private static final int PAGE = 50;

  private final KinesisAnalyticsV2Client client;

  public SdkManagedFlinkApplications(KinesisAnalyticsV2Client client) {
    this.client = requireNonNull(client, "client is null");
  }

  @Override
  public Optional<ApplicationDetail> describe(String application) {
    try {
      return Optional.of(
          call(() -> client.describeApplication(r -> r.applicationName(application)))
              .applicationDetail());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<Summary> list() {
    List<Summary> all = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page = call(() -> client.listApplications(r -> r.limit(PAGE).nextToken(next)));
      page.applicationSummaries()
          .forEach(s -> all.add(new Summary(s.applicationName(), s.applicationARN())));
      token = page.nextToken();
    } while (token != null);
    return all;
  }

  @Override
  public void create(CreateApplicationRequest request) {
    call(() -> client.createApplication(request));
  }

  @Override
  public Updated update(
      String application,
      String conditionalToken,
      ApplicationConfigurationUpdate change,
      Optional<Restore> restore,
      boolean allowNonRestoredState) {
    RunConfigurationUpdate.Builder run =
        RunConfigurationUpdate.builder().flinkRunConfiguration(flink(allowNonRestoredState));
    restore
        .map(SdkManagedFlinkApplications::restoreConfiguration)
        .ifPresent(run::applicationRestoreConfiguration);
    var response =
        call(
            () ->
                client.updateApplication(
                    r ->
                        r.applicationName(application)
                            .conditionalToken(conditionalToken)
                            .applicationConfigurationUpdate(change)
                            .runConfigurationUpdate(run.build())));
    return new Updated(response.operationId(), response.applicationDetail().applicationVersionId());
  }

  @Override
  public String start(String application, Restore restore, boolean allowNonRestoredState) {
    RunConfiguration run =
        RunConfiguration.builder()
            .applicationRestoreConfiguration(restoreConfiguration(restore))
            .flinkRunConfiguration(flink(allowNonRestoredState))
            .build();
    return call(() ->
            client.startApplication(r -> r.applicationName(application).runConfiguration(run)))
        .operationId();
  }

  @Override
  public String stop(String application, boolean force) {
    return call(() -> client.stopApplication(r -> r.applicationName(application).force(force)))
        .operationId();
  }

  @Override
  public void delete(String application, Instant created) {
    call(
        () ->
            client.deleteApplication(r -> r.applicationName(application).createTimestamp(created)));
  }

  @Override
  public List<ApplicationOperationInfo> operations(String application, Optional<String> kind) {
    List<ApplicationOperationInfo> all = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          call(
              () ->
                  client.listApplicationOperations(
                      r -> {
                        r.applicationName(application).limit(PAGE).nextToken(next);
                        kind.ifPresent(r::operation);
                      }));
      all.addAll(page.applicationOperationInfoList());
      token = page.nextToken();
    } while (token != null);
    return all;
  }

  @Override
  public ApplicationOperationInfoDetails operation(String application, String operationId) {
    return call(() ->
            client.describeApplicationOperation(
                r -> r.applicationName(application).operationId(operationId)))
        .applicationOperationInfoDetails();
  }

  @Override
  public List<SnapshotDetails> snapshots(String application) {
    List<SnapshotDetails> all = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          call(
              () ->
                  client.listApplicationSnapshots(
                      r -> r.applicationName(application).limit(PAGE).nextToken(next)));
      all.addAll(page.snapshotSummaries());
      token = page.nextToken();
    } while (token != null);
    return all;
  }

  @Override
  public void deleteSnapshot(String application, String snapshot, Instant created) {
    call(
        () ->
            client.deleteApplicationSnapshot(
                r ->
                    r.applicationName(application)
                        .snapshotName(snapshot)
                        .snapshotCreationTimestamp(created)));
  }

  @Override
  public Map<String, String> tags(String arn) {
    Map<String, String> tags = new TreeMap<>();
    call(() -> client.listTagsForResource(r -> r.resourceARN(arn)))
        .tags()
        .forEach(tag -> tags.put(tag.key(), tag.value()));
    return tags;
  }

  @Override
  public void tag(String arn, String key, String value) {
    call(
        () ->
            client.tagResource(
                r -> r.resourceARN(arn).tags(Tag.builder().key(key).value(value).build())));
  }

  private static FlinkRunConfiguration flink(boolean allowNonRestoredState) {
    return FlinkRunConfiguration.builder().allowNonRestoredState(allowNonRestoredState).build();
  }

  private static ApplicationRestoreConfiguration restoreConfiguration(Restore restore) {
    return ApplicationRestoreConfiguration.builder()
        .applicationRestoreType(restore.type())
        .snapshotName(restore.snapshot().orElse(null))
        .build();
  }

  /**
   * Makes a call: throttling that outlasted the client's retries becomes RuntimeThrottledException;
   * validation errors and quotas RunRejectedException (surfaced, never retried); failures to reach
   * the service RuntimeUnavailableException; concurrency and state errors pass to the caller, which
   * decides.
   */
  private static <T> T call(Supplier<T> request) {
    try {
      return request.get();
    } catch (SdkException e) {
      throw classified(e);
    }
  }

  private static RuntimeException classified(SdkException e) {
    if (AwsRetries.isThrottling(e)) {
      return new RuntimeThrottledException(
          "Managed Flink throttled the request: " + e.getMessage(), e);
    }
    if (e instanceof ConcurrentModificationException
        || e instanceof ResourceInUseException
        || e instanceof ResourceNotFoundException) {
      return e;
    }
    if (e instanceof InvalidArgumentException
        || e instanceof InvalidApplicationConfigurationException
        || e instanceof InvalidRequestException
        || e instanceof CodeValidationException
        || e instanceof LimitExceededException
        || e instanceof TooManyTagsException
        || e instanceof UnsupportedOperationException) {
      return new RunRejectedException(
          "Managed Flink refused the request: "
              + ((KinesisAnalyticsV2Exception) e).awsErrorDetails().errorMessage(),
          e);
    }
    if (e instanceof KinesisAnalyticsV2Exception) {
      return new RuntimeUnavailableException("Managed Flink failed: " + e.getMessage(), e);
    }
    return new RuntimeUnavailableException("Managed Flink is not reachable: " + e.getMessage(), e);
  }
}
