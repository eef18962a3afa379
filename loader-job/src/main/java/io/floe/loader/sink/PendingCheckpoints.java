package io.floe.loader.sink;

import io.floe.loader.deadletter.DeadLetter;
import io.floe.loader.summary.CommitterFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The files of checkpoints not yet committed: temporary manifests beside the table's metadata. */
final class PendingCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(TableCommitterOperator.class);
  private static final int TEMPORARY_MANIFEST_FORMAT = 2;

  private final Table table;
  private final String committerId;
  private final DeadLetterOutbox outbox;

  PendingCheckpoints(Table table, String committerId, DeadLetterOutbox outbox) {
    this.table = table;
    this.committerId = committerId;
    this.outbox = outbox;
  }

  /**
   * Writes the checkpoint's files into temporary manifests and its dead letters into a file,
   * keeping only their locations and counters.
   */
  PendingCommit toPending(List<WrittenFiles> results, long checkpointId) throws IOException {
    Map<Integer, List<DataFile>> filesBySpec = new TreeMap<>();
    Map<Integer, List<DeleteFile>> deletesBySpec = new TreeMap<>();
    long deleted = 0;
    List<DeadLetter> deadLetters = new ArrayList<>();
    long written = 0;
    long deadLettered = 0;
    long skipped = 0;
    long ruleViolations = 0;
    long maxTimestamp = 0;
    int schemaId = -1;
    Map<String, Long> offsets = new TreeMap<>();
    for (WrittenFiles result : results) {
      for (DataFile file : result.dataFiles()) {
        filesBySpec.computeIfAbsent(file.specId(), id -> new ArrayList<>()).add(file);
      }
      for (DeleteFile file : result.deleteFiles()) {
        deletesBySpec.computeIfAbsent(file.specId(), id -> new ArrayList<>()).add(file);
      }
      deleted += result.recordsDeleted();
      deadLetters.addAll(result.deadLetters());
      written += result.recordsWritten();
      deadLettered += result.recordsDeadLettered();
      skipped += result.recordsSkipped();
      ruleViolations += result.recordsRuleViolations();
      maxTimestamp = Math.max(maxTimestamp, result.maxRecordTimestamp());
      schemaId = Math.max(schemaId, result.schemaId());
      result.nextOffsets().forEach((partition, next) -> offsets.merge(partition, next, Math::max));
    }
    List<byte[]> manifests = new ArrayList<>();
    for (Map.Entry<Integer, List<DataFile>> entry : filesBySpec.entrySet()) {
      OutputFile file =
          newMetadataFile(
              table,
              CommitterFiles.pendingManifestName(
                  committerId, checkpointId, entry.getKey(), UUID.randomUUID()));
      ManifestWriter<DataFile> writer =
          ManifestFiles.write(
              TEMPORARY_MANIFEST_FORMAT, table.specs().get(entry.getKey()), file, 0L);
      try {
        writer.addAll(entry.getValue());
      } finally {
        writer.close();
      }
      manifests.add(ManifestFiles.encode(writer.toManifestFile()));
    }
    List<byte[]> deleteManifests = new ArrayList<>();
    for (Map.Entry<Integer, List<DeleteFile>> entry : deletesBySpec.entrySet()) {
      OutputFile file =
          newMetadataFile(
              table,
              CommitterFiles.pendingManifestName(
                  committerId, checkpointId, entry.getKey(), UUID.randomUUID()));
      ManifestWriter<DeleteFile> writer =
          ManifestFiles.writeDeleteManifest(
              TEMPORARY_MANIFEST_FORMAT, table.specs().get(entry.getKey()), file, 0L);
      try {
        writer.addAll(entry.getValue());
      } finally {
        writer.close();
      }
      deleteManifests.add(ManifestFiles.encode(writer.toManifestFile()));
    }
    List<String> deadLetterFiles = new ArrayList<>();
    if (!deadLetters.isEmpty()) {
      deadLetterFiles.add(outbox.write(committerId, checkpointId, deadLetters));
    }
    return new PendingCommit(
        manifests,
        deleteManifests,
        schemaId,
        written,
        deleted,
        deadLettered,
        skipped,
        ruleViolations,
        offsets,
        maxTimestamp,
        deadLetterFiles);
  }

  /** Appends the data files of a pending checkpoint's manifests; returns how many. */
  int appendTo(AppendFiles append, PendingCommit commit) throws IOException {
    int files = 0;
    for (byte[] encoded : commit.manifests()) {
      ManifestFile manifest = ManifestFiles.decode(encoded);
      try (ManifestReader<DataFile> reader =
          ManifestFiles.read(manifest, table.io(), table.specs())) {
        for (DataFile file : reader) {
          append.appendFile(file.copy());
          files++;
        }
      }
    }
    return files;
  }

  /**
   * Adds the data and delete files of a pending checkpoint's manifests to a row delta; returns how
   * many.
   */
  int addTo(RowDelta delta, PendingCommit commit) throws IOException {
    int files = 0;
    for (byte[] encoded : commit.manifests()) {
      ManifestFile manifest = ManifestFiles.decode(encoded);
      try (ManifestReader<DataFile> reader =
          ManifestFiles.read(manifest, table.io(), table.specs())) {
        for (DataFile file : reader) {
          delta.addRows(file.copy());
          files++;
        }
      }
    }
    for (byte[] encoded : commit.deleteManifests()) {
      ManifestFile manifest = ManifestFiles.decode(encoded);
      try (ManifestReader<DeleteFile> reader =
          ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
        for (DeleteFile file : reader) {
          delta.addDeletes(file.copy());
          files++;
        }
      }
    }
    return files;
  }

  boolean manifestsExist(PendingCommit commit) throws IOException {
    for (byte[] encoded : commit.allManifests()) {
      if (!table.io().newInputFile(ManifestFiles.decode(encoded).path()).exists()) {
        return false;
      }
    }
    return true;
  }

  void deleteManifests(Iterable<PendingCommit> commits) {
    for (PendingCommit commit : commits) {
      for (byte[] encoded : commit.allManifests()) {
        try {
          table.io().deleteFile(ManifestFiles.decode(encoded).path());
        } catch (IOException | RuntimeException e) {
          LOG.warn(
              "Cannot delete the temporary manifest of files now committed; it stays beside the"
                  + " table's metadata (orphan cleanup keeps every pending manifest)",
              e);
        }
      }
    }
  }

  static OutputFile newMetadataFile(Table table, String name) {
    return table
        .io()
        .newOutputFile(((HasTableOperations) table).operations().metadataFileLocation(name));
  }
}
