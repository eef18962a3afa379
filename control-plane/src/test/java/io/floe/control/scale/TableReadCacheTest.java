package io.floe.control.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.catalog.CatalogProperties;
import io.floe.control.catalog.CatalogTables;
import io.floe.control.catalog.Catalogs;
import io.floe.control.catalog.CommitHistory;
import io.floe.control.catalog.TableReadProperties;
import io.floe.control.testing.ManualClock;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.TableSettings;
import io.floe.loader.summary.CommitSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table reads of health and the schema check, counted at the catalog's JDBC driver and its file
 * IO: within {@code floe.tables.refresh-interval} no call at all, after it one catalog query, and
 * the table's metadata file read again only when the table changed.
 */
class TableReadCacheTest {
  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  @TempDir Path warehouse;
  private final ManualClock clock = new ManualClock(T0);
  private final CallCounts calls = new CallCounts();
  private Catalogs catalogs;
  private CatalogTables tables;
  private TableSettings settings;
  private Table loaderView;

  @BeforeEach
  void openCatalog() {
    CountingDriver.calls = calls;
    CountingFileIO.calls = calls;
    String url =
        CountingDriver.url(
            "catalog", "jdbc:h2:mem:table-reads-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    catalogs =
        new Catalogs(
            new CatalogProperties(
                Map.of(
                    "default",
                    Map.of(
                        "type",
                        "jdbc",
                        "uri",
                        url,
                        "warehouse",
                        warehouse.toUri().toString(),
                        "io-impl",
                        CountingFileIO.class.getName()))));
    tables = new CatalogTables(catalogs, clock, new TableReadProperties(Duration.ofSeconds(60)));
    settings =
        LoaderSettings.parse(
                Map.of(
                    "pipeline.name", "orders",
                    "source.bootstrap-servers", "localhost:9092",
                    "source.topics", "orders",
                    "table.catalog-name", "default",
                    "table.catalog.type", "jdbc",
                    "table.namespace", "db",
                    "table.name", "orders"))
            .table();
    ((SupportsNamespaces) catalogs.catalog("default")).createNamespace(Namespace.of("db"));
    loaderView =
        catalogs
            .catalog("default")
            .createTable(
                TableIdentifier.of("db", "orders"),
                new Schema(Types.NestedField.required(1, "id", Types.LongType.get())),
                PartitionSpec.unpartitioned());
    commit(1);
  }

  @AfterEach
  void closeCatalog() throws Exception {
    catalogs.destroy();
  }

  @Test
  void aTableIsAskedForOncePerRefreshIntervalAndItsMetadataReadOnlyWhenItChanged() {
    assertThat(reads().commits()).hasSize(1);
    CallCounts.Snapshot afterFirst = calls.snapshot();

    clock.advance(Duration.ofSeconds(59));
    assertThat(reads().commits()).hasSize(1);
    assertThat(calls.snapshot().since(afterFirst).counts()).as("within the interval").isEmpty();

    clock.advance(Duration.ofSeconds(1));
    assertThat(reads().commits()).hasSize(1);
    CallCounts.Snapshot unchanged = calls.snapshot().since(afterFirst);
    assertThat(unchanged.total("jdbc catalog"))
        .as("one look at the metadata location")
        .isEqualTo(1);
    assertThat(unchanged.total("object store")).as("the table did not change").isZero();

    CallCounts.Snapshot beforeCommit = calls.snapshot();
    commit(2);
    CallCounts.Snapshot afterCommit = calls.snapshot();
    assertThat(reads().commits()).as("not refreshed yet").hasSize(1);
    clock.advance(Duration.ofSeconds(60));
    assertThat(reads().commits()).as("the new commit").hasSize(2);
    CallCounts.Snapshot changed = calls.snapshot().since(afterCommit);
    assertThat(changed.total("jdbc catalog")).isEqualTo(1);
    assertThat(changed.counts().get("object store")).containsEntry("read metadata", 1L);
    assertThat(afterCommit.since(beforeCommit).total("object store")).isPositive();

    commit(3);
    tables.load(settings); // whoever loads a table may change it: the next read asks again
    assertThat(reads().commits()).as("read again after a load").hasSize(3);
  }

  private CommitHistory reads() {
    return tables.commits("orders", settings, Instant.EPOCH);
  }

  /** A loader-like commit of one file by pipeline "orders". */
  private void commit(int n) {
    DataFile file =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath(warehouse.resolve("data-" + n + ".parquet").toString())
            .withFileSizeInBytes(100)
            .withRecordCount(1)
            .withFormat("parquet")
            .build();
    loaderView
        .newAppend()
        .appendFile(file)
        .set(CommitSummary.PIPELINE, "orders")
        .set(CommitSummary.RECORDS_WRITTEN, "1")
        .commit();
  }
}
