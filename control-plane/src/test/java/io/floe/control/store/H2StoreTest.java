package io.floe.control.store;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.sql.DataSource;

/** The store contract on the embedded default: an H2 file database in PostgreSQL mode. */
class H2StoreTest extends JdbcStoreContractTest {
  private Path dir;
  private HikariDataSource dataSource;

  @Override
  protected DataSource openDatabase() throws Exception {
    dir = Files.createTempDirectory("floe-h2-store");
    dataSource = new HikariDataSource();
    // The URL options of application.yaml's default.
    dataSource.setJdbcUrl(
        "jdbc:h2:file:"
            + dir.resolve("control-plane").toAbsolutePath()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    dataSource.setUsername("floe");
    dataSource.setPassword("");
    dataSource.setPoolName("h2-store-test");
    return dataSource;
  }

  @Override
  protected void closeDatabase() throws Exception {
    if (dataSource != null) {
      dataSource.close();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }
}
