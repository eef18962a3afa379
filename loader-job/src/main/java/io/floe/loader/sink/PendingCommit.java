package io.floe.loader.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One completed checkpoint's output waiting for its Iceberg commit, as kept in the committer's
 * state: the data files live in manifest files (Iceberg's stable format, as its own committer
 * does), the dead letters in a file of their own, and the state holds only the encoded manifests,
 * the dead-letter file's location and the counters.
 */
final class PendingCommit {
  /** 5: with delete manifests and deleted keys (upsert mode). */
  private static final int VERSION = 5;

  private final List<byte[]> manifests;
  private final int schemaId;
  private final long recordsWritten;
  private final long recordsDeadLettered;
  private final long recordsSkipped;
  private final long recordsRuleViolations;
  private final Map<String, Long> nextOffsets;
  private final long maxRecordTimestamp;
  private final List<String> deadLetterFiles;
  private final Map<String, PendingCommit> routed;
  private final List<byte[]> deleteManifests;
  private final long recordsDeleted;

  PendingCommit(
      List<byte[]> manifests,
      int schemaId,
      long recordsWritten,
      long recordsDeadLettered,
      long recordsSkipped,
      Map<String, Long> nextOffsets,
      long maxRecordTimestamp,
      List<String> deadLetterFiles) {
    this(
        manifests,
        schemaId,
        recordsWritten,
        recordsDeadLettered,
        recordsSkipped,
        0,
        nextOffsets,
        maxRecordTimestamp,
        deadLetterFiles);
  }

  PendingCommit(
      List<byte[]> manifests,
      int schemaId,
      long recordsWritten,
      long recordsDeadLettered,
      long recordsSkipped,
      long recordsRuleViolations,
      Map<String, Long> nextOffsets,
      long maxRecordTimestamp,
      List<String> deadLetterFiles) {
    this(
        manifests,
        List.of(),
        schemaId,
        recordsWritten,
        0,
        recordsDeadLettered,
        recordsSkipped,
        recordsRuleViolations,
        nextOffsets,
        maxRecordTimestamp,
        deadLetterFiles);
  }

  /** With the delete manifests and the keys deleted of an upserting loader's checkpoint. */
  PendingCommit(
      List<byte[]> manifests,
      List<byte[]> deleteManifests,
      int schemaId,
      long recordsWritten,
      long recordsDeleted,
      long recordsDeadLettered,
      long recordsSkipped,
      long recordsRuleViolations,
      Map<String, Long> nextOffsets,
      long maxRecordTimestamp,
      List<String> deadLetterFiles) {
    this.manifests = List.copyOf(manifests);
    this.deleteManifests = List.copyOf(deleteManifests);
    this.recordsDeleted = recordsDeleted;
    this.schemaId = schemaId;
    this.recordsWritten = recordsWritten;
    this.recordsDeadLettered = recordsDeadLettered;
    this.recordsSkipped = recordsSkipped;
    this.recordsRuleViolations = recordsRuleViolations;
    this.nextOffsets = Collections.unmodifiableMap(new TreeMap<>(nextOffsets));
    this.maxRecordTimestamp = maxRecordTimestamp;
    this.deadLetterFiles = List.copyOf(deadLetterFiles);
    this.routed = Map.of();
  }

  private PendingCommit(PendingCommit pipelineTable, Map<String, PendingCommit> routed) {
    this.manifests = pipelineTable.manifests;
    this.deleteManifests = pipelineTable.deleteManifests;
    this.recordsDeleted = pipelineTable.recordsDeleted;
    this.schemaId = pipelineTable.schemaId;
    this.recordsWritten = pipelineTable.recordsWritten;
    this.recordsDeadLettered = pipelineTable.recordsDeadLettered;
    this.recordsSkipped = pipelineTable.recordsSkipped;
    this.recordsRuleViolations = pipelineTable.recordsRuleViolations;
    this.nextOffsets = pipelineTable.nextOffsets;
    this.maxRecordTimestamp = pipelineTable.maxRecordTimestamp;
    this.deadLetterFiles = pipelineTable.deadLetterFiles;
    this.routed = Collections.unmodifiableMap(new TreeMap<>(routed));
  }

  /**
   * This checkpoint of the pipeline's table with the same checkpoint of routed tables, by name:
   * each with the checkpoint's offsets, committed before the pipeline's table.
   */
  PendingCommit withRouted(Map<String, PendingCommit> routed) {
    return new PendingCommit(this, routed);
  }

  /** The same checkpoint's rows for routed tables, by table name; empty without routing. */
  Map<String, PendingCommit> routed() {
    return routed;
  }

  List<byte[]> manifests() {
    return manifests;
  }

  /** Manifests of the checkpoint's delete files (upsert mode); empty when appending. */
  List<byte[]> deleteManifests() {
    return deleteManifests;
  }

  /** Data and delete manifests. */
  List<byte[]> allManifests() {
    List<byte[]> all = new ArrayList<>(manifests);
    all.addAll(deleteManifests);
    return all;
  }

  int schemaId() {
    return schemaId;
  }

  long recordsDeleted() {
    return recordsDeleted;
  }

  long recordsWritten() {
    return recordsWritten;
  }

  long recordsDeadLettered() {
    return recordsDeadLettered;
  }

  long recordsSkipped() {
    return recordsSkipped;
  }

  long recordsRuleViolations() {
    return recordsRuleViolations;
  }

  Map<String, Long> nextOffsets() {
    return nextOffsets;
  }

  long maxRecordTimestamp() {
    return maxRecordTimestamp;
  }

  /** Where this checkpoint's dead letters wait to be published (none or one file). */
  List<String> deadLetterFiles() {
    return deadLetterFiles;
  }

  /** Serializes pending commits by checkpoint id, for operator state. */
  static byte[] serialize(Map<Long, PendingCommit> pending) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(VERSION);
      out.writeInt(pending.size());
      for (Map.Entry<Long, PendingCommit> entry : pending.entrySet()) {
        PendingCommit commit = entry.getValue();
        out.writeLong(entry.getKey());
        commit.write(out);
        out.writeInt(commit.routed.size());
        for (Map.Entry<String, PendingCommit> routed : commit.routed.entrySet()) {
          out.writeUTF(routed.getKey());
          routed.getValue().write(out);
        }
      }
    }
    return bytes.toByteArray();
  }

  private void write(DataOutputStream out) throws IOException {
    out.writeInt(manifests.size());
    for (byte[] manifest : manifests) {
      out.writeInt(manifest.length);
      out.write(manifest);
    }
    out.writeInt(schemaId);
    out.writeLong(recordsWritten);
    out.writeLong(recordsDeadLettered);
    out.writeLong(recordsSkipped);
    out.writeInt(nextOffsets.size());
    for (Map.Entry<String, Long> offset : nextOffsets.entrySet()) {
      out.writeUTF(offset.getKey());
      out.writeLong(offset.getValue());
    }
    out.writeLong(maxRecordTimestamp);
    out.writeInt(deadLetterFiles.size());
    for (String file : deadLetterFiles) {
      out.writeUTF(file);
    }
    out.writeLong(recordsRuleViolations);
    out.writeInt(deleteManifests.size());
    for (byte[] manifest : deleteManifests) {
      out.writeInt(manifest.length);
      out.write(manifest);
    }
    out.writeLong(recordsDeleted);
  }

  static TreeMap<Long, PendingCommit> deserialize(byte[] data) throws IOException {
    TreeMap<Long, PendingCommit> pending = new TreeMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readInt();
      if (version < 1 || version > VERSION) {
        throw new IOException("Unknown pending-commit state version " + version);
      }
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        long checkpointId = in.readLong();
        PendingCommit commit = read(in, version);
        if (version >= 4) {
          int routedCount = in.readInt();
          Map<String, PendingCommit> routed = new TreeMap<>();
          for (int r = 0; r < routedCount; r++) {
            routed.put(in.readUTF(), read(in, version));
          }
          commit = commit.withRouted(routed);
        }
        pending.put(checkpointId, commit);
      }
    }
    return pending;
  }

  private static PendingCommit read(DataInputStream in, int version) throws IOException {
    List<byte[]> manifests = readManifests(in);
    int schemaId = in.readInt();
    long written = in.readLong();
    long deadLettered = in.readLong();
    long skipped = in.readLong();
    int offsetCount = in.readInt();
    Map<String, Long> offsets = new TreeMap<>();
    for (int o = 0; o < offsetCount; o++) {
      offsets.put(in.readUTF(), in.readLong());
    }
    long maxTimestamp = in.readLong();
    List<String> deadLetterFiles = new ArrayList<>();
    if (version >= 2) {
      int fileCount = in.readInt();
      for (int f = 0; f < fileCount; f++) {
        deadLetterFiles.add(in.readUTF());
      }
    }
    long ruleViolations = version >= 3 ? in.readLong() : 0;
    List<byte[]> deleteManifests = version >= 5 ? readManifests(in) : List.of();
    long deleted = version >= 5 ? in.readLong() : 0;
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

  private static List<byte[]> readManifests(DataInputStream in) throws IOException {
    int count = in.readInt();
    List<byte[]> manifests = new ArrayList<>(count);
    for (int m = 0; m < count; m++) {
      byte[] manifest = new byte[in.readInt()];
      in.readFully(manifest);
      manifests.add(manifest);
    }
    return manifests;
  }
}
