package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.loader.settings.PropertyGroups;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotDetails;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.SnapshotStatus;

/**
 * Which snapshot of its application a run resumes from ({@link RestorePoints}, judged against the
 * table's commits), and the event that says why none when none qualifies.
 */
final class RunRestorePoints {
  /** What a run's restore points are chosen from. */
  private record Candidates(
      List<SnapshotDetails> snapshots,
      Optional<Instant> runStart,
      List<SnapshotDetails> sinceRunStart,
      Optional<Instant> newestCommit,
      List<SnapshotDetails> points) {}

  private final ManagedFlinkApplications applications;
  private final ApplicationReads reads;
  private final RunTagCache runs;
  private final ManagedFlinkRuntime.PipelineCommits commits;
  private final ManagedFlinkRuntime.ApplicationEvents events;

  RunRestorePoints(
      ManagedFlinkApplications applications,
      ApplicationReads reads,
      RunTagCache runs,
      ManagedFlinkRuntime.PipelineCommits commits,
      ManagedFlinkRuntime.ApplicationEvents events) {
    this.applications = requireNonNull(applications, "applications is null");
    this.reads = requireNonNull(reads, "reads is null");
    this.runs = requireNonNull(runs, "runs is null");
    this.commits = requireNonNull(commits, "commits is null");
    this.events = requireNonNull(events, "events is null");
  }

  /** See {@link ManagedFlinkRuntime#retainedCheckpoints}. */
  List<String> retained(String runId) {
    return runsApplication(runId)
        .map(app -> candidates(app).points().stream().map(SnapshotDetails::snapshotName).toList())
        .orElse(List.of());
  }

  /** See {@link ManagedFlinkRuntime#resumePoint}. */
  Optional<String> resumePoint(String runId, Optional<String> startedFrom) {
    Optional<ApplicationDetail> found = runsApplication(runId);
    if (found.isEmpty()) {
      // The application is gone (its snapshots with it) or runs another run.
      return Optional.empty();
    }
    ApplicationDetail app = found.get();
    Candidates candidates = candidates(app);
    if (!candidates.points().isEmpty()) {
      return Optional.of(candidates.points().get(0).snapshotName());
    }
    Optional<SnapshotDetails> start =
        startedFrom.flatMap(
            name ->
                candidates.snapshots().stream()
                    .filter(s -> s.snapshotName().equals(name))
                    .filter(s -> s.snapshotStatus() == SnapshotStatus.READY)
                    .findFirst());
    Optional<Instant> newestCommit =
        start.isPresent() && candidates.sinceRunStart().isEmpty()
            ? newestCommit(app)
            : candidates.newestCommit();
    if (start.isPresent() && RestorePoints.startPointHolds(candidates.runStart(), newestCommit)) {
      return startedFrom;
    }
    List<String> refused = new ArrayList<>();
    if (!candidates.sinceRunStart().isEmpty()) {
      refused.add(
          "its snapshots "
              + candidates.sinceRunStart().stream().map(SnapshotDetails::snapshotName).toList()
              + " are older than the pipeline's newest commit"
              + newestCommit.map(at -> " (" + at + ")").orElse(""));
    } else {
      refused.add("it took no snapshot (a forced stop or a failure takes none)");
    }
    startedFrom.ifPresent(
        name ->
            refused.add(
                start.isEmpty()
                    ? "the snapshot it started from, " + name + ", no longer exists"
                    : "it committed since it started from " + name));
    events.record(
        reads.pipelineOf(app),
        "NO_RESTORE_POINT",
        "No snapshot of "
            + app.applicationName()
            + " is at least as new as what run "
            + runId
            + " committed: "
            + String.join("; ", refused)
            + ". The loader continues after the offsets its table recorded.");
    return Optional.empty();
  }

  /**
   * The application's snapshots and the run's qualifying ones; the table is read only when a
   * snapshot was taken since the run started ({@code newestCommit} is empty otherwise).
   */
  private Candidates candidates(ApplicationDetail app) {
    String application = app.applicationName();
    List<SnapshotDetails> snapshots = applications.snapshots(application);
    Optional<Instant> runStart = reads.runStart(application);
    List<SnapshotDetails> since =
        runStart.map(at -> RestorePoints.sinceRunStart(snapshots, at)).orElse(List.of());
    if (since.isEmpty()) {
      return new Candidates(snapshots, runStart, since, Optional.empty(), List.of());
    }
    Optional<Instant> newestCommit = newestCommit(app);
    Optional<RestorePoints.Ending> ending =
        ApplicationStates.stopped(app.applicationStatus())
            ? reads
                .lastFinishedOperation(application)
                .filter(o -> o.startTime() != null && o.endTime() != null)
                .map(
                    o ->
                        new RestorePoints.Ending(
                            o.operation(), o.operationId(), o.startTime(), o.endTime()))
            : Optional.empty();
    return new Candidates(
        snapshots,
        runStart,
        since,
        newestCommit,
        RestorePoints.ofRun(snapshots, runStart, ending, newestCommit));
  }

  /** The application, while it runs (or last ran) this run. */
  private Optional<ApplicationDetail> runsApplication(String runId) {
    return runs.applicationOf(runId)
        .flatMap(reads::find)
        .filter(app -> runId.equals(runs.runOf(app)));
  }

  /**
   * When the application's pipeline last committed to the table its property groups name;
   * unavailable (the caller retries) when the table cannot be read: a restore point is never chosen
   * without knowing.
   */
  private Optional<Instant> newestCommit(ApplicationDetail app) {
    String pipeline = reads.pipelineOf(app);
    try {
      return commits.newestCommit(
          pipeline, PropertyGroups.toSettings(ApplicationConfigurations.currentGroups(app)));
    } catch (RuntimeUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RuntimeUnavailableException(
          "Cannot read the commits of "
              + pipeline
              + " in the table "
              + app.applicationName()
              + " writes, to judge its snapshots as restore points: "
              + e.getMessage(),
          e);
    }
  }
}
