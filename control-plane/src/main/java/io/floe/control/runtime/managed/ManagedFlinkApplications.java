package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RuntimeUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationConfigurationUpdate;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfo;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationOperationInfoDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationRestoreType;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.CreateApplicationRequest;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;

/**
 * The Managed Flink application API as the runtime uses it: one call per service operation, every
 * page read, no retries of its own beyond the SDK's. Validation errors surface as {@link
 * RunRejectedException}, an unreachable service as {@link RuntimeUnavailableException}; the
 * service's ResourceNotFoundException, ResourceInUseException and ConcurrentModificationException
 * (an update's ConditionalToken is stale) pass to the caller, which decides.
 */
public interface ManagedFlinkApplications {
  /** The application, or empty when it does not exist. */
  Optional<ApplicationDetail> describe(String application);

  /** Every application of the account and region. */
  List<Summary> list();

  void create(CreateApplicationRequest request);

  /**
   * One UpdateApplication, conditional on the token of the description the change was computed
   * from.
   */
  Updated update(
      String application,
      String conditionalToken,
      ApplicationConfigurationUpdate change,
      Optional<Restore> restore,
      boolean allowNonRestoredState);

  /** StartApplication; the id of its operation. */
  String start(String application, Restore restore, boolean allowNonRestoredState);

  /** StopApplication (with a snapshot unless forced); the id of its operation. */
  String stop(String application, boolean force);

  void delete(String application, Instant created);

  /** The application's operations (of one kind, if given), in no documented order. */
  List<ApplicationOperationInfo> operations(String application, Optional<String> kind);

  ApplicationOperationInfoDetails operation(String application, String operationId);

  List<SnapshotDetails> snapshots(String application);

  void deleteSnapshot(String application, String snapshot, Instant created);

  Map<String, String> tags(String arn);

  void tag(String arn, String key, String value);

  /** An application as ListApplications names it. */
  record Summary(String name, String arn) {
    public Summary {
      requireNonNull(name, "name is null");
      requireNonNull(arn, "arn is null");
    }
  }

  /** What a start (or the restart of an update) restores: a named snapshot, the latest, or none. */
  record Restore(ApplicationRestoreType type, Optional<String> snapshot) {
    public Restore {
      requireNonNull(type, "type is null");
      requireNonNull(snapshot, "snapshot is null");
    }

    static Restore named(String snapshot) {
      return new Restore(
          ApplicationRestoreType.RESTORE_FROM_CUSTOM_SNAPSHOT, Optional.of(snapshot));
    }

    static Restore of(ApplicationRestoreType type) {
      return new Restore(type, Optional.empty());
    }

    /** The restore as a pipeline event tells it. */
    String describe() {
      switch (type) {
        case RESTORE_FROM_CUSTOM_SNAPSHOT:
          return "restoring snapshot " + snapshot.orElse("?");
        case SKIP_RESTORE_FROM_SNAPSHOT:
          return "without restoring a snapshot: the loader continues after its table's offsets";
        default:
          return "restoring the latest snapshot, if any";
      }
    }
  }

  /** An accepted UpdateApplication: its operation and the version it makes. */
  record Updated(String operationId, Long versionId) {}
}
