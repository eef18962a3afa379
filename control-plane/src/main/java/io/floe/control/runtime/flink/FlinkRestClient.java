package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RunRejectedException;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The calls Floe makes to a Flink session cluster's REST API (Flink 1.20), each with a timeout.
 * Failures are typed: no answer or a server error is a {@link FlinkUnavailableException} (a {@link
 * RuntimeUnavailableException}), a client error is a {@link FlinkRejectedException} (a {@link
 * RunRejectedException}), both with Flink's {@code errors} text; a 404 on a job's resource is an
 * empty result where the job may simply be unknown.
 */
public final class FlinkRestClient {
  private static final Pattern FLINK_ID = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern JAR_ID = Pattern.compile("[A-Za-z0-9._-]+\\.jar");
  private static final String JSON = "application/json";

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;
  private final JsonMapper json;

  /**
   * @param baseUrl the REST API, e.g. http://localhost:8081
   * @param timeout how long one call may take, the upload of a JAR and the run of its main()
   *     included
   */
  public FlinkRestClient(URI baseUrl, Duration timeout) {
    requireNonNull(baseUrl, "baseUrl is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    String url = baseUrl.toString();
    this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.json = JsonMapper.builder().build();
  }

  /** The REST API this client calls. */
  public URI baseUrl() {
    return URI.create(baseUrl);
  }

  /** {@code GET /overview}: TaskManagers, slots and jobs. */
  public ClusterOverview overview() {
    JsonNode body = get("/overview");
    return new ClusterOverview(
        body.path("taskmanagers").asInt(),
        body.path("slots-total").asInt(),
        body.path("slots-available").asInt(),
        body.path("jobs-running").asInt(),
        text(body, "flink-version").orElse("unknown"));
  }

  /** {@code GET /jars}: the JARs uploaded to this cluster and still in its upload folder. */
  public List<JarFile> listJars() {
    List<JarFile> jars = new ArrayList<>();
    for (JsonNode file : get("/jars").path("files")) {
      jars.add(
          new JarFile(
              text(file, "id").orElseThrow(() -> unexpected("GET /jars", "a file without id")),
              text(file, "name").orElse(""),
              file.path("uploaded").asLong()));
    }
    return jars;
  }

  /**
   * {@code POST /jars/upload}: uploads a JAR as the multipart field {@code jarfile}.
   *
   * @param jar the local file
   * @param fileName the name to store it under; it must end with .jar
   * @return the uploaded JAR's id, to run it by
   */
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
        send("POST", "/jars/upload", body, "multipart/form-data; boundary=" + boundary, false)
            .orElseThrow();
    String stored =
        text(response, "filename")
            .orElseThrow(() -> unexpected("POST /jars/upload", "no filename in " + response));
    return Path.of(stored).getFileName().toString();
  }

  /**
   * {@code POST /jars/:jarid/run}: runs the JAR's main(), which submits the job. The call returns
   * once main() submitted it (or threw).
   *
   * @return the id of the submitted job
   */
  public String runJar(String jarId, JarRun run) {
    requireJarId(jarId);
    requireNonNull(run, "run is null");
    ObjectNode body = json.createObjectNode();
    body.put("entryClass", run.entryClass());
    ArrayNode programArgs = body.putArray("programArgsList");
    run.programArgs().forEach(programArgs::add);
    body.put("parallelism", run.parallelism());
    body.put("jobId", run.jobId());
    body.put("allowNonRestoredState", run.allowNonRestoredState());
    run.savepointPath().ifPresent(path -> body.put("savepointPath", path));
    String path = "/jars/" + jarId + "/run";
    JsonNode response = send("POST", path, jsonBody(body), JSON, false).orElseThrow();
    return text(response, "jobid").orElseThrow(() -> unexpected("POST " + path, "no jobid"));
  }

  /** {@code GET /jobs/overview}: every job the cluster knows, with its name and state. */
  public List<JobSummary> jobs() {
    List<JobSummary> jobs = new ArrayList<>();
    for (JsonNode job : get("/jobs/overview").path("jobs")) {
      jobs.add(
          new JobSummary(
              text(job, "jid").orElseThrow(() -> unexpected("GET /jobs/overview", "no jid")),
              text(job, "name").orElse(""),
              text(job, "state").orElse("")));
    }
    return jobs;
  }

  /** {@code GET /jobmanager/config}: the cluster's configuration, key to value. */
  public Map<String, String> clusterConfiguration() {
    Map<String, String> configuration = new LinkedHashMap<>();
    for (JsonNode entry : get("/jobmanager/config")) {
      text(entry, "key").ifPresent(key -> configuration.put(key, text(entry, "value").orElse("")));
    }
    return configuration;
  }

  /** {@code GET /jobs/:jobid}; empty when the cluster knows no such job. */
  public Optional<JobDetails> jobDetails(String jobId) {
    requireFlinkId(jobId, "jobId");
    return getIfFound("/jobs/" + jobId).map(body -> jobDetails(jobId, body));
  }

  /** {@code GET /jobs/:jobid/exceptions}: the job's failure history; empty for an unknown job. */
  public Optional<JobExceptions> jobExceptions(String jobId) {
    requireFlinkId(jobId, "jobId");
    return getIfFound("/jobs/" + jobId + "/exceptions").map(FlinkRestClient::jobExceptions);
  }

  /**
   * {@code GET /jobs/:jobid/checkpoints}: counts and the latest checkpoints; empty for an unknown
   * job or one without checkpoint statistics.
   */
  public Optional<CheckpointStatistics> checkpointStatistics(String jobId) {
    requireFlinkId(jobId, "jobId");
    return getIfFound("/jobs/" + jobId + "/checkpoints").map(FlinkRestClient::checkpoints);
  }

  /**
   * {@code POST /jobs/:jobid/stop} without drain, under a trigger id the caller chose: Flink runs
   * one operation per job and trigger id, so repeating the call while Flink remembers the trigger
   * ({@code rest.async.store-duration}, 5 min by default) does not take a second savepoint. The
   * savepoint goes to the cluster's {@code state.savepoints.dir}.
   */
  public void stopWithSavepoint(String jobId, String triggerId) {
    requireFlinkId(jobId, "jobId");
    requireFlinkId(triggerId, "triggerId");
    ObjectNode body = json.createObjectNode();
    body.put("drain", false);
    body.put("triggerId", triggerId);
    String path = "/jobs/" + jobId + "/stop";
    JsonNode response = send("POST", path, jsonBody(body), JSON, false).orElseThrow();
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

  /**
   * {@code GET /jobs/:jobid/savepoints/:triggerid}: pending, the savepoint's location, or the
   * failure; empty when Flink knows no such trigger (never triggered, or forgotten).
   */
  public Optional<SavepointOutcome> savepointStatus(String jobId, String triggerId) {
    requireFlinkId(jobId, "jobId");
    requireFlinkId(triggerId, "triggerId");
    return getIfFound("/jobs/" + jobId + "/savepoints/" + triggerId)
        .map(FlinkRestClient::savepointOutcome);
  }

  /**
   * {@code PATCH /jobs/:jobid?mode=cancel}. A job that already ended is left alone; an unknown job
   * is a {@link FlinkRejectedException} with status 404.
   */
  public void cancel(String jobId) {
    requireFlinkId(jobId, "jobId");
    try {
      send("PATCH", "/jobs/" + jobId + "?mode=cancel", BodyPublishers.noBody(), null, false);
    } catch (FlinkRejectedException e) {
      if (e.status() != 409) {
        throw e;
      }
    }
  }

  /**
   * {@code GET /jobs/:jobid/resource-requirements}: the parallelism bounds per vertex id, which the
   * adaptive scheduler runs the job with. Other schedulers answer with a server error
   * (UnsupportedOperationException).
   */
  public Map<String, ParallelismBounds> resourceRequirements(String jobId) {
    requireFlinkId(jobId, "jobId");
    Map<String, ParallelismBounds> bounds = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> vertex :
        get("/jobs/" + jobId + "/resource-requirements").properties()) {
      JsonNode parallelism = vertex.getValue().path("parallelism");
      bounds.put(
          vertex.getKey(),
          new ParallelismBounds(
              parallelism.path("lowerBound").asInt(), parallelism.path("upperBound").asInt()));
    }
    return bounds;
  }

  /**
   * {@code PUT /jobs/:jobid/resource-requirements}: new bounds for every vertex; the adaptive
   * scheduler rescales the running job to fit them (after its {@code scaling-interval.min}).
   */
  public void updateResourceRequirements(String jobId, Map<String, ParallelismBounds> bounds) {
    requireFlinkId(jobId, "jobId");
    requireNonNull(bounds, "bounds is null");
    ObjectNode body = json.createObjectNode();
    bounds.forEach(
        (vertexId, bound) -> {
          ObjectNode parallelism = body.putObject(vertexId).putObject("parallelism");
          parallelism.put("lowerBound", bound.lowerBound());
          parallelism.put("upperBound", bound.upperBound());
        });
    send("PUT", "/jobs/" + jobId + "/resource-requirements", jsonBody(body), JSON, false);
  }

  /**
   * {@code GET /jobs/:jobid/metrics?get=...}: job-level metrics such as numRestarts, uptime,
   * lastCheckpointDuration; the metrics Flink does not have (yet) are missing from the result.
   * Flink refreshes them every {@code metrics.fetcher.update-interval} (10 s by default).
   */
  public Map<String, String> jobMetrics(String jobId, Collection<String> names) {
    requireFlinkId(jobId, "jobId");
    Map<String, String> values = new LinkedHashMap<>();
    for (JsonNode metric : get("/jobs/" + jobId + "/metrics?get=" + metricNames(names))) {
      text(metric, "id").ifPresent(id -> values.put(id, text(metric, "value").orElse("")));
    }
    return values;
  }

  /**
   * {@code GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics?get=...&agg=min,max,avg,sum}: task
   * and operator metrics of one vertex (e.g. numRecordsIn, or an operator's {@code
   * <operator>.<metric>}), aggregated over its subtasks; missing metrics are missing from the
   * result.
   */
  public Map<String, MetricAggregate> metrics(
      String jobId, String vertexId, Collection<String> names) {
    requireFlinkId(jobId, "jobId");
    requireFlinkId(vertexId, "vertexId");
    String path =
        "/jobs/"
            + jobId
            + "/vertices/"
            + vertexId
            + "/subtasks/metrics?get="
            + metricNames(names)
            + "&agg=min,max,avg,sum";
    Map<String, MetricAggregate> values = new LinkedHashMap<>();
    for (JsonNode metric : get(path)) {
      text(metric, "id")
          .ifPresent(
              id ->
                  values.put(
                      id,
                      new MetricAggregate(
                          metric.path("min").asDouble(),
                          metric.path("max").asDouble(),
                          metric.path("avg").asDouble(),
                          metric.path("sum").asDouble())));
    }
    return values;
  }

  /** Checks a Flink id (JobID, TriggerId, JobVertexID): 32 hex digits. */
  static String requireFlinkId(String value, String name) {
    requireNonNull(value, name + " is null");
    if (!FLINK_ID.matcher(value).matches()) {
      throw new IllegalArgumentException(name + " must be 32 hex digits, was '" + value + "'");
    }
    return value;
  }

  private static void requireJarId(String jarId) {
    requireNonNull(jarId, "jarId is null");
    if (!JAR_ID.matcher(jarId).matches()) {
      throw new IllegalArgumentException("Not a Flink jar id: " + jarId);
    }
  }

  private static JobDetails jobDetails(String jobId, JsonNode body) {
    List<JobDetails.Vertex> vertices = new ArrayList<>();
    for (JsonNode vertex : body.path("vertices")) {
      vertices.add(
          new JobDetails.Vertex(
              text(vertex, "id").orElse(""),
              text(vertex, "name").orElse(""),
              vertex.path("parallelism").asInt(),
              vertex.path("maxParallelism").asInt(),
              text(vertex, "status").orElse("")));
    }
    Map<String, Integer> taskCounts = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> count : body.path("status-counts").properties()) {
      taskCounts.put(count.getKey(), count.getValue().asInt());
    }
    return new JobDetails(
        text(body, "jid").orElse(jobId),
        text(body, "name").orElse(""),
        text(body, "state")
            .orElseThrow(() -> unexpected("GET /jobs/" + jobId, "no state in the answer")),
        vertices,
        taskCounts);
  }

  private static JobExceptions jobExceptions(JsonNode body) {
    JsonNode history = body.path("exceptionHistory");
    JsonNode entries = history.path("entries");
    Optional<String> latest = Optional.empty();
    if (entries.size() > 0) {
      JsonNode newest = entries.get(0);
      latest =
          text(newest, "stacktrace")
              .map(FlinkErrors::summarize)
              .or(() -> text(newest, "exceptionName"));
    }
    if (latest.isEmpty()) {
      latest = text(body, "root-exception").map(FlinkErrors::summarize);
    }
    return new JobExceptions(latest, entries.size(), history.path("truncated").asBoolean());
  }

  static CheckpointStatistics checkpoints(JsonNode body) {
    JsonNode counts = body.path("counts");
    JsonNode latest = body.path("latest");
    return new CheckpointStatistics(
        counts.path("completed").asLong(),
        counts.path("failed").asLong(),
        counts.path("in_progress").asLong(),
        counts.path("restored").asLong(),
        checkpoint(latest.path("completed")),
        checkpoint(latest.path("savepoint")),
        failedStarted(body.path("history")));
  }

  /**
   * The FAILED entries of a job's checkpoint history. A trigger that Flink declines before starting
   * a checkpoint (no id yet) counts in {@code counts.failed} but has no entry.
   */
  private static long failedStarted(JsonNode history) {
    long failed = 0;
    for (JsonNode checkpoint : history) {
      if (text(checkpoint, "status").orElse("").equals("FAILED")) {
        failed++;
      }
    }
    return failed;
  }

  private static Optional<CheckpointStatistics.Checkpoint> checkpoint(JsonNode node) {
    return text(node, "external_path")
        .map(
            path ->
                new CheckpointStatistics.Checkpoint(
                    node.path("id").asLong(),
                    text(node, "checkpoint_type").orElse("CHECKPOINT"),
                    path,
                    node.path("discarded").asBoolean(),
                    node.path("latest_ack_timestamp").asLong()));
  }

  private static SavepointOutcome savepointOutcome(JsonNode body) {
    String status = text(body.path("status"), "id").orElse("");
    if (!status.equals("COMPLETED")) {
      return SavepointOutcome.pending();
    }
    JsonNode operation = body.path("operation");
    Optional<String> location = text(operation, "location");
    if (location.isPresent()) {
      return SavepointOutcome.completed(location.get());
    }
    JsonNode cause = operation.path("failure-cause");
    return SavepointOutcome.failed(
        text(cause, "stack-trace")
            .map(FlinkErrors::summarize)
            .or(() -> text(cause, "class"))
            .orElse("the savepoint failed and Flink did not say why"));
  }

  private String metricNames(Collection<String> names) {
    requireNonNull(names, "names is null");
    if (names.isEmpty()) {
      throw new IllegalArgumentException("names is empty: name the metrics to get");
    }
    return names.stream()
        .map(name -> URLEncoder.encode(name, StandardCharsets.UTF_8))
        .collect(Collectors.joining(","));
  }

  private JsonNode get(String path) {
    return send("GET", path, BodyPublishers.noBody(), null, false).orElseThrow();
  }

  private Optional<JsonNode> getIfFound(String path) {
    return send("GET", path, BodyPublishers.noBody(), null, true);
  }

  private BodyPublisher jsonBody(JsonNode body) {
    return BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8);
  }

  /**
   * Sends one request; the parsed answer for a 2xx, empty for a 404 when {@code absentOnNotFound}.
   */
  private Optional<JsonNode> send(
      String method,
      String path,
      BodyPublisher body,
      String contentType,
      boolean absentOnNotFound) {
    String call = method + " " + baseUrl + path.replaceFirst("\\?.*", "");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Accept", JSON)
            .method(method, body);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new FlinkUnavailableException(call, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException(call + " was interrupted", e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return Optional.of(parse(call, response.body()));
    }
    if (status == 404 && absentOnNotFound) {
      return Optional.empty();
    }
    FlinkErrors errors = errors(response.body());
    if (status >= 500 || status == 408 || status == 429) {
      throw new FlinkUnavailableException(call, status, errors);
    }
    throw new FlinkRejectedException(call, status, errors);
  }

  private JsonNode parse(String call, String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return json.readTree(body);
    } catch (JacksonException e) {
      throw new FlinkUnavailableException(
          call, new IOException("Not JSON: " + abbreviate(body), e));
    }
  }

  private FlinkErrors errors(String body) {
    if (body == null || body.isBlank()) {
      return new FlinkErrors(List.of());
    }
    try {
      JsonNode errors = json.readTree(body).path("errors");
      if (errors.isArray()) {
        List<String> messages = new ArrayList<>();
        errors.forEach(error -> messages.add(error.asString()));
        return new FlinkErrors(messages);
      }
    } catch (JacksonException e) {
      // not Flink's error format: keep the text as it is
    }
    return FlinkErrors.of(abbreviate(body));
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isString() ? Optional.of(value.asString()) : Optional.empty();
  }

  private static RuntimeUnavailableException unexpected(String call, String what) {
    return new RuntimeUnavailableException(call + ": unexpected answer, " + what);
  }

  private static String abbreviate(String text) {
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }
}
