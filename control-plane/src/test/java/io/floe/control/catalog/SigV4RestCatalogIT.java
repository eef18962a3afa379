package io.floe.control.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.floe.local.LocalRestCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REST catalog configured as the README says for AWS Glue's and S3 Tables' Iceberg REST endpoints
 * signs every request with SigV4 for the configured service and region: the control plane's {@link
 * Catalogs} talks to Iceberg's REST catalog server through a front that records each request's
 * {@code Authorization} header and passes the request on.
 */
class SigV4RestCatalogIT {
  private static final String SIGNATURE =
      "AWS4-HMAC-SHA256 Credential=AKIDFLOETEST/\\d{8}/eu-west-1/%s/aws4_request,"
          + " SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}";

  @TempDir static Path dir;
  static LocalRestCatalog server;
  static RecordingFront front;

  @BeforeAll
  static void start() throws IOException {
    server = LocalRestCatalog.start(dir.resolve("rest-catalog"));
    front = RecordingFront.start(server.uri());
  }

  @AfterAll
  static void stop() {
    if (front != null) {
      front.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void glueSettingsSignEveryRequestForGlue() throws IOException {
    Map<String, String> glue = signed("glue", "123456789012");
    assertSignedFor("glue", "glue", glue, "glue_db");
  }

  @Test
  void s3TablesSettingsSignEveryRequestForS3Tables() throws IOException {
    Map<String, String> s3Tables =
        signed("s3tables", "arn:aws:s3tables:eu-west-1:123456789012:bucket/floe");
    assertSignedFor("s3tables", "s3tables", s3Tables, "s3tables_db");
  }

  private static void assertSignedFor(
      String catalogName, String service, Map<String, String> properties, String namespace)
      throws IOException {
    front.requests.clear();
    Catalogs catalogs = catalogs(catalogName, properties);
    try {
      Catalog catalog = catalogs.catalog(catalogName);
      ((SupportsNamespaces) catalog).createNamespace(Namespace.of(namespace));
      TableIdentifier table = TableIdentifier.of(namespace, "events");
      catalog.createTable(
          table, new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
      assertThat(catalog.loadTable(table).schema().columns()).hasSize(1);
    } finally {
      catalogs.destroy();
    }

    List<Recorded> requests = List.copyOf(front.requests);
    assertThat(requests)
        .extracting(Recorded::target)
        .contains(
            "GET /v1/config",
            "POST /v1/namespaces",
            "POST /v1/namespaces/" + namespace + "/tables");
    assertThat(requests)
        .allSatisfy(
            request ->
                assertThat(request.authorization())
                    .as(request.target())
                    .matches(String.format(SIGNATURE, service)));
  }

  private static Map<String, String> signed(String service, String warehouse) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("type", "rest");
    properties.put("uri", front.uri().toString());
    properties.put("warehouse", warehouse);
    properties.put("rest.auth.type", "sigv4");
    properties.put("rest.signing-name", service);
    properties.put("rest.signing-region", "eu-west-1");
    // Fixed credentials instead of the default chain, so the signature's scope is known.
    properties.put("rest.access-key-id", "AKIDFLOETEST");
    properties.put("rest.secret-access-key", "floe-test-secret");
    return properties;
  }

  private static Catalogs catalogs(String name, Map<String, String> properties) {
    return new Catalogs(new CatalogProperties(Map.of(name, properties)));
  }

  /** One request as the front received it. */
  record Recorded(String target, String authorization) {}

  /** Records each request's method, path and Authorization header, then forwards it. */
  static final class RecordingFront implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI backend;
    final List<Recorded> requests = new CopyOnWriteArrayList<>();

    private RecordingFront(HttpServer server, URI backend) {
      this.server = server;
      this.backend = backend;
    }

    static RecordingFront start(URI backend) throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
      RecordingFront front = new RecordingFront(server, backend);
      server.createContext("/", front::forward);
      server.start();
      return front;
    }

    URI uri() {
      return URI.create("http://localhost:" + server.getAddress().getPort() + "/");
    }

    private void forward(HttpExchange exchange) throws IOException {
      try (exchange) {
        URI requested = exchange.getRequestURI();
        requests.add(
            new Recorded(
                exchange.getRequestMethod() + " " + requested.getPath(),
                String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))));
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request =
            HttpRequest.newBuilder(
                    backend.resolve(
                        requested.getRawPath().substring(1)
                            + (requested.getRawQuery() == null
                                ? ""
                                : "?" + requested.getRawQuery())))
                .method(
                    exchange.getRequestMethod(),
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
        boolean empty = answer.length == 0 || exchange.getRequestMethod().equals("HEAD");
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
    }
  }
}
