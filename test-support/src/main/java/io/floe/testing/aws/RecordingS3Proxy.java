package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recording front of an S3-compatible server: clients are given {@link #endpoint()} (path-style)
 * and every request is forwarded, bodies streamed both ways, to the server, after being recorded as
 * the {@link AwsCall}s IAM would authorize it as (see {@link S3Actions}). The server behind runs
 * without authentication, so the caller is the access key id the request was signed with.
 *
 * <p>One difference of the server from S3 is evened out here: a byte range whose last byte comes
 * before its first (what a reader asking for zero bytes at n sends: {@code bytes=n-(n-1)}) is
 * ignored by S3, as HTTP says a syntactically invalid range must be, and the whole object is
 * answered; S3Mock answers 400. The front drops such a range.
 */
public final class RecordingS3Proxy implements AutoCloseable {
  // Headers the JDK's HTTP client sets itself and refuses to be given.
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "connection",
          "content-length",
          "date",
          "expect",
          "from",
          "host",
          "upgrade",
          "via",
          "warning",
          "transfer-encoding",
          "keep-alive");

  private static final Pattern BYTE_RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

  private final URI server;
  private final HttpServer http;
  private final ExecutorService executor;
  private final HttpClient client;
  private final List<AwsCall> calls = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();

  private RecordingS3Proxy(URI server, HttpServer http, ExecutorService executor) {
    this.server = server;
    this.http = http;
    this.executor = executor;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(executor)
            .build();
  }

  /** Starts a front on a free localhost port forwarding to {@code server}. */
  public static RecordingS3Proxy start(URI server) {
    requireNonNull(server, "server is null");
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      ExecutorService executor = Executors.newCachedThreadPool();
      http.setExecutor(executor);
      RecordingS3Proxy proxy = new RecordingS3Proxy(stripSlash(server), http, executor);
      http.createContext("/", proxy::handle);
      http.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the recording S3 front", e);
    }
  }

  /** Where clients send requests (path-style), e.g. http://localhost:41234. */
  public URI endpoint() {
    return URI.create("http://localhost:" + http.getAddress().getPort());
  }

  /** Every call recorded since the start or the last {@link #clear()}, in arrival order. */
  public List<AwsCall> calls() {
    return List.copyOf(calls);
  }

  /**
   * The requests the server answered with a 4xx or 5xx other than 404 (a missing object is no
   * error), each as {@code METHOD path?query -> status: body}, for the message of a failed test.
   */
  public List<String> errors() {
    return List.copyOf(errors);
  }

  public void clear() {
    calls.clear();
    errors.clear();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      URI uri = exchange.getRequestURI();
      boolean batchDelete = method.equals("POST") && S3Actions.hasParam(uri, "delete");
      byte[] bufferedBody = batchDelete ? exchange.getRequestBody().readAllBytes() : null;
      calls.addAll(
          S3Actions.of(
              method,
              uri,
              exchange.getRequestHeaders(),
              bufferedBody == null ? "" : new String(bufferedBody, StandardCharsets.UTF_8)));

      HttpRequest.Builder forward =
          HttpRequest.newBuilder(
                  URI.create(
                      server
                          + uri.getRawPath()
                          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
              .timeout(Duration.ofMinutes(5));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!NOT_FORWARDED.contains(lower)) {
                  values.stream()
                      .filter(value -> !lower.equals("range") || !backwards(value))
                      .forEach(value -> forward.header(name, value));
                }
              });
      forward.method(method, body(exchange, bufferedBody));

      HttpResponse<InputStream> response;
      try {
        response = client.send(forward.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(503, -1);
        return;
      } catch (IOException e) {
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!lower.startsWith(":")
                    && !lower.equals("content-length")
                    && !lower.equals("transfer-encoding")
                    && !lower.equals("connection")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      long length = response.headers().firstValueAsLong("content-length").orElse(-1);
      int status = response.statusCode();
      try (InputStream in = response.body()) {
        if (status >= 400 && status != 404) {
          byte[] error = in.readAllBytes();
          errors.add(
              method
                  + " "
                  + uri
                  + " -> "
                  + status
                  + ": "
                  + new String(error, StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(status, error.length == 0 ? -1 : error.length);
          if (error.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(error);
            }
          }
        } else if (method.equals("HEAD")) {
          if (length >= 0) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
          }
          exchange.sendResponseHeaders(status, -1);
        } else if (status == 204 || status == 304 || length == 0) {
          exchange.sendResponseHeaders(status, -1);
        } else {
          // A length of 0 makes the JDK's server send the body chunked.
          exchange.sendResponseHeaders(status, length < 0 ? 0 : length);
          try (OutputStream out = exchange.getResponseBody()) {
            in.transferTo(out);
          }
        }
      }
    }
  }

  /** Whether a Range header is {@code bytes=first-last} with {@code last < first}. */
  static boolean backwards(String range) {
    Matcher m = BYTE_RANGE.matcher(range.trim());
    return m.matches() && Long.parseLong(m.group(2)) < Long.parseLong(m.group(1));
  }

  private static HttpRequest.BodyPublisher body(HttpExchange exchange, byte[] buffered) {
    if (buffered != null) {
      return HttpRequest.BodyPublishers.ofByteArray(buffered);
    }
    String contentLength = exchange.getRequestHeaders().getFirst("Content-Length");
    String transferEncoding = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
    HttpRequest.BodyPublisher stream =
        HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody);
    if (contentLength != null) {
      long length = Long.parseLong(contentLength.trim());
      return length == 0
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.fromPublisher(stream, length);
    }
    if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      return stream;
    }
    return HttpRequest.BodyPublishers.noBody();
  }

  private static URI stripSlash(URI server) {
    String text = server.toString();
    return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
  }
}
