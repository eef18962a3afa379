package io.floe.control.catalog;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP front of a REST catalog server that records each request's method, path and {@code
 * Authorization} header, then passes it on unchanged: how a test sees that clients sign their
 * requests (as AWS Glue's and S3 Tables' endpoints require) while the real server answers them.
 */
final class RecordingRestFront implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI backend;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private RecordingRestFront(HttpServer server, URI backend) {
    this.server = server;
    this.backend = backend;
  }

  /** A front on a free port for the server at {@code backend} (its base URI, ending in /). */
  static RecordingRestFront start(URI backend) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    RecordingRestFront front = new RecordingRestFront(server, backend);
    server.createContext("/", front::forward);
    server.setExecutor(front.executor);
    server.start();
    return front;
  }

  /** One request as the front received it: {@code "POST /v1/namespaces"} and its header. */
  record Request(String target, String authorization) {}

  /**
   * The {@code Authorization} header of a request signed with SigV4 by this access key for this
   * region and service, as a regular expression.
   */
  static String sigV4(String accessKeyId, String region, String service) {
    return "AWS4-HMAC-SHA256 Credential="
        + accessKeyId
        + "/\\d{8}/"
        + region
        + "/"
        + service
        + "/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}";
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  void clear() {
    requests.clear();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI requested = exchange.getRequestURI();
      String method = exchange.getRequestMethod();
      requests.add(
          new Request(
              method + " " + requested.getPath(),
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))));
      byte[] body = exchange.getRequestBody().readAllBytes();
      String query = requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(backend.resolve(requested.getRawPath().substring(1) + query))
              .method(
                  method,
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      HttpResponse<byte[]> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      response
          .headers()
          .firstValue("Content-Type")
          .ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
      byte[] answer = response.body();
      boolean empty = answer.length == 0 || method.equals("HEAD");
      exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : answer.length);
      if (!empty) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
