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
  private static final int VERSION = 3;

  private final List<byte[]> manifests;
  private final int schemaId;
  private final long recordsWritten;
  private final long recordsDeadLettered;
  private final long recordsSkipped;
  private final long recordsRuleViolations;
  private final Map<String, Long> nextOffsets;
  private final long maxRecordTimestamp;
  private final List<String> deadLetterFiles;

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
    this.manifests = List.copyOf(manifests);
    this.schemaId = schemaId;
    this.recordsWritten = recordsWritten;
    this.recordsDeadLettered = recordsDeadLettered;
    this.recordsSkipped = recordsSkipped;
    this.recordsRuleViolations = recordsRuleViolations;
    this.nextOffsets = Collections.unmodifiableMap(new TreeMap<>(nextOffsets));
    this.maxRecordTimestamp = maxRecordTimestamp;
    this.deadLetterFiles = List.copyOf(deadLetterFiles);
  }

  List<byte[]> manifests() {
    return manifests;
  }

  int schemaId() {
    return schemaId;
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
        out.writeInt(commit.manifests.size());
        for (byte[] manifest : commit.manifests) {
          out.writeInt(manifest.length);
          out.write(manifest);
        }
        out.writeInt(commit.schemaId);
        out.writeLong(commit.recordsWritten);
        out.writeLong(commit.recordsDeadLettered);
        out.writeLong(commit.recordsSkipped);
        out.writeInt(commit.nextOffsets.size());
        for (Map.Entry<String, Long> offset : commit.nextOffsets.entrySet()) {
          out.writeUTF(offset.getKey());
          out.writeLong(offset.getValue());
        }
        out.writeLong(commit.maxRecordTimestamp);
        out.writeInt(commit.deadLetterFiles.size());
        for (String file : commit.deadLetterFiles) {
          out.writeUTF(file);
        }
        out.writeLong(commit.recordsRuleViolations);
      }
    }
    return bytes.toByteArray();
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
        int manifestCount = in.readInt();
        List<byte[]> manifests = new ArrayList<>(manifestCount);
        for (int m = 0; m < manifestCount; m++) {
          byte[] manifest = new byte[in.readInt()];
          in.readFully(manifest);
          manifests.add(manifest);
        }
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
        pending.put(
            checkpointId,
            new PendingCommit(
                manifests,
                schemaId,
                written,
                deadLettered,
                skipped,
                ruleViolations,
                offsets,
                maxTimestamp,
                deadLetterFiles));
      }
    }
    return pending;
  }
}
