package io.floe.loader.testing;

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
import java.util.List;
import java.util.UUID;

/**
 * The calls a user makes to submit the loader JAR to a Flink session cluster's REST API (upload,
 * run, follow, cancel), for tests that run the shaded JAR the way a real cluster loads it: in a
 * user-code class loader of its own per job.
 */
public final class FlinkSessionRest {
  private final URI baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final ObjectMapper json = new ObjectMapper();

  public FlinkSessionRest(URI baseUrl) {
    this.baseUrl = requireNonNull(baseUrl, "baseUrl is null");
  }

  /** {@code POST /jars/upload}; returns the JAR's id. */
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
            HttpRequest.newBuilder(baseUrl.resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(
                    BodyPublishers.concat(
                        BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                        file,
                        BodyPublishers.ofString(
                            "\r\n--" + boundary + "--\r\n", StandardCharsets.UTF_8))));
    return Path.of(answer.path("filename").asText()).getFileName().toString();
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
    JsonNode answer =
        send(
            HttpRequest.newBuilder(baseUrl.resolve("/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
    return answer.path("jobid").asText();
  }

  /** The job's state: RUNNING, RESTARTING, FAILED, CANCELED, ... */
  public String state(String jobId) {
    return send(HttpRequest.newBuilder(baseUrl.resolve("/jobs/" + jobId)).GET())
        .path("state")
        .asText();
  }

  /** The exceptions the job's tasks failed with, newest first, as Flink reports them. */
  public String exceptions(String jobId) {
    return send(HttpRequest.newBuilder(baseUrl.resolve("/jobs/" + jobId + "/exceptions")).GET())
        .toPrettyString();
  }

  public void cancel(String jobId) {
    send(
        HttpRequest.newBuilder(baseUrl.resolve("/jobs/" + jobId + "?mode=cancel"))
            .method("PATCH", BodyPublishers.noBody()));
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
