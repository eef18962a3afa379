package io.floe.control.maintenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * named by the table's metadata: the current and logged metadata files, statistics files, and every
 * snapshot's manifest list, manifests and data and delete files. A file younger than the window may
 * belong to a commit in flight (the loader writes data files a checkpoint before it commits them),
 * so the window must exceed the longest time between a write and its commit.
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
    long olderThan = clock.millis() - settings.olderThan().toMillis();
    // Listed before the references are read: a file committed meanwhile is then seen referenced.
    List<FileInfo> listed = list(listing, table.location());
    Set<String> referenced = referenced(table);

    long candidates = 0;
    long deleted = 0;
    long bytes = 0;
    for (FileInfo file : listed) {
      if (referenced.contains(normalize(file.location()))
          || file.createdAtMillis() >= olderThan
          || isHint(file.location())) {
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
            + ", "
            + duration
            + " ms";
    return new TaskOutcome(summary, figures);
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
