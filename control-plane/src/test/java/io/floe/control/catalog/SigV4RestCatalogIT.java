package io.floe.control.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.local.LocalRestCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  @TempDir static Path dir;
  static LocalRestCatalog server;
  static RecordingRestFront front;

  @BeforeAll
  static void start() throws IOException {
    server = LocalRestCatalog.start(dir.resolve("rest-catalog"));
    front = RecordingRestFront.start(server.uri());
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
    front.clear();
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

    List<RecordingRestFront.Request> requests = front.requests();
    assertThat(requests)
        .extracting(RecordingRestFront.Request::target)
        .contains(
            "GET /v1/config",
            "POST /v1/namespaces",
            "POST /v1/namespaces/" + namespace + "/tables");
    assertThat(requests)
        .allSatisfy(
            request ->
                assertThat(request.authorization())
                    .as(request.target())
                    .matches(RecordingRestFront.sigV4("AKIDFLOETEST", "eu-west-1", service)));
    System.out.println("SigV4RestCatalogIT " + service + ": " + requests.get(0));
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
}
