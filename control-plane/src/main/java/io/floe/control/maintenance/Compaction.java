package io.floe.control.maintenance;

import io.floe.control.model.MaintenancePolicy;
import io.floe.control.model.MaintenanceTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.PropertyUtil;

/**
 * Rewrites a table's small data files into files near its target size, and folds its row-level
 * deletes into its data, without an engine: the control plane reads the files with Iceberg's
 * generic Parquet reader and delete filter and writes them with its generic writer, one partition
 * per commit, newest partitions first. Each commit is a {@code replace} snapshot validated from the
 * snapshot the files were planned in, whose new files keep that snapshot's data sequence number:
 * the loader's appends and row deltas commit alongside it without conflict (a delete committed
 * meanwhile has a higher sequence number and still applies to the new files; each side retries a
 * lost race on the catalog, as Iceberg does), and a file removed meanwhile, or a position delete
 * naming a replaced file, fails only this partition's rewrite. A delete file goes with the commit
 * that replaces every data file it applies to.
 */
final class Compaction {
  /** Snapshot summary key naming the maintenance task that made a snapshot. */
  static final String SUMMARY_TASK = "floe.maintenance";

  /** Files below this share of the target size are small. */
  private static final double SMALL_FILE_RATIO = 0.75;

  private final Clock clock;

  Compaction(Clock clock) {
    this.clock = clock;
  }

  TaskOutcome run(Table table, MaintenancePolicy.Compaction settings) {
    long started = clock.millis();
    table.refresh();
    Snapshot start = table.currentSnapshot();
    long target =
        settings.targetFileSize().isPresent()
            ? settings.targetFileSize().getAsLong()
            : PropertyUtil.propertyAsLong(
                table.properties(),
                TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
                TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    Figures figures = new Figures();
    figures.tableFilesBefore = totalDataFiles(start);
    figures.tableBytesBefore = totalBytes(start);
    figures.deleteFilesBefore = summaryNumber(start, SnapshotSummary.TOTAL_DELETE_FILES_PROP);
    if (start == null) {
      return figures.outcome(target, clock.millis() - started);
    }
    for (PartitionFiles partition : plan(table, start, target, settings)) {
      rewrite(table, start, partition, target, figures);
    }
    table.refresh();
    figures.tableFilesAfter = totalDataFiles(table.currentSnapshot());
    figures.tableBytesAfter = totalBytes(table.currentSnapshot());
    figures.deleteFilesAfter =
        summaryNumber(table.currentSnapshot(), SnapshotSummary.TOTAL_DELETE_FILES_PROP);
    return figures.outcome(target, clock.millis() - started);
  }

  /**
   * The partitions worth rewriting, newest first, each with its small files and its files with
   * row-level deletes: a partition with deletes at any age and with any number of files (reads pay
   * for every delete file, old or new), else one inside the lookback with enough small files.
   */
  private List<PartitionFiles> plan(
      Table table, Snapshot start, long target, MaintenancePolicy.Compaction settings) {
    Map<String, PartitionFiles> partitions = new HashMap<>();
    Map<String, Integer> deleteReferences = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(start.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        task.deletes()
            .forEach(delete -> deleteReferences.merge(delete.location(), 1, Integer::sum));
        DataFile file = task.file();
        boolean small = file.fileSizeInBytes() < SMALL_FILE_RATIO * target;
        if ((!small && task.deletes().isEmpty()) || file.format() != FileFormat.PARQUET) {
          continue;
        }
        PartitionSpec spec = table.specs().get(file.specId());
        String key = file.specId() + "/" + spec.partitionToPath(file.partition());
        partitions
            .computeIfAbsent(
                key,
                k ->
                    new PartitionFiles(
                        spec,
                        file.partition(),
                        PartitionTimes.end(spec, file.partition()),
                        new ArrayList<>(),
                        new HashMap<>()))
            .tasks()
            .add(task);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    partitions.values().forEach(p -> p.countReferences(deleteReferences));
    Instant horizon = clock.instant().minus(settings.lookback());
    return partitions.values().stream()
        .filter(
            p ->
                p.hasDeletes()
                    || (p.tasks().size() >= settings.minInputFiles()
                        && (settings.lookback().isZero()
                            || p.end().isEmpty()
                            || p.end().get().isAfter(horizon))))
        .sorted(Comparator.comparing(PartitionFiles::recency).reversed())
        .toList();
  }

  /**
   * Rewrites one partition's chosen files in bins of about the target size, with their deletes
   * applied, in one commit that also removes the delete files no remaining file needs. The new
   * files take the data sequence number of the snapshot the files were read in: a delete the loader
   * commits meanwhile has a higher one, so it still applies to them, and the commit validates only
   * that no position delete names a file it replaces.
   */
  private void rewrite(
      Table table, Snapshot start, PartitionFiles partition, long target, Figures figures) {
    List<DataFile> removed = new ArrayList<>();
    List<DataFile> added = new ArrayList<>();
    Map<String, DeleteFile> removedDeletes = new LinkedHashMap<>();
    FileRewriter rewriter = new FileRewriter(table, MaintenanceTask.COMPACTION, clock);
    try {
      List<FileScanTask> rewritten = new ArrayList<>();
      for (List<FileScanTask> bin : binPack(partition.tasks(), target)) {
        added.addAll(rewriter.rewrite(partition.spec(), partition.partition(), bin, row -> true));
        bin.forEach(task -> removed.add(task.file()));
        rewritten.addAll(bin);
      }
      if (removed.isEmpty()) {
        return;
      }
      removedDeletes.putAll(partition.deletesOnlyFor(rewritten));
      RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(start.snapshotId());
      if (start.sequenceNumber() > 0) {
        // Format 2 and later: sequence numbers order deletes against data files.
        rewrite.dataSequenceNumber(start.sequenceNumber());
      }
      removed.forEach(rewrite::deleteFile);
      removedDeletes.values().forEach(rewrite::deleteFile);
      added.forEach(rewrite::addFile);
      rewrite.set(SUMMARY_TASK, MaintenanceTask.COMPACTION.apiName()).commit();
    } catch (ValidationException e) {
      rewriter.deleteQuietly(added);
      figures.conflicts++;
      return;
    } catch (CommitStateUnknownException e) {
      throw e;
    } catch (RuntimeException e) {
      rewriter.deleteQuietly(added);
      throw e;
    }
    figures.partitions++;
    figures.filesRewritten += removed.size();
    figures.bytesRewritten += removed.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    figures.filesWritten += added.size();
    figures.bytesWritten += added.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    long written = added.stream().mapToLong(DataFile::recordCount).sum();
    figures.records += written;
    figures.rowsDeleted += removed.stream().mapToLong(DataFile::recordCount).sum() - written;
    figures.deleteFilesRemoved += removedDeletes.size();
  }

  /**
   * First-fit decreasing: bins of at most the target size; a bin of one file without deletes is
   * left alone.
   */
  private static List<List<FileScanTask>> binPack(List<FileScanTask> tasks, long target) {
    List<FileScanTask> bySize = new ArrayList<>(tasks);
    bySize.sort(
        Comparator.comparingLong((FileScanTask t) -> t.file().fileSizeInBytes()).reversed());
    List<List<FileScanTask>> bins = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (FileScanTask task : bySize) {
      long size = task.file().fileSizeInBytes();
      int fit = -1;
      for (int i = 0; i < bins.size() && fit < 0; i++) {
        if (sizes.get(i) + size <= target) {
          fit = i;
        }
      }
      if (fit < 0) {
        bins.add(new ArrayList<>());
        sizes.add(0L);
        fit = bins.size() - 1;
      }
      bins.get(fit).add(task);
      sizes.set(fit, sizes.get(fit) + size);
    }
    // A file alone in its bin is rewritten only to apply its deletes.
    bins.removeIf(bin -> bin.size() < 2 && bin.get(0).deletes().isEmpty());
    return bins;
  }

  private static long totalDataFiles(Snapshot snapshot) {
    return summaryNumber(snapshot, "total-data-files");
  }

  private static long totalBytes(Snapshot snapshot) {
    return summaryNumber(snapshot, "total-files-size");
  }

  private static long summaryNumber(Snapshot snapshot, String key) {
    if (snapshot == null || snapshot.summary().get(key) == null) {
      return 0;
    }
    return Long.parseLong(snapshot.summary().get(key));
  }

  /**
   * One partition's files to rewrite, and for each delete file they have, how many data files of
   * the whole table (in this partition or not, chosen or not) it applies to.
   */
  private record PartitionFiles(
      PartitionSpec spec,
      StructLike partition,
      Optional<Instant> end,
      List<FileScanTask> tasks,
      Map<String, Integer> deleteReferences) {

    void countReferences(Map<String, Integer> tableReferences) {
      for (FileScanTask task : tasks) {
        for (DeleteFile delete : task.deletes()) {
          deleteReferences.put(delete.location(), tableReferences.get(delete.location()));
        }
      }
    }

    boolean hasDeletes() {
      return !deleteReferences.isEmpty();
    }

    /**
     * The delete files that apply to no data file but the rewritten ones: once those are replaced
     * (by files whose data sequence number is the planning snapshot's, which these deletes do not
     * exceed), they apply to nothing, while a delete that also applies to a file left in place
     * stays.
     */
    Map<String, DeleteFile> deletesOnlyFor(List<FileScanTask> rewritten) {
      Map<String, Integer> counts = new HashMap<>();
      Map<String, DeleteFile> files = new LinkedHashMap<>();
      for (FileScanTask task : rewritten) {
        for (DeleteFile delete : task.deletes()) {
          counts.merge(delete.location(), 1, Integer::sum);
          files.putIfAbsent(delete.location(), delete);
        }
      }
      files
          .keySet()
          .removeIf(location -> !counts.get(location).equals(deleteReferences.get(location)));
      return files;
    }

    /** The partition's time when it has one, else its newest file's data sequence number. */
    long recency() {
      return end.map(Instant::toEpochMilli)
          .orElse(
              tasks.stream()
                  .mapToLong(
                      t ->
                          t.file().dataSequenceNumber() == null ? 0 : t.file().dataSequenceNumber())
                  .max()
                  .orElse(0));
    }
  }

  /** The figures of one run, filled in as partitions commit. */
  private static final class Figures {
    long tableFilesBefore;
    long tableBytesBefore;
    long tableFilesAfter;
    long tableBytesAfter;
    long partitions;
    long filesRewritten;
    long bytesRewritten;
    long filesWritten;
    long bytesWritten;
    long records;
    long conflicts;
    long deleteFilesBefore;
    long deleteFilesAfter;
    long deleteFilesRemoved;
    long rowsDeleted;

    TaskOutcome outcome(long target, long durationMillis) {
      Map<String, Long> values = new LinkedHashMap<>();
      values.put("tableFilesBefore", tableFilesBefore);
      values.put("tableBytesBefore", tableBytesBefore);
      values.put("tableFilesAfter", tableFilesAfter);
      values.put("tableBytesAfter", tableBytesAfter);
      values.put("partitionsRewritten", partitions);
      values.put("filesRewritten", filesRewritten);
      values.put("bytesRewritten", bytesRewritten);
      values.put("filesWritten", filesWritten);
      values.put("bytesWritten", bytesWritten);
      values.put("recordsRewritten", records);
      values.put("partitionsSkippedOnConflict", conflicts);
      values.put("deleteFilesBefore", deleteFilesBefore);
      values.put("deleteFilesAfter", deleteFilesAfter);
      values.put("deleteFilesRemoved", deleteFilesRemoved);
      values.put("rowsDeletedApplied", rowsDeleted);
      values.put("targetFileSizeBytes", target);
      values.put("durationMillis", durationMillis);
      String summary =
          partitions == 0
              ? "compaction: nothing to rewrite ("
                  + tableFilesBefore
                  + " files, average "
                  + Bytes.format(average(tableBytesBefore, tableFilesBefore))
                  + ", target "
                  + Bytes.format(target)
                  + ")"
              : "compaction: "
                  + filesRewritten
                  + " files ("
                  + Bytes.format(bytesRewritten)
                  + ") rewritten into "
                  + filesWritten
                  + " ("
                  + Bytes.format(bytesWritten)
                  + ") in "
                  + partitions
                  + (partitions == 1 ? " partition" : " partitions")
                  + "; table "
                  + tableFilesBefore
                  + " -> "
                  + tableFilesAfter
                  + " files, average "
                  + Bytes.format(average(tableBytesBefore, tableFilesBefore))
                  + " -> "
                  + Bytes.format(average(tableBytesAfter, tableFilesAfter));
      if (deleteFilesRemoved > 0 || rowsDeleted > 0) {
        summary +=
            "; deletes folded: "
                + rowsDeleted
                + " rows dropped, "
                + deleteFilesRemoved
                + " delete files removed (table "
                + deleteFilesBefore
                + " -> "
                + deleteFilesAfter
                + ")";
      }
      if (conflicts > 0) {
        summary += "; " + conflicts + " partitions skipped (changed meanwhile)";
      }
      return new TaskOutcome(summary + ", " + durationMillis + " ms", values);
    }

    private static long average(long bytes, long files) {
      return files == 0 ? 0 : bytes / files;
    }
  }
}
