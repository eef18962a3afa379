package io.floe.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Iceberg's own REST catalog server ({@code org.apache.iceberg.rest.RESTCatalogServer}, from
 * iceberg-open-api's test fixtures) in its own JVM, for tests of pipelines against a REST catalog.
 * It serves a JDBC catalog kept in a SQLite file under the work directory, over a {@code file:}
 * warehouse there too: a server started again on the same directory serves the same tables.
 */
public final class LocalRestCatalog implements AutoCloseable {
  private static final String CLASSPATH = "/io/floe/local/rest-catalog.classpath";
  private static final String MAIN = "org.apache.iceberg.rest.RESTCatalogServer";

  private final LocalProcess process;
  private final int port;
  private final String warehouse;

  private LocalRestCatalog(LocalProcess process, int port, String warehouse) {
    this.process = process;
    this.port = port;
    this.warehouse = warehouse;
  }

  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** A server on a free port, its catalog and warehouse under {@code workDir}. */
  public static LocalRestCatalog start(Path workDir) {
    return builder(workDir).start();
  }

  /** The catalog's base URI, as the {@code uri} catalog property of a REST catalog client. */
  public URI uri() {
    // The server listens on IPv4 only (0.0.0.0).
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  public int port() {
    return port;
  }

  /** The warehouse location the server creates tables under ({@code file:} URI). */
  public String warehouse() {
    return warehouse;
  }

  /** The Iceberg catalog properties of a client of this server: {@code type=rest} and its uri. */
  public Map<String, String> clientProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("type", "rest");
    properties.put("uri", uri().toString());
    return properties;
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  /** Kills the server at once ({@code kill -9}); its catalog file and warehouse stay. */
  public void kill() {
    process.kill();
  }

  /** Stops the server. */
  @Override
  public void close() {
    process.close();
  }

  /** Options of a local REST catalog server. */
  public static final class Builder {
    private final Path workDir;
    private int port;
    private final Map<String, String> serverProperties = new LinkedHashMap<>();

    private Builder(Path workDir) {
      this.workDir = requireNonNull(workDir, "workDir is null");
    }

    /** The HTTP port; by default a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * A property of the catalog behind the server (for example {@code io-impl}), over the defaults:
     * a JDBC catalog on {@code catalog.db} with its warehouse in {@code warehouse/}.
     */
    public Builder serverProperty(String key, String value) {
      serverProperties.put(requireNonNull(key, "key is null"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * Starts the server. On a free port of its own choosing, a port taken by another process
     * between the choice and the server's bind (the server then exits) is chosen again, up to three
     * times.
     */
    public LocalRestCatalog start() {
      try {
        Files.createDirectories(workDir.resolve("warehouse"));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create " + workDir, e);
      }
      Path log4j = writeLog4jConfig();
      for (int attempt = 1; ; attempt++) {
        int httpPort = port > 0 ? port : LocalProcess.freePort();
        try {
          return startOn(httpPort, log4j);
        } catch (IllegalStateException e) {
          if (port > 0 || attempt == 3) {
            throw e;
          }
        }
      }
    }

    private LocalRestCatalog startOn(int httpPort, Path log4j) {
      String warehouse = workDir.resolve("warehouse").toAbsolutePath().toUri().toString();
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
      properties.put("uri", "jdbc:sqlite:" + workDir.resolve("catalog.db").toAbsolutePath());
      properties.put("jdbc.schema-version", "V1");
      properties.put("warehouse", warehouse);
      properties.putAll(serverProperties);
      properties.put("rest.port", Integer.toString(httpPort));
      LocalProcess process =
          LocalProcess.start(
              "rest-catalog",
              LocalProcess.recordedClasspath(CLASSPATH),
              List.of("-Xms64m", "-Xmx384m", "-Dlog4j2.configurationFile=" + log4j),
              MAIN,
              List.of(),
              workDir.resolve("rest-catalog.log"),
              environment(properties));
      try {
        // Its own line: something else listening on the port would satisfy a connect.
        process.awaitLog(
            Pattern.compile("Started ServerConnector@\\S+\\{[^}]*\\}\\{[^}]*:" + httpPort + "\\}"),
            Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        process.close();
        throw e;
      }
      return new LocalRestCatalog(process, httpPort, warehouse);
    }

    private Path writeLog4jConfig() {
      Path file = workDir.resolve("log4j2.properties");
      try {
        Files.writeString(
            file,
            String.join(
                "\n",
                "rootLogger.level = WARN",
                "rootLogger.appenderRef.out.ref = out",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
                "logger.server.name = org.apache.iceberg.rest",
                "logger.server.level = INFO",
                "logger.connector.name = org.eclipse.jetty.server.AbstractConnector",
                "logger.connector.level = INFO",
                ""),
            StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return file;
    }
  }

  /**
   * The server reads its catalog's properties from {@code CATALOG_*} environment variables: {@code
   * CATALOG_} + the key upper-cased, with {@code -} as {@code __} and {@code .} as {@code _}.
   */
  static Map<String, String> environment(Map<String, String> properties) {
    Map<String, String> environment = new LinkedHashMap<>();
    properties.forEach(
        (key, value) ->
            environment.put(
                "CATALOG_" + key.replace("-", "__").replace(".", "_").toUpperCase(Locale.ROOT),
                value));
    return environment;
  }
}
