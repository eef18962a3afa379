package io.floe.control.store;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store contract on PostgreSQL, production's database: the server that {@code .ci/run} starts
 * (given by {@value #URL}, {@value #USER} and {@value #PASSWORD}), or else an embedded one, so that
 * the contract runs on every machine and is never skipped. The class works in a schema of its own,
 * dropped at the end, so that runs sharing a server do not collide.
 */
class PostgresStoreTest extends JdbcStoreContractTest {
  static final String URL = "FLOE_TEST_POSTGRES_URL";
  static final String USER = "FLOE_TEST_POSTGRES_USER";
  static final String PASSWORD = "FLOE_TEST_POSTGRES_PASSWORD";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresStoreTest.class);

  private EmbeddedPostgres embedded;
  private Server server;
  private String schema;
  private HikariDataSource dataSource;

  /** Where to connect, and as whom. */
  private record Server(String url, String user, String password) {
    Connection connect() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }
  }

  @Override
  protected DataSource openDatabase() throws Exception {
    server = givenServer().orElseGet(this::startEmbedded);
    schema = "store_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("create schema " + schema);
      try (ResultSet version = statement.executeQuery("select version()")) {
        version.next();
        LOG.info(
            "Store contract on {} in schema {}: {}", server.url(), schema, version.getString(1));
      }
    }
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(server.url());
    dataSource.setUsername(server.user());
    dataSource.setPassword(server.password());
    dataSource.setSchema(schema);
    dataSource.setPoolName("postgres-store-test");
    return dataSource;
  }

  /** The server CI gives through the environment, if it does. */
  private static Optional<Server> givenServer() {
    String url = System.getenv(URL);
    if (url == null || url.isBlank()) {
      LOG.info("{} is not set: starting an embedded PostgreSQL", URL);
      return Optional.empty();
    }
    String user = System.getenv(USER);
    if (user == null || user.isBlank()) {
      throw new IllegalStateException(URL + " is set, so " + USER + " must be set too");
    }
    String password = System.getenv(PASSWORD);
    return Optional.of(new Server(url, user, password == null ? "" : password));
  }

  private Server startEmbedded() {
    try {
      embedded = EmbeddedPostgres.builder().start();
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot start an embedded PostgreSQL; set " + URL + " to use a running one", e);
    }
    return new Server(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "");
  }

  @Override
  protected void closeDatabase() throws Exception {
    try {
      if (dataSource != null) {
        dataSource.close();
      }
      if (schema != null) {
        try (Connection connection = server.connect();
            Statement statement = connection.createStatement()) {
          statement.execute("drop schema " + schema + " cascade");
        }
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
