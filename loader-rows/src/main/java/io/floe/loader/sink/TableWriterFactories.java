package io.floe.loader.sink;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.sink.RowDataTaskWriterFactory;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the loader writes a table's files, in one place for its writer and the benchmark's write
 * stage: the table's write properties overlaid with the pipeline's, the table's target file size
 * and file format.
 */
public final class TableWriterFactories {
  private static final Logger LOG = LoggerFactory.getLogger(TableWriterFactories.class);

  private TableWriterFactories() {}

  /**
   * An initialized writer factory for one subtask attempt.
   *
   * @param writeOverrides the pipeline's write properties, over the table's own
   */
  public static RowDataTaskWriterFactory create(
      Table table, Map<String, String> writeOverrides, int subtask, int attempt) {
    return create(table, writeOverrides, subtask, attempt, Set.of());
  }

  /**
   * An initialized writer factory for one subtask attempt; with key field ids, its writers upsert:
   * an INSERT row replaces its key's row (an equality delete on the key, or a position delete of
   * the key's row written earlier by the same writer, then the row), a DELETE row deletes its key.
   *
   * @param writeOverrides the pipeline's write properties, over the table's own
   * @param keyFieldIds empty: append
   */
  public static RowDataTaskWriterFactory create(
      Table table,
      Map<String, String> writeOverrides,
      int subtask,
      int attempt,
      Set<Integer> keyFieldIds) {
    Map<String, String> writeProperties = new HashMap<>(table.properties());
    writeProperties.putAll(writeOverrides);
    long targetFileSize =
        PropertyUtil.propertyAsLong(
            writeProperties,
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    FileFormat format =
        FileFormat.fromString(
            writeProperties.getOrDefault(
                TableProperties.DEFAULT_FILE_FORMAT, TableProperties.DEFAULT_FILE_FORMAT_DEFAULT));
    RowDataTaskWriterFactory factory =
        new RowDataTaskWriterFactory(
            table,
            FlinkSchemaUtil.convert(table.schema()),
            targetFileSize,
            format,
            writeProperties,
            keyFieldIds.isEmpty() ? null : List.copyOf(keyFieldIds),
            !keyFieldIds.isEmpty());
    factory.initialize(subtask, attempt);
    LOG.info(
        "Writing {}{} with schema {} ({} columns), {} files of up to {} bytes",
        table.name(),
        keyFieldIds.isEmpty() ? "" : " (upserting by the key field ids " + keyFieldIds + ")",
        table.schema().schemaId(),
        table.schema().columns().size(),
        format,
        targetFileSize);
    return factory;
  }
}
