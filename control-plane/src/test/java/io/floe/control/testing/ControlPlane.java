package io.floe.control.testing;

import io.floe.control.FloeApplication;
import io.floe.control.security.StaticTokens;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real control plane started by a test (its own Spring context, HTTP port, database), with static
 * tokens for each role.
 */
public final class ControlPlane implements AutoCloseable {
  public static final String ADMIN = "admin-token";
  public static final String OPERATOR = "operator-token";
  public static final String VIEWER = "viewer-token";

  private final ConfigurableApplicationContext context;

  private ControlPlane(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /** Properties of a control plane whose database and warehouse live in {@code dir}. */
  public static Map<String, Object> properties(Path dir) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("server.port", "0");
    properties.put(
        "spring.datasource.url",
        "jdbc:h2:file:"
            + dir.resolve("db").toAbsolutePath()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    properties.put("floe.local.dir", dir.resolve("local").toString());
    properties.put(
        "floe.runtime.loader-jar",
        Path.of("target/loader/loader-job.jar").toAbsolutePath().toString());
    properties.put("floe.catalogs.default.type", "hadoop");
    properties.put("floe.catalogs.default.warehouse", dir.resolve("warehouse").toUri().toString());
    properties.put("floe.reconcile.interval", "300ms");
    properties.put("floe.reconcile.lease", "5s");
    properties.put("floe.reconcile.steady-interval", "3s");
    properties.put("floe.tables.refresh-interval", "1s");
    token(properties, 0, "admin", "admin", ADMIN);
    token(properties, 1, "operator", "operator", OPERATOR);
    token(properties, 2, "viewer", "viewer", VIEWER);
    return properties;
  }

  private static void token(
      Map<String, Object> properties, int index, String name, String role, String token) {
    properties.put("floe.security.tokens[" + index + "].name", name);
    properties.put("floe.security.tokens[" + index + "].role", role);
    properties.put("floe.security.tokens[" + index + "].sha256", StaticTokens.sha256(token));
  }

  @SafeVarargs
  public static ControlPlane start(
      Map<String, Object> properties,
      ApplicationContextInitializer<ConfigurableApplicationContext>... initializers) {
    // As arguments: they override application.yaml, which default properties would not.
    String[] arguments =
        properties.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(FloeApplication.class)
            .initializers(initializers)
            .run(arguments);
    return new ControlPlane(context);
  }

  public URI url() {
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return URI.create("http://localhost:" + port);
  }

  public ApiClient admin() {
    return new ApiClient(url(), ADMIN);
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }
}
