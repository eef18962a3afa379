package io.floe.loader.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.Optional;

/**
 * A PostgreSQL server for tests: the one {@code .ci/run} starts (given by {@code
 * FLOE_TEST_POSTGRES_URL}, {@code _USER} and {@code _PASSWORD}), or else an embedded one, so that
 * tests against PostgreSQL run on every machine and are never skipped.
 */
public final class TestPostgres implements AutoCloseable {
  private final String url;
  private final String user;
  private final String password;
  private final Optional<EmbeddedPostgres> embedded;

  private TestPostgres(
      String url, String user, String password, Optional<EmbeddedPostgres> embedded) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.embedded = embedded;
  }

  public static TestPostgres start() {
    String url = System.getenv("FLOE_TEST_POSTGRES_URL");
    if (url != null && !url.isBlank()) {
      String user = System.getenv("FLOE_TEST_POSTGRES_USER");
      if (user == null || user.isBlank()) {
        throw new IllegalStateException(
            "FLOE_TEST_POSTGRES_URL is set, so FLOE_TEST_POSTGRES_USER must be set too");
      }
      String password = System.getenv("FLOE_TEST_POSTGRES_PASSWORD");
      return new TestPostgres(url, user, password == null ? "" : password, Optional.empty());
    }
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
      return new TestPostgres(
          postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", Optional.of(postgres));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start an embedded PostgreSQL; set FLOE_TEST_POSTGRES_URL to use a running one",
          e);
    }
  }

  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  /** The password, empty when the server trusts local connections (the embedded one). */
  public String password() {
    return password;
  }

  @Override
  public void close() throws IOException {
    if (embedded.isPresent()) {
      embedded.get().close();
    }
  }
}
