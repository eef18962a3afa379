package io.floe.control.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first pipelines of a new namespace saved at the same time all succeed: found by the
 * control-plane scale benchmark, where all but one of such PUTs answered 500.
 */
class NamespaceRaceTest {
  @TempDir Path dir;

  @Test
  void writersRacingToCreateOneNamespaceAllSucceed() throws Exception {
    JdbcCatalog catalog =
        (JdbcCatalog)
            CatalogUtil.loadCatalog(
                JdbcCatalog.class.getName(),
                "race",
                Map.of(
                    "uri",
                    "jdbc:h2:mem:race-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                    "warehouse",
                    dir.toUri().toString()),
                new Configuration());
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 20; round++) {
        Namespace namespace = Namespace.of("db_" + round);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        for (int writer = 0; writer < 8; writer++) {
          results.add(
              writers.submit(
                  () -> {
                    start.await();
                    PipelineDefinitions.ensureNamespace(catalog, namespace);
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> result : results) {
          result.get();
        }
        assertThat(catalog.namespaceExists(namespace)).isTrue();
      }
    } finally {
      writers.shutdownNow();
      catalog.close();
    }
  }
}
