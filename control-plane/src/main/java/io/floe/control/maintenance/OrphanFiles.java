package io.floe.control.maintenance;

import io.floe.control.model.MaintenancePolicy;
import io.floe.loader.summary.CommitterFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Deletes files under a table's location that nothing references and that are older than a safety
 * window: what failed writes, lost commits and aborted rewrites leave behind. Referenced means
 * named by the table's metadata (the current and logged metadata files, statistics files, and every
 * snapshot's manifest list, manifests and data and delete files) or needed by a restore of the
 * loader: every file its committer keeps in the metadata folder ({@code floe-*}: the pending
 * manifests and dead letters of checkpoints not committed or not published yet, which Flink's
 * checkpoints and savepoints name) and every data file a pending manifest lists. Whatever state the
 * pipelines are in, a restore finds its files. A file younger than the window may belong to a write
 * in flight (a data file is written up to a checkpoint interval before its checkpoint lists it in a
 * pending manifest), so the window must exceed the checkpoint interval.
 */
final class OrphanFiles {
  private static final int LISTING_ATTEMPTS = 3;

  private final Clock clock;

  OrphanFiles(Clock clock) {
    this.clock = clock;
  }

  TaskOutcome run(Table table, MaintenancePolicy.OrphanFiles settings) {
    long started = clock.millis();
    table.refresh();
    if (!(table.io() instanceof SupportsPrefixOperations listing)) {
      throw new MaintenanceFailedException(
          "the file IO of table "
              + table.name()
              + " ("
              + table.io().getClass().getName()
              + ") cannot list files, so orphan files cannot be found");
    }
    long window = settings.olderThan().toMillis();
    // Listed first, then what a restore needs, then the references, each after the one before. A
    // checkpoint's data file is in a pending manifest from the checkpoint on (younger than the
    // window before), and its committer commits it before it deletes that manifest: so a file
    // listed here is named by a pending manifest read below or by the metadata read after it.
    List<FileInfo> listed = list(listing, table.location());
    RestoreFiles restoreFiles = restoreFiles(table, listing, clock.millis(), window);
    table.refresh();
    Set<String> referenced = referenced(table);
    long olderThan = restoreFiles.olderThan();

    long candidates = 0;
    long deleted = 0;
    long bytes = 0;
    long keptForRestore = 0;
    long bytesKeptForRestore = 0;
    for (FileInfo file : listed) {
      String location = normalize(file.location());
      if (referenced.contains(location)) {
        continue;
      }
      if (restoreFiles.needed(location)) {
        keptForRestore++;
        bytesKeptForRestore += file.size();
        continue;
      }
      if (file.createdAtMillis() >= olderThan || isHint(file.location())) {
        continue;
      }
      candidates++;
      table.io().deleteFile(file.location());
      deleted++;
      bytes += file.size();
    }
    long duration = clock.millis() - started;
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("filesListed", (long) listed.size());
    figures.put("filesReferenced", (long) referenced.size());
    figures.put("orphansFound", candidates);
    figures.put("filesDeleted", deleted);
    figures.put("bytesDeleted", bytes);
    figures.put("pendingManifests", (long) restoreFiles.pendingManifests());
    figures.put("deadLetterFiles", (long) restoreFiles.deadLetterFiles());
    figures.put("pendingManifestsUnreadable", (long) restoreFiles.unreadableManifests());
    figures.put("filesKeptForRestore", keptForRestore);
    figures.put("bytesKeptForRestore", bytesKeptForRestore);
    figures.put("durationMillis", duration);
    String summary =
        "orphan files: "
            + deleted
            + " of "
            + listed.size()
            + " files under the table's location deleted ("
            + Bytes.format(bytes)
            + "), referenced by no snapshot and older than "
            + settings.olderThan()
            + "; kept "
            + count(keptForRestore, "file")
            + " ("
            + Bytes.format(bytesKeptForRestore)
            + ") that a restore of the loader may need: "
            + count(restoreFiles.pendingManifests(), "pending manifest")
            + ", "
            + count(restoreFiles.deadLetterFiles(), "dead-letter file")
            + " and the uncommitted data files listed; "
            + duration
            + " ms";
    return new TaskOutcome(summary, figures);
  }

  /**
   * What a restore of the loader may need: every file its committer keeps in the table's metadata
   * folder, and every data file listed by a pending manifest there. A pending manifest that
   * vanished since the listing was committed and deleted by its committer, so its files are in the
   * metadata read afterwards. One that cannot be read fails the run before anything is deleted,
   * unless it is younger than the window: the committer may be writing it right now. Its data files
   * were written at most a checkpoint interval (less than the window) before it, so the run then
   * deletes nothing written less than a window before it.
   */
  private static RestoreFiles restoreFiles(
      Table table, SupportsPrefixOperations listing, long now, long window) {
    String folder = metadataFolder(table);
    String normalizedFolder = normalize(folder);
    Set<String> dataFiles = new HashSet<>();
    int manifests = 0;
    int deadLetters = 0;
    int unreadable = 0;
    long olderThan = now - window;
    for (FileInfo file : list(listing, folder)) {
      String location = file.location();
      if (!isCommitterFile(normalizedFolder, normalize(location))) {
        continue;
      }
      String name = location.substring(location.lastIndexOf('/') + 1);
      if (CommitterFiles.isDeadLetterFile(name)) {
        deadLetters++;
      }
      OptionalInt specId = CommitterFiles.pendingManifestSpecId(name);
      if (specId.isEmpty()) {
        continue;
      }
      manifests++;
      try (CloseableIterable<String> paths =
          ManifestFiles.readPaths(
              new PendingManifest(location, file.size(), specId.getAsInt()), table.io())) {
        paths.forEach(path -> dataFiles.add(normalize(path)));
      } catch (IOException | RuntimeException e) {
        if (!table.io().newInputFile(location).exists()) {
          continue;
        }
        if (file.createdAtMillis() >= now - window) {
          unreadable++;
          olderThan = Math.min(olderThan, file.createdAtMillis() - window);
          continue;
        }
        throw new MaintenanceFailedException(
            "cannot read the loader's pending manifest "
                + location
                + ", so the data files a restore may need cannot be told from orphans; nothing was"
                + " deleted ("
                + e
                + ")");
      }
    }
    return new RestoreFiles(
        normalizedFolder, dataFiles, manifests, deadLetters, unreadable, olderThan);
  }

  /** Whether a file, by its normalised location, is one the committer keeps in this folder. */
  private static boolean isCommitterFile(String metadataFolder, String location) {
    return location.startsWith(metadataFolder)
        && location.indexOf('/', metadataFolder.length()) < 0
        && CommitterFiles.isCommitterFile(location.substring(metadataFolder.length()));
  }

  /** The folder the table's metadata files go to, with a trailing slash. */
  private static String metadataFolder(Table table) {
    String probe = ((HasTableOperations) table).operations().metadataFileLocation("probe");
    return probe.substring(0, probe.length() - "probe".length());
  }

  /**
   * What a restore may need: the committer's files in the (normalised) metadata folder, by name,
   * whenever they were listed, and the data files their pending manifests list; and the time before
   * which an unreferenced file that is not one of them may go.
   */
  private record RestoreFiles(
      String metadataFolder,
      Set<String> dataFiles,
      int pendingManifests,
      int deadLetterFiles,
      int unreadableManifests,
      long olderThan) {
    boolean needed(String normalizedLocation) {
      return dataFiles.contains(normalizedLocation)
          || isCommitterFile(metadataFolder, normalizedLocation);
    }
  }

  /**
   * Lists every file under the location. A writer may delete a file between the listing's read of a
   * directory and its look at the file (the loader or a compaction cleaning up an attempt that lost
   * a commit race), which fails the listing: it is then read again, a few times.
   */
  private static List<FileInfo> list(SupportsPrefixOperations listing, String location) {
    for (int attempt = 1; ; attempt++) {
      try {
        List<FileInfo> listed = new ArrayList<>();
        listing.listPrefix(location).forEach(listed::add);
        return listed;
      } catch (RuntimeException e) {
        if (attempt == LISTING_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** Every file the table's metadata names, normalised. */
  private static Set<String> referenced(Table table) {
    FileIO io = table.io();
    Set<String> referenced = new HashSet<>();
    TableMetadata metadata = ((HasTableOperations) table).operations().current();
    referenced.add(normalize(metadata.metadataFileLocation()));
    metadata.previousFiles().forEach(entry -> referenced.add(normalize(entry.file())));
    metadata.statisticsFiles().forEach(stats -> referenced.add(normalize(stats.path())));
    metadata.partitionStatisticsFiles().forEach(stats -> referenced.add(normalize(stats.path())));
    Set<String> manifestsRead = new HashSet<>();
    for (Snapshot snapshot : metadata.snapshots()) {
      if (snapshot.manifestListLocation() != null) {
        referenced.add(normalize(snapshot.manifestListLocation()));
      }
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        String location = normalize(manifest.path());
        referenced.add(location);
        if (manifestsRead.add(location)) {
          addFiles(referenced, manifest, table);
        }
      }
    }
    return referenced;
  }

  private static void addFiles(Set<String> referenced, ManifestFile manifest, Table table) {
    List<String> path = List.of("file_path");
    try (CloseableIterable<? extends ContentFile<?>> files =
        manifest.content() == ManifestContent.DATA
            ? ManifestFiles.read(manifest, table.io()).select(path)
            : ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs()).select(path)) {
      for (ContentFile<?> file : files) {
        referenced.add(normalize(file.location()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A pending manifest as the committer wrote it ({@code ManifestFiles.write(2, spec, file, 0L)}),
   * known by its location, length and the spec id in its name: what Iceberg needs to read it. Its
   * entries are all ADDED and inherit snapshot id 0 and sequence number 0 from here.
   */
  private record PendingManifest(String path, long length, int partitionSpecId)
      implements ManifestFile {
    @Override
    public ManifestContent content() {
      return ManifestContent.DATA;
    }

    @Override
    public long sequenceNumber() {
      return 0;
    }

    @Override
    public long minSequenceNumber() {
      return 0;
    }

    @Override
    public Long snapshotId() {
      return 0L;
    }

    @Override
    public Integer addedFilesCount() {
      return null;
    }

    @Override
    public Long addedRowsCount() {
      return null;
    }

    @Override
    public Integer existingFilesCount() {
      return null;
    }

    @Override
    public Long existingRowsCount() {
      return null;
    }

    @Override
    public Integer deletedFilesCount() {
      return null;
    }

    @Override
    public Long deletedRowsCount() {
      return null;
    }

    @Override
    public List<PartitionFieldSummary> partitions() {
      return null;
    }

    @Override
    public ManifestFile copy() {
      return this;
    }
  }

  private static String count(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  /** The Hadoop catalog's version hint names no file but is the table's entry point. */
  private static boolean isHint(String location) {
    return location.endsWith("/metadata/version-hint.text");
  }

  /**
   * One spelling per file: {@code file:/a}, {@code file:///a} and {@code /a} are the same file, as
   * are {@code s3://b/k}, {@code s3a://b/k} and {@code s3n://b/k}.
   */
  static String normalize(String location) {
    int colon = location.indexOf(':');
    int slash = location.indexOf('/');
    if (colon < 0 || (slash >= 0 && slash < colon)) {
      return "file:" + collapseLeadingSlashes(location);
    }
    String scheme = location.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = location.substring(colon + 1);
    if (scheme.equals("file")) {
      return "file:" + collapseLeadingSlashes(rest);
    }
    if (scheme.equals("s3a") || scheme.equals("s3n")) {
      scheme = "s3";
    }
    return scheme + ":" + rest;
  }

  private static String collapseLeadingSlashes(String path) {
    int i = 0;
    while (i < path.length() && path.charAt(i) == '/') {
      i++;
    }
    return "/" + path.substring(i);
  }
}
