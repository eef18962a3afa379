package io.floe.testing.flink;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A Flink session cluster's REST API as tests call it, behind the system under test's back: submit
 * a JAR the way a user does (upload, run), follow a job, cancel it, list the cluster's jobs,
 * trigger a savepoint. Any answer but a 2xx is an {@link IllegalStateException} with Flink's text.
 */
public final class FlinkTestClient {
  private final URI baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final ObjectMapper json = new ObjectMapper();

  /** A job as {@code GET /jobs/overview} lists it. */
  public record Job(String id, String name, String state) {}

  public FlinkTestClient(URI baseUrl) {
    this.baseUrl = requireNonNull(baseUrl, "baseUrl is null");
  }

  /** {@code POST /jars/upload} as loader-job.jar; returns the JAR's id. */
  public String uploadJar(Path jar) {
    String boundary = "floe-test-" + UUID.randomUUID();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"loader-job.jar\""
            + "\r\nContent-Type: application/x-java-archive\r\n\r\n";
    HttpRequest.BodyPublisher file;
    try {
      file = BodyPublishers.ofFile(jar);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("No JAR at " + jar, e);
    }
    JsonNode answer =
        send(
            request("/jars/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(
                    BodyPublishers.concat(
                        BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                        file,
                        BodyPublishers.ofString(
                            "\r\n--" + boundary + "--\r\n", StandardCharsets.UTF_8))));
    String stored = answer.path("filename").asText("");
    if (stored.isEmpty()) {
      throw new IllegalStateException("POST /jars/upload answered without filename: " + answer);
    }
    return Path.of(stored).getFileName().toString();
  }

  /**
   * {@code POST /jars/:jarid/run}: runs the JAR's main() on the JobManager, which submits the job;
   * returns the job id.
   *
   * @throws IllegalStateException with Flink's answer when main() failed
   */
  public String run(String jarId, List<String> programArgs) {
    ObjectNode body = json.createObjectNode();
    programArgs.forEach(body.putArray("programArgsList")::add);
    return run(jarId, body);
  }

  /** {@link #run(String, List)} of a given entry class at a given parallelism. */
  public String run(String jarId, String entryClass, List<String> programArgs, int parallelism) {
    ObjectNode body = json.createObjectNode();
    body.put("entryClass", entryClass);
    programArgs.forEach(body.putArray("programArgsList")::add);
    body.put("parallelism", parallelism);
    return run(jarId, body);
  }

  private String run(String jarId, ObjectNode body) {
    JsonNode answer = post("/jars/" + jarId + "/run", body);
    String jobId = answer.path("jobid").asText("");
    if (jobId.isEmpty()) {
      throw new IllegalStateException("POST /jars/" + jarId + "/run answered " + answer);
    }
    return jobId;
  }

  /** {@code GET} of any other path of the REST API (with its query), as JSON. */
  public JsonNode get(String path) {
    return send(request(path).GET());
  }

  /** {@code GET /jobs/overview}: every job the cluster knows, in any state. */
  public List<Job> jobs() {
    List<Job> jobs = new ArrayList<>();
    for (JsonNode job : send(request("/jobs/overview").GET()).path("jobs")) {
      jobs.add(
          new Job(job.path("jid").asText(), job.path("name").asText(), job.path("state").asText()));
    }
    return jobs;
  }

  /** The job's state: RUNNING, RESTARTING, FAILED, CANCELED, ... */
  public String state(String jobId) {
    return send(request("/jobs/" + jobId).GET()).path("state").asText();
  }

  /** The exceptions the job's tasks failed with, newest first, as Flink reports them. */
  public String exceptions(String jobId) {
    return exceptionHistory(jobId).toPrettyString();
  }

  /** The exception names of the job's exception history, newest first: empty when none failed. */
  public List<String> exceptionNames(String jobId) {
    List<String> names = new ArrayList<>();
    exceptionHistory(jobId)
        .path("exceptionHistory")
        .path("entries")
        .forEach(entry -> names.add(entry.path("exceptionName").asText()));
    return names;
  }

  /** {@code PATCH /jobs/:jobid?mode=cancel}. */
  public void cancel(String jobId) {
    send(request("/jobs/" + jobId + "?mode=cancel").method("PATCH", BodyPublishers.noBody()));
  }

  /** {@code POST /jobs/:jobid/savepoints} under the caller's trigger id, to the default folder. */
  public void triggerSavepoint(String jobId, String triggerId) {
    ObjectNode body = json.createObjectNode();
    body.put("triggerId", triggerId);
    post("/jobs/" + jobId + "/savepoints", body);
  }

  private JsonNode exceptionHistory(String jobId) {
    return send(request("/jobs/" + jobId + "/exceptions").GET());
  }

  private JsonNode post(String path, JsonNode body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(baseUrl.resolve(path));
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpRequest built = request.timeout(Duration.ofMinutes(3)).build();
    String call = built.method() + " " + built.uri().getPath();
    HttpResponse<String> response;
    try {
      response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(call + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during " + call, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          call + " answered " + response.statusCode() + ": " + response.body());
    }
    try {
      return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(call + " answered with invalid JSON: " + response.body(), e);
    }
  }
}
