package io.floe.control.runtime.flink;

import static io.floe.control.runtime.flink.FlinkAnswers.text;
import static io.floe.control.runtime.flink.FlinkAnswers.unexpected;
import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import java.io.FileNotFoundException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The calls Floe makes to a Flink session cluster's REST API (Flink 1.20) over HTTP, each with a
 * timeout. Failures are typed: no answer or a server error is a {@link FlinkUnavailableException}
 * (a {@link RuntimeUnavailableException}), a client error is a {@link FlinkRejectedException} (a
 * {@link RunRejectedException}), both with Flink's {@code errors} text; a 404 on a job's resource
 * is an empty result where the job may simply be unknown. Beyond the runtime's two seams it reads
 * the cluster's overview and a vertex's metrics.
 */
public final class FlinkRestClient implements FlinkJobs, FlinkCluster {
  private static final Pattern JAR_ID = Pattern.compile("[A-Za-z0-9._-]+\\.jar");

  private final FlinkHttp http;

  /**
   * @param baseUrl the REST API, e.g. http://localhost:8081
   * @param timeout how long one call may take, the upload of a JAR and the run of its main()
   *     included
   */
  public FlinkRestClient(URI baseUrl, Duration timeout) {
    this.http = new FlinkHttp(baseUrl, timeout);
  }

  /** The REST API this client calls. */
  public URI baseUrl() {
    return http.baseUrl();
  }

  /** {@code GET /overview}: TaskManagers, slots and jobs. */
  public ClusterOverview overview() {
    return FlinkAnswers.overview(http.get("/overview"));
  }

  @Override
  public List<JarFile> listJars() {
    return FlinkAnswers.jars(http.get("/jars"));
  }

  @Override
  public String uploadJar(Path jar, String fileName) {
    requireNonNull(jar, "jar is null");
    if (!JAR_ID.matcher(requireNonNull(fileName, "fileName is null")).matches()) {
      throw new IllegalArgumentException(
          "fileName must be a plain name ending with .jar: " + fileName);
    }
    String boundary = "floe-" + UUID.randomUUID();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
            + fileName
            + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
    String tail = "\r\n--" + boundary + "--\r\n";
    BodyPublisher file;
    try {
      file = BodyPublishers.ofFile(jar);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("No JAR to upload at " + jar, e);
    }
    BodyPublisher body =
        BodyPublishers.concat(
            BodyPublishers.ofString(head, StandardCharsets.UTF_8),
            file,
            BodyPublishers.ofString(tail, StandardCharsets.UTF_8));
    JsonNode response =
        http.send("POST", "/jars/upload", body, "multipart/form-data; boundary=" + boundary, false)
            .orElseThrow();
    String stored =
        text(response, "filename")
            .orElseThrow(() -> unexpected("POST /jars/upload", "no filename in " + response));
    return Path.of(stored).getFileName().toString();
  }

  @Override
  public String runJar(String jarId, JarRun run) {
    requireJarId(jarId);
    requireNonNull(run, "run is null");
    ObjectNode body = http.objectNode();
    body.put("entryClass", run.entryClass());
    ArrayNode programArgs = body.putArray("programArgsList");
    run.programArgs().forEach(programArgs::add);
    body.put("parallelism", run.parallelism());
    body.put("jobId", run.jobId());
    body.put("allowNonRestoredState", run.allowNonRestoredState());
    run.savepointPath().ifPresent(path -> body.put("savepointPath", path));
    String path = "/jars/" + jarId + "/run";
    JsonNode response = http.sendJson("POST", path, body);
    return text(response, "jobid").orElseThrow(() -> unexpected("POST " + path, "no jobid"));
  }

  @Override
  public List<JobSummary> jobs() {
    return FlinkAnswers.jobs(http.get("/jobs/overview"));
  }

  @Override
  public Map<String, String> clusterConfiguration() {
    return FlinkAnswers.keyValues(http.get("/jobmanager/config"), "key");
  }

  @Override
  public Optional<JobDetails> jobDetails(String jobId) {
    FlinkIds.require(jobId, "jobId");
    return http.getIfFound("/jobs/" + jobId).map(body -> FlinkAnswers.jobDetails(jobId, body));
  }

  @Override
  public Optional<JobExceptions> jobExceptions(String jobId) {
    FlinkIds.require(jobId, "jobId");
    return http.getIfFound("/jobs/" + jobId + "/exceptions").map(FlinkAnswers::jobExceptions);
  }

  @Override
  public Optional<CheckpointStatistics> checkpointStatistics(String jobId) {
    FlinkIds.require(jobId, "jobId");
    return http.getIfFound("/jobs/" + jobId + "/checkpoints").map(FlinkAnswers::checkpoints);
  }

  @Override
  public void stopWithSavepoint(String jobId, String triggerId) {
    FlinkIds.require(jobId, "jobId");
    FlinkIds.require(triggerId, "triggerId");
    ObjectNode body = http.objectNode();
    body.put("drain", false);
    body.put("triggerId", triggerId);
    String path = "/jobs/" + jobId + "/stop";
    JsonNode response = http.sendJson("POST", path, body);
    String requestId = text(response, "request-id").orElse("");
    if (!requestId.equalsIgnoreCase(triggerId)) {
      throw new RunRejectedException(
          "POST "
              + path
              + " answered with request id '"
              + requestId
              + "', not the trigger id "
              + triggerId
              + ": this cluster ignores client trigger ids (Flink 1.20 honours them)");
    }
  }

  @Override
  public Optional<SavepointOutcome> savepointStatus(String jobId, String triggerId) {
    FlinkIds.require(jobId, "jobId");
    FlinkIds.require(triggerId, "triggerId");
    return http.getIfFound("/jobs/" + jobId + "/savepoints/" + triggerId)
        .map(FlinkAnswers::savepointOutcome);
  }

  @Override
  public void cancel(String jobId) {
    FlinkIds.require(jobId, "jobId");
    try {
      http.send("PATCH", "/jobs/" + jobId + "?mode=cancel", BodyPublishers.noBody(), null, false);
    } catch (FlinkRejectedException e) {
      if (e.status() != 409) {
        throw e;
      }
    }
  }

  @Override
  public Map<String, ParallelismBounds> resourceRequirements(String jobId) {
    FlinkIds.require(jobId, "jobId");
    return FlinkAnswers.resourceRequirements(http.get("/jobs/" + jobId + "/resource-requirements"));
  }

  @Override
  public void updateResourceRequirements(String jobId, Map<String, ParallelismBounds> bounds) {
    FlinkIds.require(jobId, "jobId");
    requireNonNull(bounds, "bounds is null");
    ObjectNode body = http.objectNode();
    bounds.forEach(
        (vertexId, bound) -> {
          ObjectNode parallelism = body.putObject(vertexId).putObject("parallelism");
          parallelism.put("lowerBound", bound.lowerBound());
          parallelism.put("upperBound", bound.upperBound());
        });
    http.sendJson("PUT", "/jobs/" + jobId + "/resource-requirements", body);
  }

  @Override
  public Map<String, String> jobMetrics(String jobId, Collection<String> names) {
    FlinkIds.require(jobId, "jobId");
    return FlinkAnswers.keyValues(
        http.get("/jobs/" + jobId + "/metrics?get=" + metricNames(names)), "id");
  }

  /**
   * {@code GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics?get=...&agg=min,max,avg,sum}: task
   * and operator metrics of one vertex (e.g. numRecordsIn, or an operator's {@code
   * <operator>.<metric>}), aggregated over its subtasks; missing metrics are missing from the
   * result.
   */
  public Map<String, MetricAggregate> metrics(
      String jobId, String vertexId, Collection<String> names) {
    FlinkIds.require(jobId, "jobId");
    FlinkIds.require(vertexId, "vertexId");
    String path =
        "/jobs/"
            + jobId
            + "/vertices/"
            + vertexId
            + "/subtasks/metrics?get="
            + metricNames(names)
            + "&agg=min,max,avg,sum";
    return FlinkAnswers.metricAggregates(http.get(path));
  }

  private static void requireJarId(String jarId) {
    requireNonNull(jarId, "jarId is null");
    if (!JAR_ID.matcher(jarId).matches()) {
      throw new IllegalArgumentException("Not a Flink jar id: " + jarId);
    }
  }

  private static String metricNames(Collection<String> names) {
    requireNonNull(names, "names is null");
    if (names.isEmpty()) {
      throw new IllegalArgumentException("names is empty: name the metrics to get");
    }
    return names.stream()
        .map(name -> URLEncoder.encode(name, StandardCharsets.UTF_8))
        .collect(Collectors.joining(","));
  }
}
