package io.floe.control.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.model.MaintenancePolicy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanFilesTest {
  private static final String HEX = "0123456789abcdef0123456789abcdef";

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
  void keepsEverythingARestoreNeedsAndDeletesTheTrueOrphans() throws IOException {
    Table table = new TestTables(dir).create("events", true);
    Instant now = Instant.now();
    for (long id = 0; id < 3; id++) {
      TestTables.append(table, List.of(TestTables.row(id, now)), Map.of());
    }
    Path location = Path.of(URI.create(table.location()));
    // A commit whose dead letters were not published yet: the summary names their file.
    Path unpublished =
        Files.writeString(
            location.resolve(
                "metadata/floe-dead-letters-" + HEX + "-3-" + UUID.randomUUID() + ".bin"),
            "dead letters of checkpoint 3");
    TestTables.append(
        table,
        List.of(TestTables.row(3, now)),
        Map.of("floe.dead-letter-files", unpublished.toUri().toString()));
    // The partitioning changed while a checkpoint was pending: its files are under two specs.
    table.updateSpec().addField(Expressions.bucket("id", 4)).commit();
    PendingCheckpoint pending =
        PendingCheckpoint.write(
            table, 8, Map.of(0, rows(100, 103, now), 1, rows(103, 106, now)), true);
    PendingCheckpoint ofAnOlderLoader =
        PendingCheckpoint.writeLegacy(table, 5, Map.of(1, rows(200, 202, now)));
    // True orphans: a data file whose checkpoint never completed, a manifest of a lost commit.
    Path lostData =
        Files.writeString(
            Files.createDirectories(location.resolve("data/ts_day=2026-01-01"))
                .resolve("00000-lost.parquet"),
            "x");
    Path lostManifest =
        Files.writeString(location.resolve("metadata/" + UUID.randomUUID() + "-m0.avro"), "x");
    List<Path> all = ageEverything(location, Duration.ofDays(4));

    TaskOutcome outcome =
        new OrphanFiles(Clock.systemUTC())
            .run(
                table,
                new MaintenancePolicy.OrphanFiles(true, Duration.ofDays(1), Duration.ofDays(3)));

    for (Path file : all) {
      if (!file.equals(lostData) && !file.equals(lostManifest)) {
        assertThat(file).as("kept").exists();
      }
    }
    assertThat(lostData).doesNotExist();
    assertThat(lostManifest).doesNotExist();
    long keptForRestore =
        pending.files().size() + ofAnOlderLoader.files().size() + 1 /* unpublished */;
    assertThat(outcome.figures())
        .containsEntry("filesDeleted", 2L)
        .containsEntry("pendingManifests", 3L)
        .containsEntry("deadLetterFiles", 2L)
        .containsEntry("filesKeptForRestore", keptForRestore);
    assertThat(outcome.summary())
        .contains("kept " + keptForRestore + " files")
        .contains("3 pending manifests, 2 dead-letter files");

    // The restores come later and find everything they need.
    pending.restore(table);
    ofAnOlderLoader.restore(table);
    Map<Long, Integer> ids = TestTables.idCounts(table);
    assertThat(ids.keySet()).containsAll(pending.ids()).containsAll(ofAnOlderLoader.ids());
    assertThat(ids).hasSize(4 + 6 + 2);
    assertThat(ids.values()).containsOnly(1);
    assertThat(TestTables.checksum(table).rows()).isEqualTo(12);
  }

  @Test
  void aRestoreCommittingWhileCleanupRunsKeepsItsFiles() throws IOException {
    TestTables tables = new TestTables(dir, Map.of("io-impl", ListingHookFileIO.class.getName()));
    Table table = tables.create("events", true);
    Instant now = Instant.now();
    TestTables.append(table, rows(0, 3, now), Map.of());
    PendingCheckpoint pending =
        PendingCheckpoint.write(table, 4, Map.of(0, rows(10, 13, now)), true);
    ageEverything(Path.of(URI.create(table.location())), Duration.ofDays(4));
    // The loader, restored, commits the checkpoint's files and deletes their manifest right after
    // orphan cleanup listed the files (as old as they were when the checkpoint was taken).
    ListingHookFileIO.afterNextListing(() -> pending.restore(tables.load("events")));

    TaskOutcome outcome =
        new OrphanFiles(Clock.systemUTC())
            .run(
                table,
                new MaintenancePolicy.OrphanFiles(true, Duration.ofDays(1), Duration.ofDays(3)));

    assertThat(pending.manifests()).as("deleted by the restore").allMatch(Files::notExists);
    for (Path file : pending.dataFiles()) {
      assertThat(file).as("committed by the restore").exists();
    }
    assertThat(outcome.figures()).containsEntry("filesDeleted", 0L);
    assertThat(TestTables.idCounts(table).keySet()).containsAll(pending.ids()).hasSize(6);
  }

  @Test
  void aPendingManifestThatCannotBeReadStopsTheRunUnlessItIsBeingWritten() throws IOException {
    Table table = new TestTables(dir).create("events", false);
    TestTables.append(table, rows(0, 3, Instant.now()), Map.of());
    Path location = Path.of(URI.create(table.location()));
    Path orphan = Files.writeString(location.resolve("data/00000-lost.parquet"), "x");
    Path unreadable =
        Files.writeString(
            location.resolve(
                "metadata/floe-pending-" + HEX + "-7-0-" + UUID.randomUUID() + ".avro"),
            "not avro");
    ageEverything(location, Duration.ofDays(4));
    OrphanFiles orphans = new OrphanFiles(Clock.systemUTC());
    MaintenancePolicy.OrphanFiles settings =
        new MaintenancePolicy.OrphanFiles(true, Duration.ofDays(1), Duration.ofDays(3));

    assertThatThrownBy(() -> orphans.run(table, settings))
        .isInstanceOf(MaintenanceFailedException.class)
        .hasMessageContaining(unreadable.getFileName().toString());
    assertThat(orphan).as("nothing deleted").exists();

    // A manifest younger than the window may be one the loader is writing right now. Its data
    // files were written at most a checkpoint interval before it: nothing written less than a
    // window before it goes.
    Files.setLastModifiedTime(unreadable, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    TaskOutcome notYet = orphans.run(table, settings);

    assertThat(orphan).as("maybe listed by the unreadable manifest").exists();
    assertThat(notYet.figures())
        .containsEntry("filesDeleted", 0L)
        .containsEntry("pendingManifestsUnreadable", 1L);

    Files.setLastModifiedTime(unreadable, FileTime.from(Instant.now()));
    TaskOutcome outcome = orphans.run(table, settings);

    assertThat(orphan).doesNotExist();
    assertThat(unreadable).exists();
    assertThat(outcome.figures())
        .containsEntry("filesDeleted", 1L)
        .containsEntry("pendingManifestsUnreadable", 1L);
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

  /** Rows with ids from {@code from} (inclusive) to {@code to} (exclusive). */
  private static List<Record> rows(long from, long to, Instant ts) {
    List<Record> rows = new ArrayList<>();
    for (long id = from; id < to; id++) {
      rows.add(TestTables.row(id, ts));
    }
    return rows;
  }

  /**
   * Makes every file under the location this old, so that only references protect them; returns
   * them but for Hadoop's hidden checksum files, which go with their file.
   */
  private static List<Path> ageEverything(Path location, Duration age) throws IOException {
    List<Path> all;
    try (Stream<Path> files = Files.walk(location)) {
      all = files.filter(Files::isRegularFile).toList();
    }
    for (Path file : all) {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    }
    return all.stream().filter(file -> !file.getFileName().toString().startsWith(".")).toList();
  }
}
