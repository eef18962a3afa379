package io.floe.control.maintenance;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * What the loader's committer leaves when a checkpoint or savepoint is taken but its commit has not
 * happened yet, written with Iceberg's API as {@code TableCommitterOperator} writes it: the
 * checkpoint's data files in the table's data folder (referenced by no snapshot), one temporary
 * manifest of them per partition spec ({@code ManifestFiles.write(2, spec, file, 0L)}) and a file
 * of its dead letters, both in the table's metadata folder. Flink's state holds only the encoded
 * manifests and the dead-letter file's location, as this object does; {@link #restore} then commits
 * the files as a restore of that state does.
 */
final class PendingCheckpoint {
  private final String committerId;
  private final long checkpointId;
  private final List<byte[]> state;
  private final List<String> dataFiles;
  private final List<String> manifests;
  private final Optional<String> deadLetterFile;
  private final Set<Long> ids;

  private PendingCheckpoint(
      String committerId,
      long checkpointId,
      List<byte[]> state,
      List<String> dataFiles,
      List<String> manifests,
      Optional<String> deadLetterFile,
      Set<Long> ids) {
    this.committerId = committerId;
    this.checkpointId = checkpointId;
    this.state = state;
    this.dataFiles = dataFiles;
    this.manifests = manifests;
    this.deadLetterFile = deadLetterFile;
    this.ids = ids;
  }

  /**
   * A checkpoint of this loader: manifests {@code floe-pending-<committer>-<checkpoint>-<spec>-
   * <uuid>.avro}, dead letters {@code floe-dead-letters-<committer>-<checkpoint>-<uuid>.bin}.
   *
   * @param rowsBySpec the checkpoint's rows by the id of the partition spec they were written
   *     under; every row has a long {@code id}
   */
  static PendingCheckpoint write(
      Table table, long checkpointId, Map<Integer, List<Record>> rowsBySpec, boolean deadLetters) {
    String committerId = hex32();
    return write(
        table,
        committerId,
        checkpointId,
        "floe-pending-" + committerId + "-" + checkpointId + "-",
        rowsBySpec,
        deadLetters
            ? Optional.of("floe-dead-letters-" + committerId + "-" + checkpointId + "-")
            : Optional.empty());
  }

  /**
   * A checkpoint of a loader before the committer identity: manifests {@code floe-<job
   * id>-<operator id>-<checkpoint>-<spec>-<uuid>.avro}, and no dead-letter file (dead letters went
   * to Kafka in the job's own transactions).
   */
  static PendingCheckpoint writeLegacy(
      Table table, long checkpointId, Map<Integer, List<Record>> rowsBySpec) {
    String jobId = hex32();
    return write(
        table,
        jobId,
        checkpointId,
        "floe-" + jobId + "-" + hex32() + "-" + checkpointId + "-",
        rowsBySpec,
        Optional.empty());
  }

  private static PendingCheckpoint write(
      Table table,
      String committerId,
      long checkpointId,
      String manifestPrefix,
      Map<Integer, List<Record>> rowsBySpec,
      Optional<String> deadLetterPrefix) {
    List<byte[]> state = new ArrayList<>();
    List<String> dataFiles = new ArrayList<>();
    List<String> manifests = new ArrayList<>();
    Set<Long> ids = new TreeSet<>();
    try {
      for (Map.Entry<Integer, List<Record>> entry : rowsBySpec.entrySet()) {
        PartitionSpec spec = table.specs().get(entry.getKey());
        List<DataFile> files = writeDataFiles(table, spec, entry.getValue());
        files.forEach(file -> dataFiles.add(file.location()));
        entry.getValue().forEach(row -> ids.add((Long) row.getField("id")));
        OutputFile out =
            metadataFile(table, manifestPrefix + spec.specId() + "-" + UUID.randomUUID() + ".avro");
        ManifestWriter<DataFile> writer = ManifestFiles.write(2, spec, out, 0L);
        try (writer) {
          writer.addAll(files);
        }
        state.add(ManifestFiles.encode(writer.toManifestFile()));
        manifests.add(out.location());
      }
      Optional<String> deadLetterFile = Optional.empty();
      if (deadLetterPrefix.isPresent()) {
        OutputFile out = metadataFile(table, deadLetterPrefix.get() + UUID.randomUUID() + ".bin");
        try (OutputStream stream = out.createOrOverwrite()) {
          // The committer's codec is the loader's; orphan cleanup only needs the file to be there.
          stream.write("dead letters of checkpoint ".getBytes(StandardCharsets.UTF_8));
        }
        deadLetterFile = Optional.of(out.location());
      }
      return new PendingCheckpoint(
          committerId, checkpointId, state, dataFiles, manifests, deadLetterFile, ids);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Commits the checkpoint's files as a restore of its state does (the manifests decoded from the
   * state and read back), then, as the committer does once they are committed and published,
   * deletes the manifests and the dead-letter file.
   */
  void restore(Table table) {
    table.refresh();
    AppendFiles append = table.newAppend();
    try {
      for (byte[] encoded : state) {
        ManifestFile manifest = ManifestFiles.decode(encoded);
        try (ManifestReader<DataFile> reader =
            ManifestFiles.read(manifest, table.io(), table.specs())) {
          for (DataFile file : reader) {
            append.appendFile(file.copy());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    append.set("floe.committer-id", committerId);
    append.set("flink.max-committed-checkpoint-id", Long.toString(checkpointId));
    deadLetterFile.ifPresent(file -> append.set("floe.dead-letter-files", file));
    append.commit();
    deadLetterFile.ifPresent(
        file -> {
          // The dead letters are published from the file, which must still be there, then deleted.
          if (!table.io().newInputFile(file).exists()) {
            throw new IllegalStateException("the dead-letter file " + file + " is gone");
          }
          table.io().deleteFile(file);
        });
    manifests.forEach(manifest -> table.io().deleteFile(manifest));
  }

  /** Every file a restore of this checkpoint needs. */
  List<Path> files() {
    List<Path> files = new ArrayList<>(dataFiles());
    files.addAll(manifests());
    deadLetterFile.ifPresent(file -> files.add(path(file)));
    return files;
  }

  List<Path> dataFiles() {
    return dataFiles.stream().map(PendingCheckpoint::path).toList();
  }

  List<Path> manifests() {
    return manifests.stream().map(PendingCheckpoint::path).toList();
  }

  Set<Long> ids() {
    return ids;
  }

  /** One data file per partition, as the loader's writers write them. */
  private static List<DataFile> writeDataFiles(Table table, PartitionSpec spec, List<Record> rows)
      throws IOException {
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, System.nanoTime()).build();
    GenericAppenderFactory appenders = new GenericAppenderFactory(table.schema(), spec);
    InternalRecordWrapper wrapper = new InternalRecordWrapper(table.schema().asStruct());
    Map<PartitionKey, List<Record>> byPartition = new HashMap<>();
    for (Record row : rows) {
      PartitionKey key = new PartitionKey(spec, table.schema());
      key.partition(wrapper.wrap(row));
      byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    List<DataFile> written = new ArrayList<>();
    for (Map.Entry<PartitionKey, List<Record>> partition : byPartition.entrySet()) {
      DataWriter<Record> writer =
          appenders.newDataWriter(
              files.newOutputFile(spec, partition.getKey()),
              FileFormat.PARQUET,
              partition.getKey());
      try (writer) {
        partition.getValue().forEach(writer::write);
      }
      written.add(writer.toDataFile());
    }
    return written;
  }

  private static OutputFile metadataFile(Table table, String name) {
    return table
        .io()
        .newOutputFile(((HasTableOperations) table).operations().metadataFileLocation(name));
  }

  private static Path path(String location) {
    return Path.of(URI.create(location));
  }

  private static String hex32() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
