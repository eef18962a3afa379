package io.floe.control.maintenance;

import io.floe.control.model.MaintenanceTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.DeleteLoader;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.PartitionUtil;

/**
 * Copies the live rows of Parquet data files (their row-level deletes applied) into new data files
 * of one partition, in the table's current schema and with its writer properties: the engine-free
 * rewrite that compaction and retention share. Each call writes one file: its callers size their
 * inputs (compaction packs bins by the files' sizes on disk, which predict the output far better
 * than the writer's in-memory estimate, about three times the compressed size for typical rows).
 */
final class FileRewriter {
  private final Table table;
  private final Schema schema;
  private final OutputFileFactory files;
  private final DeleteLoader deleteLoader;

  FileRewriter(Table table, MaintenanceTask task, Clock clock) {
    this.table = table;
    this.schema = table.schema();
    this.files =
        OutputFileFactory.builderFor(table, 0, clock.millis())
            .operationId(task.apiName() + "-" + UUID.randomUUID())
            .format(FileFormat.PARQUET)
            .build();
    this.deleteLoader =
        new SharedDeleteLoader(
            delete -> table.io().newInputFile(delete.location(), delete.fileSizeInBytes()));
  }

  /** Writes the rows of {@code sources} that {@code keep} accepts into one file, none if no row. */
  List<DataFile> rewrite(
      PartitionSpec spec,
      StructLike partition,
      List<FileScanTask> sources,
      Predicate<Record> keep) {
    GenericAppenderFactory appenders =
        new GenericAppenderFactory(table, schema, spec, table.properties(), null, null, null);
    List<DataFile> written = new ArrayList<>();
    DataWriter<Record> writer = null;
    try {
      for (FileScanTask source : sources) {
        try (CloseableIterable<Record> rows = read(source)) {
          for (Record row : rows) {
            if (!keep.test(row)) {
              continue;
            }
            if (writer == null) {
              // An unpartitioned table's files go straight into data/: the partition path of
              // an unpartitioned spec is empty, which made keys data//<file> (an encoded slash
              // in S3 request paths, which some S3-compatible servers refuse).
              writer =
                  appenders.newDataWriter(
                      spec.isUnpartitioned()
                          ? files.newOutputFile()
                          : files.newOutputFile(spec, partition),
                      FileFormat.PARQUET,
                      partition);
            }
            writer.write(row);
          }
        }
      }
      if (writer != null) {
        writer.close();
        written.add(writer.toDataFile());
      }
      return written;
    } catch (IOException e) {
      deleteQuietly(written);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      deleteQuietly(written);
      throw e;
    }
  }

  /** Deletes files this rewriter wrote that will not be committed. */
  void deleteQuietly(List<DataFile> written) {
    for (DataFile file : written) {
      try {
        table.io().deleteFile(file.location());
      } catch (RuntimeException e) {
        // An orphan at worst: orphan-file cleanup removes it once it is old enough.
      }
    }
  }

  /**
   * The task's live rows in the table's schema: its file's rows without those its position and
   * equality deletes remove (read with Iceberg's generic delete filter, which may need more columns
   * than the schema, such as the row position, dropped again here).
   */
  private CloseableIterable<Record> read(FileScanTask task) {
    if (task.deletes().isEmpty()) {
      return readFile(task, schema);
    }
    GenericDeleteFilter deletes =
        new GenericDeleteFilter(table.io(), task, schema, schema) {
          @Override
          protected DeleteLoader newDeleteLoader() {
            return deleteLoader;
          }
        };
    Schema readSchema = deletes.requiredSchema();
    CloseableIterable<Record> live = deletes.filter(readFile(task, readSchema));
    if (readSchema.sameSchema(schema)) {
      return live;
    }
    int[] positions = new int[schema.columns().size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] =
          readSchema.columns().indexOf(readSchema.findField(schema.columns().get(i).fieldId()));
    }
    return CloseableIterable.transform(
        live,
        row -> {
          Record copy = GenericRecord.create(schema);
          for (int i = 0; i < positions.length; i++) {
            copy.set(i, row.get(positions[i], Object.class));
          }
          return copy;
        });
  }

  private CloseableIterable<Record> readFile(FileScanTask task, Schema readSchema) {
    Map<Integer, ?> constants =
        PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
    Parquet.ReadBuilder read =
        Parquet.read(table.io().newInputFile(task.file().location()))
            .project(readSchema)
            .createReaderFunc(
                fileSchema -> GenericParquetReaders.buildReader(readSchema, fileSchema, constants));
    String mapping = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    if (mapping != null) {
      read.withNameMapping(NameMappingParser.fromJson(mapping));
    }
    return read.build();
  }
}
