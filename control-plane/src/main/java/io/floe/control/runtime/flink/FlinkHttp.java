package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.RuntimeThrottledException;
import io.floe.control.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One HTTP exchange with a Flink REST API, with a timeout, and its failures typed: no answer or a
 * server error is a {@link FlinkUnavailableException}, a client error a {@link
 * FlinkRejectedException}, both with Flink's {@code errors} text; a 429, or a 503 with Retry-After
 * (a rate limiter in front of the JobManager: Flink itself sends neither, bar a 503 without
 * Retry-After during a leader election), is a {@link RuntimeThrottledException}.
 */
final class FlinkHttp {
  static final String JSON = "application/json";

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;
  private final JsonMapper json;

  FlinkHttp(URI baseUrl, Duration timeout) {
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

  URI baseUrl() {
    return URI.create(baseUrl);
  }

  ObjectNode objectNode() {
    return json.createObjectNode();
  }

  /** {@code GET}: the parsed answer. */
  JsonNode get(String path) {
    return send("GET", path, BodyPublishers.noBody(), null, false).orElseThrow();
  }

  /** {@code GET}: the parsed answer, empty for a 404. */
  Optional<JsonNode> getIfFound(String path) {
    return send("GET", path, BodyPublishers.noBody(), null, true);
  }

  /** Sends a JSON body; the parsed answer. */
  JsonNode sendJson(String method, String path, JsonNode body) {
    BodyPublisher publisher =
        BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8);
    return send(method, path, publisher, JSON, false).orElseThrow();
  }

  /**
   * Sends one request; the parsed answer for a 2xx, empty for a 404 when {@code absentOnNotFound}.
   */
  Optional<JsonNode> send(
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
    Optional<Duration> retryAfter = retryAfter(response);
    if (status == 429 || (status == 503 && retryAfter.isPresent())) {
      throw new RuntimeThrottledException(
          call + " failed with HTTP " + status + ": " + errors.summary(), retryAfter, null);
    }
    if (status >= 500 || status == 408) {
      throw new FlinkUnavailableException(call, status, errors);
    }
    throw new FlinkRejectedException(call, status, errors);
  }

  /** The Retry-After header in seconds, when the answer has one (its HTTP-date form is ignored). */
  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(String::strip)
        .filter(value -> value.matches("\\d{1,9}"))
        .map(value -> Duration.ofSeconds(Long.parseLong(value)));
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

  private static String abbreviate(String text) {
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }
}
