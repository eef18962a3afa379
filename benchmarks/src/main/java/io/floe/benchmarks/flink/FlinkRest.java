package io.floe.benchmarks.flink;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.testing.flink.FlinkTestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The few calls of a Flink session cluster's REST API (1.20) a benchmark makes: upload and run the
 * loader JAR, follow and cancel the job, read TaskManager metrics. Deliberately not the control
 * plane's client: benchmarks stay free of Spring and measure the loader alone.
 */
public final class FlinkRest {
  private final FlinkTestClient client;

  public FlinkRest(URI baseUrl) {
    this.client = new FlinkTestClient(requireNonNull(baseUrl, "baseUrl is null"));
  }

  /** The Flink version the cluster reports in {@code GET /overview}. */
  public String flinkVersion() {
    return get("/overview").path("flink-version").asText("unknown");
  }

  /** {@code POST /jars/upload} (multipart field {@code jarfile}); returns the JAR's id. */
  public String uploadJar(Path jar) {
    return client.uploadJar(jar);
  }

  /** {@code POST /jars/:jarid/run}; returns the id of the job the JAR's main() submitted. */
  public String runJar(String jarId, String entryClass, List<String> programArgs, int parallelism) {
    return client.run(encode(jarId), entryClass, programArgs, parallelism);
  }

  /** {@code GET /jobs/:jobid}: the job's state and its vertices' states. */
  public JobStatus job(String jobId) {
    JsonNode body = get("/jobs/" + encode(jobId));
    List<String> vertexStates = new ArrayList<>();
    for (JsonNode vertex : body.path("vertices")) {
      vertexStates.add(vertex.path("status").asText(""));
    }
    return new JobStatus(body.path("state").asText(""), vertexStates);
  }

  /** The root exception of the job's last failure, or a note that there is none. */
  public String rootException(String jobId) {
    JsonNode body = get("/jobs/" + encode(jobId) + "/exceptions");
    String root = body.path("root-exception").asText("");
    if (root.isEmpty()) {
      root = body.path("exceptionHistory").path("entries").path(0).path("stacktrace").asText("");
    }
    return root.isEmpty() ? "(no exception recorded)" : root;
  }

  /**
   * {@code GET /jobs/:jobid/accumulators}: a user accumulator's value (summed over subtasks), such
   * as the record count of a benchmark's discarding sink.
   */
  public Optional<String> accumulator(String jobId, String name) {
    for (JsonNode accumulator :
        get("/jobs/" + encode(jobId) + "/accumulators").path("user-task-accumulators")) {
      if (name.equals(accumulator.path("name").asText())) {
        return Optional.of(accumulator.path("value").asText());
      }
    }
    return Optional.empty();
  }

  /** {@code PATCH /jobs/:jobid?mode=cancel}. */
  public void cancel(String jobId) {
    client.cancel(encode(jobId));
  }

  /** The ids of the registered TaskManagers ({@code GET /taskmanagers}). */
  public List<String> taskManagerIds() {
    List<String> ids = new ArrayList<>();
    for (JsonNode taskManager : get("/taskmanagers").path("taskmanagers")) {
      ids.add(taskManager.path("id").asText());
    }
    return ids;
  }

  /**
   * {@code GET /taskmanagers/:id/metrics?get=name}, e.g. Status.JVM.Memory.Heap.Used; empty until
   * the JobManager has fetched it.
   */
  public OptionalDouble taskManagerMetric(String taskManagerId, String name) {
    for (JsonNode metric :
        get("/taskmanagers/" + encode(taskManagerId) + "/metrics?get=" + encode(name))) {
      if (name.equals(metric.path("id").asText())) {
        try {
          return OptionalDouble.of(Double.parseDouble(metric.path("value").asText()));
        } catch (NumberFormatException e) {
          return OptionalDouble.empty();
        }
      }
    }
    return OptionalDouble.empty();
  }

  /**
   * The metric queries for the records the job's sources emitted: the operator metric {@code
   * Source__….numRecordsOut} of each source vertex, over all its subtasks. Empty until the
   * JobManager has fetched the job's metrics.
   */
  public List<String> sourceRecordsOutMetrics(String jobId) {
    List<String> queries = new ArrayList<>();
    for (JsonNode vertex : get("/jobs/" + encode(jobId)).path("vertices")) {
      if (!vertex.path("name").asText("").startsWith("Source: ")) {
        continue;
      }
      String metrics =
          "/jobs/"
              + encode(jobId)
              + "/vertices/"
              + encode(vertex.path("id").asText())
              + "/subtasks/metrics";
      for (JsonNode metric : get(metrics)) {
        String id = metric.path("id").asText("");
        if (id.startsWith("Source__") && id.endsWith(".numRecordsOut")) {
          queries.add(metrics + "?agg=sum&get=" + encode(id));
        }
      }
    }
    return queries;
  }

  /**
   * The sum over {@code queries} (from {@link #sourceRecordsOutMetrics}) of their summed values.
   */
  public long metricSum(List<String> queries) {
    long sum = 0;
    for (String query : queries) {
      for (JsonNode metric : get(query)) {
        sum += (long) metric.path("sum").asDouble(0);
      }
    }
    return sum;
  }

  private JsonNode get(String path) {
    return client.get(path);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A job's state (RUNNING, FAILED, ...) and the states of its vertices. */
  public record JobStatus(String state, List<String> vertexStates) {
    public JobStatus {
      requireNonNull(state, "state is null");
      vertexStates = List.copyOf(vertexStates);
    }

    /** The job runs and so does every task: the sources are reading. */
    public boolean fullyRunning() {
      return state.equals("RUNNING")
          && !vertexStates.isEmpty()
          && vertexStates.stream().allMatch("RUNNING"::equals);
    }

    /** FINISHED, CANCELED or FAILED: the job will not run again. */
    public boolean terminal() {
      return state.equals("FINISHED") || state.equals("CANCELED") || state.equals("FAILED");
    }

    /** Failing, restarting or failed: a benchmark run with a failover measures the failover. */
    public boolean troubled() {
      return state.equals("FAILING") || state.equals("RESTARTING") || state.equals("FAILED");
    }
  }
}
