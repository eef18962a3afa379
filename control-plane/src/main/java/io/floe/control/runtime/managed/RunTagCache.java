package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kinesisanalyticsv2.model.ApplicationDetail;

/**
 * Which run each application's {@value ManagedFlinkRuntime#RUN_TAG} tag names, and which
 * application each run is: read once per application (ListTagsForResource), kept as Floe tags and
 * submits change it, and found after a restart of the control plane by one scan of the applications
 * with this control plane's prefix.
 */
final class RunTagCache {
  private final ManagedFlinkApplications applications;
  private final String prefix;
  private final Map<String, String> applicationsByRun = new ConcurrentHashMap<>();
  private final Map<String, String> runsByApplication = new ConcurrentHashMap<>();

  RunTagCache(ManagedFlinkApplications applications, String prefix) {
    this.applications = requireNonNull(applications, "applications is null");
    this.prefix = requireNonNull(prefix, "prefix is null");
  }

  /** The run the application runs (or last ran), from its tag; null when it names none. */
  String runOf(ApplicationDetail app) {
    String known = runsByApplication.get(app.applicationName());
    if (known != null) {
      return known;
    }
    String run = applications.tags(app.applicationARN()).get(ManagedFlinkRuntime.RUN_TAG);
    if (run != null) {
      put(app.applicationName(), run);
    }
    return run;
  }

  /**
   * The application a run id belongs to: known from a submit or a tag read, else found by scanning
   * the applications with this control plane's prefix for the run tag (after a restart).
   */
  Optional<String> applicationOf(String runId) {
    String known = applicationsByRun.get(runId);
    if (known != null) {
      return Optional.of(known);
    }
    for (ManagedFlinkApplications.Summary summary : applications.list()) {
      if (!summary.name().startsWith(prefix) || runsByApplication.containsKey(summary.name())) {
        continue;
      }
      String run = applications.tags(summary.arn()).get(ManagedFlinkRuntime.RUN_TAG);
      if (run != null) {
        put(summary.name(), run);
      }
    }
    return Optional.ofNullable(applicationsByRun.get(runId));
  }

  /** The run is submitted to the application (its tag may still name an earlier run). */
  void submitted(String runId, String application) {
    applicationsByRun.put(runId, application);
  }

  /** Tags the application with the run, unless it names that run already. */
  void tag(ApplicationDetail app, String runId) {
    if (runId.equals(runOf(app))) {
      return;
    }
    applications.tag(app.applicationARN(), ManagedFlinkRuntime.RUN_TAG, runId);
    runsByApplication.put(app.applicationName(), runId);
  }

  /** The application is deleted: none of its runs is known any more. */
  void forget(String application) {
    runsByApplication.remove(application);
    applicationsByRun.values().removeIf(application::equals);
  }

  private void put(String application, String run) {
    runsByApplication.put(application, run);
    applicationsByRun.put(run, application);
  }
}
