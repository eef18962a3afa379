package io.floe.control.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.TableSettings;
import io.floe.loader.summary.CommitSummary;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table's delete files and deletes, as health reads them from its current snapshot. */
class CommitHistoryDeletesTest {
  @TempDir Path warehouse;
  private Catalogs catalogs;

  @AfterEach
  void closeCatalog() throws Exception {
    if (catalogs != null) {
      catalogs.destroy();
    }
  }

  @Test
  void theCommitHistoryCarriesTheTablesDeleteFilesAndDeletes() {
    catalogs =
        new Catalogs(
            new CatalogProperties(
                Map.of(
                    "default",
                    Map.of(
                        "type",
                        "jdbc",
                        "uri",
                        "jdbc:h2:mem:deletes-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                        "warehouse",
                        warehouse.toUri().toString()))));
    ((SupportsNamespaces) catalogs.catalog("default")).createNamespace(Namespace.of("db"));
    Schema schema =
        new Schema(
            java.util.List.of(Types.NestedField.required(1, "id", Types.LongType.get())),
            java.util.Set.of(1));
    Table table =
        catalogs
            .catalog("default")
            .createTable(
                TableIdentifier.of("db", "orders"),
                schema,
                PartitionSpec.unpartitioned(),
                Map.of("format-version", "2"));
    CatalogTables tables =
        new CatalogTables(
            catalogs, Clock.systemUTC(), new TableReadProperties(Duration.ofSeconds(60)));
    TableSettings settings =
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
    assertThat(tables.commits("orders", settings, Instant.EPOCH).deletes())
        .isEqualTo(CommitHistory.Deletes.NONE);

    // Two upsert commits, as the loader's row deltas: a data file, an equality delete file of
    // the keys, and in the second a position delete file.
    for (int commit = 1; commit <= 2; commit++) {
      DataFile data =
          DataFiles.builder(PartitionSpec.unpartitioned())
              .withPath(warehouse.resolve("data-" + commit + ".parquet").toString())
              .withFileSizeInBytes(100)
              .withRecordCount(10)
              .withFormat(FileFormat.PARQUET)
              .build();
      DeleteFile keys =
          FileMetadata.deleteFileBuilder(PartitionSpec.unpartitioned())
              .ofEqualityDeletes(1)
              .withPath(warehouse.resolve("eq-" + commit + ".parquet").toString())
              .withFileSizeInBytes(50)
              .withRecordCount(10)
              .withFormat(FileFormat.PARQUET)
              .build();
      var delta =
          table.newRowDelta().addRows(data).addDeletes(keys).set(CommitSummary.PIPELINE, "orders");
      if (commit == 2) {
        delta.addDeletes(
            FileMetadata.deleteFileBuilder(PartitionSpec.unpartitioned())
                .ofPositionDeletes()
                .withPath(warehouse.resolve("pos-" + commit + ".parquet").toString())
                .withFileSizeInBytes(50)
                .withRecordCount(3)
                .withFormat(FileFormat.PARQUET)
                .build());
      }
      delta.commit();
    }

    tables.load(settings);
    CommitHistory history = tables.commits("orders", settings, Instant.EPOCH);

    assertThat(history.deletes()).isEqualTo(new CommitHistory.Deletes(3, 20, 3));
    assertThat(history.withTargetFileBytes(1).deletes()).isEqualTo(history.deletes());
    assertThat(history.commits()).hasSize(2);
  }
}
