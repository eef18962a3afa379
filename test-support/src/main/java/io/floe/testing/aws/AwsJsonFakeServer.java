package io.floe.testing.aws;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP endpoint on localhost that speaks the AWS JSON 1.1 protocol ({@code POST /} with {@code
 * X-Amz-Target: <prefix>.<Operation>}) for in-process fakes of AWS services, so that tests reach
 * them through the real SDK clients with {@code endpointOverride(server.endpoint())}. It routes
 * each call to the service and operation its target names, renders {@link AwsJsonError}s the way
 * AWS does (so the SDK raises the typed exception), and records every request it receives.
 */
public final class AwsJsonFakeServer implements AutoCloseable {
  /** The content type of AWS JSON 1.1 requests and responses. */
  public static final String CONTENT_TYPE = "application/x-amz-json-1.1";

  private static final Pattern SIGNED_REGION =
      Pattern.compile("Credential=[^/,\\s]+/\\d{8}/([^/,\\s]+)/");
  private static final Pattern SIGNED_ACCESS_KEY = Pattern.compile("Credential=([^/,\\s]+)/");

  static {
    // The JDK server writes a response's headers and body as two segments; with Nagle's algorithm
    // on, the body then waits for the client's delayed ACK (~40 ms a call). Read once, when the
    // first server of this JVM starts; an explicit setting is left alone.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final Map<String, AwsJsonService> servicesByPrefix;
  private final ObjectMapper mapper = new ObjectMapper();
  private final List<ReceivedRequest> received = new CopyOnWriteArrayList<>();
  private final ExecutorService executor;
  private final HttpServer http;

  private AwsJsonFakeServer(List<AwsJsonService> services) throws IOException {
    Map<String, AwsJsonService> byPrefix = new LinkedHashMap<>();
    for (AwsJsonService service : services) {
      requireNonNull(service, "service is null");
      AwsJsonService previous = byPrefix.put(service.targetPrefix(), service);
      if (previous != null) {
        throw new IllegalArgumentException(
            "two services have the target prefix " + service.targetPrefix());
      }
    }
    if (byPrefix.isEmpty()) {
      throw new IllegalArgumentException("no services to serve");
    }
    this.servicesByPrefix = Map.copyOf(byPrefix);
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "aws-json-fake");
              thread.setDaemon(true);
              return thread;
            });
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", this::exchange);
    http.setExecutor(executor);
    http.start();
  }

  /** Serves the given fakes on a free port of the loopback interface. */
  public static AwsJsonFakeServer start(AwsJsonService... services) {
    try {
      return new AwsJsonFakeServer(List.of(services));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the AWS JSON fake server", e);
    }
  }

  /** The URI to give the SDK client builder's {@code endpointOverride}. */
  public URI endpoint() {
    InetSocketAddress address = http.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  /** Every request received so far, oldest first. */
  public List<ReceivedRequest> requests() {
    return List.copyOf(received);
  }

  /** The requests received so far for one operation, such as {@code GetSecretValue}. */
  public List<ReceivedRequest> requests(String operation) {
    requireNonNull(operation, "operation is null");
    return received.stream().filter(r -> r.operation().equals(operation)).toList();
  }

  /** Forgets the requests received so far; the services keep their state. */
  public void clearRequests() {
    received.clear();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private void exchange(HttpExchange exchange) throws IOException {
    try (exchange) {
      Instant receivedAt = Instant.now();
      byte[] requestBytes;
      try (InputStream in = exchange.getRequestBody()) {
        requestBytes = in.readAllBytes();
      }
      String target =
          Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
      int dot = target.indexOf('.');
      String operation = dot < 0 ? target : target.substring(dot + 1);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      Optional<String> region = signedRegion(authorization);
      String caller = signedAccessKey(authorization).orElse(AwsJsonInput.ANONYMOUS);

      ObjectNode body = mapper.createObjectNode();
      int status = 200;
      Optional<String> errorType = Optional.empty();
      ObjectNode response;
      try {
        body = parseBody(requestBytes);
        response =
            route(exchange.getRequestMethod(), target, dot)
                .handle(new AwsJsonInput(operation, body, caller));
        requireNonNull(response, () -> target + " returned no response");
      } catch (RuntimeException e) {
        AwsJsonError error =
            e instanceof AwsJsonError aws
                ? aws
                : new AwsJsonError("InternalFailure", "the fake failed: " + e, 500);
        status = error.httpStatus();
        errorType = Optional.of(error.errorType());
        response = errorBody(error);
      }
      received.add(
          new ReceivedRequest(target, operation, body, region, receivedAt, status, errorType));
      respond(exchange, status, errorType, response);
    }
  }

  private AwsJsonOperation route(String method, String target, int dot) {
    if (!"POST".equals(method)) {
      throw new AwsJsonError(
          "UnknownOperationException", "AWS JSON calls are POST requests, not " + method);
    }
    if (dot <= 0) {
      throw new AwsJsonError(
          "UnknownOperationException", "X-Amz-Target '" + target + "' is not <prefix>.<operation>");
    }
    AwsJsonService service = servicesByPrefix.get(target.substring(0, dot));
    AwsJsonOperation handler =
        service == null ? null : service.operations().get(target.substring(dot + 1));
    if (handler == null) {
      throw new AwsJsonError(
          "UnknownOperationException", "no fake implements the operation " + target);
    }
    return handler;
  }

  private ObjectNode parseBody(byte[] bytes) {
    if (bytes.length == 0) {
      return mapper.createObjectNode();
    }
    JsonNode node;
    try {
      node = mapper.readTree(bytes);
    } catch (IOException e) {
      throw new AwsJsonError("SerializationException", "the request body is not JSON");
    }
    if (node == null || node.isMissingNode()) {
      return mapper.createObjectNode();
    }
    if (!node.isObject()) {
      throw new AwsJsonError("SerializationException", "the request body is not a JSON object");
    }
    return (ObjectNode) node;
  }

  private ObjectNode errorBody(AwsJsonError error) {
    ObjectNode body = mapper.createObjectNode();
    body.put("__type", error.errorType());
    body.put("message", error.getMessage());
    return body;
  }

  private void respond(
      HttpExchange exchange, int status, Optional<String> errorType, ObjectNode body)
      throws IOException {
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    errorType.ifPresent(type -> exchange.getResponseHeaders().set("x-amzn-ErrorType", type));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Optional<String> signedAccessKey(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    Matcher matcher = SIGNED_ACCESS_KEY.matcher(authorization);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private static Optional<String> signedRegion(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    Matcher matcher = SIGNED_REGION.matcher(authorization);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }
}
