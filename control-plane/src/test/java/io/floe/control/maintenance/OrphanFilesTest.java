package io.floe.control.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanFilesTest {
  @TempDir Path dir;

  @Test
  void deletesOldUnreferencedFilesAndNothingReferenced() throws IOException {
    Table table = new TestTables(dir).create("events", true);
    for (int i = 0; i < 5; i++) {
      TestTables.append(table, List.of(TestTables.row(i, Instant.now())), Map.of());
    }
    Path location = Path.of(java.net.URI.create(table.location()));
    Path orphanData =
        Files.writeString(
            Files.createDirectories(location.resolve("data/ts_day=2026-01-01"))
                .resolve("lost.parquet"),
            "x");
    Path orphanMetadata = Files.writeString(location.resolve("metadata/lost-manifest.avro"), "x");
    Path youngOrphan = Files.writeString(location.resolve("data/young.parquet"), "x");
    // Everything but the young orphan is four days old: only references protect the table now.
    List<Path> all;
    try (Stream<Path> files = Files.walk(location)) {
      all = files.filter(Files::isRegularFile).toList();
    }
    for (Path file : all) {
      if (!file.equals(youngOrphan)) {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(4))));
      }
    }
    TestTables.Checksum rows = TestTables.checksum(table);

    TaskOutcome outcome =
        new OrphanFiles(Clock.systemUTC())
            .run(
                table,
                new MaintenancePolicy.OrphanFiles(true, Duration.ofDays(1), Duration.ofDays(3)));

    assertThat(orphanData).doesNotExist();
    assertThat(orphanMetadata).doesNotExist();
    assertThat(youngOrphan).exists();
    for (Path file : all) {
      if (!file.equals(orphanData) && !file.equals(orphanMetadata)) {
        assertThat(file).exists();
      }
    }
    assertThat(outcome.figures())
        .containsEntry("filesDeleted", 2L)
        .containsEntry("bytesDeleted", 2L);
    assertThat(TestTables.checksum(table)).isEqualTo(rows);
  }

  @Test
  void oneSpellingPerFile() {
    assertThat(OrphanFiles.normalize("file:/a/b")).isEqualTo("file:/a/b");
    assertThat(OrphanFiles.normalize("file:///a/b")).isEqualTo("file:/a/b");
    assertThat(OrphanFiles.normalize("/a/b")).isEqualTo("file:/a/b");
    assertThat(OrphanFiles.normalize("s3a://bucket/k")).isEqualTo("s3://bucket/k");
    assertThat(OrphanFiles.normalize("S3N://bucket/k")).isEqualTo("s3://bucket/k");
    assertThat(OrphanFiles.normalize("s3://bucket/k")).isEqualTo("s3://bucket/k");
    assertThat(OrphanFiles.normalize("gs://bucket/k")).isEqualTo("gs://bucket/k");
  }
}
