package io.floe.loader.sink;

import io.floe.loader.deadletter.DeadLetter;
import io.floe.loader.deadletter.DeadLetterCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;

/**
 * What one writer subtask produced for one checkpoint: its data files (and delete files, when it
 * upserts), dead letters and counters, sent to the single committer. The files travel
 * Java-serialized, as Iceberg's own task results do; the dead letters in {@link DeadLetterCodec}'s
 * encoding.
 */
public final class WrittenFiles implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long checkpointId;
  private final int schemaId;
  private final byte[] dataFiles;
  private final long recordsWritten;
  private final long recordsDeadLettered;
  private final long recordsSkipped;
  private final long recordsRuleViolations;
  private final HashMap<String, Long> nextOffsets;
  private final long maxRecordTimestamp;
  private final byte[] deadLetters;
  private final HashMap<String, RoutedFiles> routed;
  private final byte[] deleteFiles;
  private final long recordsDeleted;

  WrittenFiles(
      long checkpointId,
      int schemaId,
      DataFile[] dataFiles,
      long recordsWritten,
      long recordsDeadLettered,
      long recordsSkipped,
      Map<String, Long> nextOffsets,
      long maxRecordTimestamp) {
    this(
        checkpointId,
        schemaId,
        dataFiles,
        recordsWritten,
        recordsDeadLettered,
        recordsSkipped,
        nextOffsets,
        maxRecordTimestamp,
        List.of());
  }

  /** Rows written without a source: no offsets, no bad messages (the benchmark's write stage). */
  static WrittenFiles ofRows(
      long checkpointId, int schemaId, DataFile[] dataFiles, long records, long maxTimestamp) {
    return new WrittenFiles(
        checkpointId, schemaId, dataFiles, records, 0, 0, Map.of(), maxTimestamp);
  }

  WrittenFiles(
      long checkpointId,
      int schemaId,
      DataFile[] dataFiles,
      long recordsWritten,
      long recordsDeadLettered,
      long recordsSkipped,
      Map<String, Long> nextOffsets,
      long maxRecordTimestamp,
      List<DeadLetter> deadLetters) {
    this(
        checkpointId,
        schemaId,
        dataFiles,
        recordsWritten,
        recordsDeadLettered,
        recordsSkipped,
        0,
        nextOffsets,
        maxRecordTimestamp,
        deadLetters);
  }

  /** With the messages refused by a data-quality rule among the dead-lettered and skipped. */
  WrittenFiles(
      long checkpointId,
      int schemaId,
      DataFile[] dataFiles,
      long recordsWritten,
      long recordsDeadLettered,
      long recordsSkipped,
      long recordsRuleViolations,
      Map<String, Long> nextOffsets,
      long maxRecordTimestamp,
      List<DeadLetter> deadLetters) {
    this(
        checkpointId,
        schemaId,
        dataFiles,
        recordsWritten,
        recordsDeadLettered,
        recordsSkipped,
        recordsRuleViolations,
        nextOffsets,
        maxRecordTimestamp,
        deadLetters,
        Map.of());
  }

  /** With the files written into routed tables (other than the pipeline's), by table name. */
  WrittenFiles(
      long checkpointId,
      int schemaId,
      DataFile[] dataFiles,
      long recordsWritten,
      long recordsDeadLettered,
      long recordsSkipped,
      long recordsRuleViolations,
      Map<String, Long> nextOffsets,
      long maxRecordTimestamp,
      List<DeadLetter> deadLetters,
      Map<String, RoutedFiles> routed) {
    this(
        checkpointId,
        schemaId,
        dataFiles,
        new DeleteFile[0],
        recordsWritten,
        0,
        recordsDeadLettered,
        recordsSkipped,
        recordsRuleViolations,
        nextOffsets,
        maxRecordTimestamp,
        deadLetters,
        routed);
  }

  /**
   * Of an upserting writer: with the delete files (equality deletes of the keys written, position
   * deletes of a key's rows written earlier in the checkpoint) and the keys deleted.
   */
  WrittenFiles(
      long checkpointId,
      int schemaId,
      DataFile[] dataFiles,
      DeleteFile[] deleteFiles,
      long recordsWritten,
      long recordsDeleted,
      long recordsDeadLettered,
      long recordsSkipped,
      long recordsRuleViolations,
      Map<String, Long> nextOffsets,
      long maxRecordTimestamp,
      List<DeadLetter> deadLetters,
      Map<String, RoutedFiles> routed) {
    this.checkpointId = checkpointId;
    this.deleteFiles = deleteFiles.length == 0 ? null : serialize(deleteFiles);
    this.recordsDeleted = recordsDeleted;
    this.schemaId = schemaId;
    this.dataFiles = serialize(dataFiles);
    this.recordsWritten = recordsWritten;
    this.recordsDeadLettered = recordsDeadLettered;
    this.recordsSkipped = recordsSkipped;
    this.recordsRuleViolations = recordsRuleViolations;
    this.nextOffsets = new HashMap<>(nextOffsets);
    this.maxRecordTimestamp = maxRecordTimestamp;
    this.deadLetters = deadLetters.isEmpty() ? null : DeadLetterCodec.encode(deadLetters);
    this.routed = new HashMap<>(routed);
  }

  long checkpointId() {
    return checkpointId;
  }

  int schemaId() {
    return schemaId;
  }

  List<DataFile> dataFiles() {
    return deserialize(dataFiles);
  }

  /** The checkpoint's delete files (upsert mode); empty when appending. */
  List<DeleteFile> deleteFiles() {
    return deleteFiles == null ? List.of() : deserialize(deleteFiles);
  }

  long recordsWritten() {
    return recordsWritten;
  }

  /** Keys deleted (upsert mode). */
  long recordsDeleted() {
    return recordsDeleted;
  }

  long recordsDeadLettered() {
    return recordsDeadLettered;
  }

  long recordsSkipped() {
    return recordsSkipped;
  }

  /** Of the dead-lettered and skipped messages, those refused by a data-quality rule. */
  long recordsRuleViolations() {
    return recordsRuleViolations;
  }

  /** topic:partition to the next offset to read, for the partitions this subtask read. */
  Map<String, Long> nextOffsets() {
    return nextOffsets;
  }

  long maxRecordTimestamp() {
    return maxRecordTimestamp;
  }

  /** The bad messages to publish to the dead-letter topic (policy dead-letter), in offset order. */
  List<DeadLetter> deadLetters() {
    return deadLetters == null ? List.of() : DeadLetterCodec.decode(deadLetters);
  }

  /** The files written into routed tables other than the pipeline's, by table name. */
  Map<String, RoutedFiles> routed() {
    return routed;
  }

  /** What one writer subtask wrote into one routed table for the checkpoint. */
  static final class RoutedFiles implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int schemaId;
    private final byte[] dataFiles;
    private final long recordsWritten;
    private final long maxRecordTimestamp;

    RoutedFiles(int schemaId, DataFile[] dataFiles, long recordsWritten, long maxRecordTimestamp) {
      this.schemaId = schemaId;
      this.dataFiles = serialize(dataFiles);
      this.recordsWritten = recordsWritten;
      this.maxRecordTimestamp = maxRecordTimestamp;
    }

    int schemaId() {
      return schemaId;
    }

    List<DataFile> dataFiles() {
      return deserialize(dataFiles);
    }

    long recordsWritten() {
      return recordsWritten;
    }

    long maxRecordTimestamp() {
      return maxRecordTimestamp;
    }
  }

  @SuppressWarnings("unchecked")
  private static <F> List<F> deserialize(byte[] files) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(files))) {
      return Arrays.asList((F[]) in.readObject());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] serialize(Object[] files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(files);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
