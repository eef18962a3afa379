package io.floe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRestCatalogIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void servesTheIcebergRestApiAndKeepsItsTablesAcrossAKill() throws Exception {
    int port;
    try (LocalRestCatalog catalog = LocalRestCatalog.start(dir)) {
      port = catalog.port();
      assertThat(catalog.clientProperties())
          .containsEntry("type", "rest")
          .containsEntry("uri", "http://127.0.0.1:" + port + "/");
      assertThat(get(catalog, "v1/config").statusCode()).isEqualTo(200);
      assertThat(post(catalog, "v1/namespaces", "{\"namespace\": [\"db\"]}").statusCode())
          .isEqualTo(200);
      HttpResponse<String> created =
          post(
              catalog,
              "v1/namespaces/db/tables",
              "{\"name\": \"events\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0,"
                  + " \"fields\": [{\"id\": 1, \"name\": \"id\", \"type\": \"long\","
                  + " \"required\": true}]}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      assertThat(created.body()).contains("\"location\":\"" + catalog.warehouse() + "db/events\"");

      catalog.kill();
      assertThat(catalog.isRunning()).isFalse();
    }

    try (LocalRestCatalog again = LocalRestCatalog.builder(dir).port(port).start()) {
      HttpResponse<String> loaded = get(again, "v1/namespaces/db/tables/events");
      assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
      assertThat(loaded.body()).contains("\"metadata-location\"");
    }
  }

  @Test
  void aPortAnotherProcessListensOnIsNotMistakenForTheServer() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      assertThatThrownBy(
              () ->
                  LocalRestCatalog.builder(dir.resolve("taken")).port(taken.getLocalPort()).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("rest-catalog exited");
    }
  }

  @Test
  void environmentFollowsTheServersNamingOfCatalogProperties() {
    assertThat(
            LocalRestCatalog.environment(
                Map.of("io-impl", "x", "jdbc.schema-version", "V1", "rest.port", "1")))
        .containsEntry("CATALOG_IO__IMPL", "x")
        .containsEntry("CATALOG_JDBC_SCHEMA__VERSION", "V1")
        .containsEntry("CATALOG_REST_PORT", "1");
  }

  private static HttpResponse<String> get(LocalRestCatalog catalog, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(catalog.uri().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(LocalRestCatalog catalog, String path, String json)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(catalog.uri().resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
