package io.floe.control.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The control plane's REST API as a test calls it: real HTTP, bearer token, JSON. */
public final class ApiClient {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final URI base;
  private final String token;
  private final HttpClient http = HttpClient.newHttpClient();

  public ApiClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  public ApiClient as(String otherToken) {
    return new ApiClient(base, otherToken);
  }

  /** A response: status, headers and the body as JSON (null when empty). */
  public record Response(int status, Map<String, List<String>> headers, JsonNode body) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  public Response put(String path, Object body, String... headers) {
    return send(request(path, headers).PUT(json(body)));
  }

  public Response post(String path, Object body, String... headers) {
    return send(request(path, headers).POST(json(body)));
  }

  /** The body as text, for endpoints that do not answer JSON (Prometheus). */
  public String getText(String path) {
    try {
      return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response patch(String path) {
    return send(request(path).method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  public Response delete(String path, String... headers) {
    return send(request(path, headers).DELETE());
  }

  /** Polls an operation until it finished; returns its last state. */
  public JsonNode awaitOperation(String id, Duration timeout) {
    return await(
        "operation " + id,
        () -> get("/operations/" + id).body(),
        op ->
            op.path("state").asString().equals("SUCCEEDED")
                || op.path("state").asString().equals("FAILED"),
        timeout);
  }

  /** Polls a pipeline until its observed state is {@code state}. */
  public JsonNode awaitState(String pipeline, String state, Duration timeout) {
    return await(
        "pipeline " + pipeline + " " + state,
        () -> get("/pipelines/" + pipeline).body(),
        view -> view.path("status").path("observedState").asString().equals(state),
        timeout);
  }

  public static <T> T await(String what, Supplier<T> value, Predicate<T> done, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    T last = value.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "Timed out after " + timeout + " waiting for " + what + "; last: " + last);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = value.get();
    }
    return last;
  }

  /** Keeps failure messages readable: big collections by their size only. */
  static String summary(Object value) {
    if (value instanceof Map<?, ?> map && map.size() > 20) {
      return map.size() + " entries";
    }
    String text = String.valueOf(value);
    return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  private static HttpRequest.BodyPublisher json(Object body) {
    String text = body instanceof String s ? s : JSON.writeValueAsString(body);
    return HttpRequest.BodyPublishers.ofString(text);
  }

  private Response send(HttpRequest.Builder builder) {
    HttpRequest request = builder.header("Content-Type", "application/json").build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = response.body().isBlank() ? null : JSON.readTree(response.body());
      return new Response(response.statusCode(), response.headers().map(), body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
