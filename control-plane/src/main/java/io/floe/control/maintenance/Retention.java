package io.floe.control.maintenance;

import io.floe.control.model.MaintenancePolicy;
import io.floe.control.model.MaintenanceTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Projections;
import org.apache.iceberg.expressions.StrictMetricsEvaluator;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Deletes rows older than a period by an event-time column. The cutoff is aligned down to the
 * partition boundary when the table is partitioned by a time transform of that column, so that
 * whole partitions go as a metadata-only delete (no data file is read or written); data files with
 * only some old rows (an unpartitioned table, or another layout) are rewritten without them in an
 * overwrite commit. Rows without a value in the column are kept.
 */
final class Retention {
  private final Clock clock;

  Retention(Clock clock) {
    this.clock = clock;
  }

  TaskOutcome run(Table table, MaintenancePolicy.Retention settings) {
    long started = clock.millis();
    String column = settings.column().orElseThrow();
    table.refresh();
    Schema schema = table.schema();
    Types.NestedField field = schema.findField(column);
    if (field == null) {
      throw new MaintenanceFailedException(
          "retention column '" + column + "' is not in table " + table.name());
    }
    Instant cutoff =
        PartitionTimes.alignDown(
            table.spec(), field.fieldId(), clock.instant().minus(settings.olderThan()));
    // Spelled out: Iceberg's row evaluator orders nulls first, so "< cutoff" alone matches them.
    Expression older =
        Expressions.and(
            Expressions.notNull(column),
            Expressions.lessThan(column, literal(field, cutoff, table.name())));
    Snapshot start = table.currentSnapshot();

    List<DataFile> whole = new ArrayList<>();
    List<FileScanTask> partial = new ArrayList<>();
    long skippedWithDeletes = 0;
    Set<String> partitions = new TreeSet<>();
    if (start != null) {
      try (CloseableIterable<FileScanTask> tasks =
          table
              .newScan()
              .useSnapshot(start.snapshotId())
              .filter(older)
              .includeColumnStats()
              .planFiles()) {
        for (FileScanTask task : tasks) {
          DataFile file = task.file();
          PartitionSpec spec = table.specs().get(file.specId());
          if (!task.deletes().isEmpty()) {
            skippedWithDeletes++;
          } else if (new Evaluator(spec.partitionType(), Projections.strict(spec).project(older))
                  .eval(file.partition())
              || new StrictMetricsEvaluator(schema, older).eval(file)) {
            whole.add(file);
            partitions.add(spec.partitionToPath(file.partition()));
          } else if (file.format() == FileFormat.PARQUET) {
            partial.add(task);
          } else {
            skippedWithDeletes++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    long rowsDeleted = whole.stream().mapToLong(DataFile::recordCount).sum();
    List<DataFile> rewritten = new ArrayList<>();
    if (!whole.isEmpty() && partial.isEmpty()) {
      DeleteFiles delete = table.newDelete();
      whole.forEach(delete::deleteFile);
      delete
          .validateFilesExist()
          .set(Compaction.SUMMARY_TASK, MaintenanceTask.RETENTION.apiName())
          .commit();
    } else if (!partial.isEmpty()) {
      rowsDeleted += overwrite(table, start, older, whole, partial, rewritten);
    }

    long duration = clock.millis() - started;
    Map<String, Long> figures = new LinkedHashMap<>();
    figures.put("cutoffEpochMillis", cutoff.toEpochMilli());
    figures.put("rowsDeleted", rowsDeleted);
    figures.put("filesDeleted", (long) whole.size());
    figures.put("partitionsDropped", partial.isEmpty() ? (long) partitions.size() : 0L);
    figures.put("filesRewritten", (long) partial.size());
    figures.put("filesWritten", (long) rewritten.size());
    figures.put("filesSkippedWithRowDeletes", skippedWithDeletes);
    figures.put("durationMillis", duration);
    String summary =
        "retention: rows with "
            + column
            + " before "
            + cutoff
            + ": "
            + rowsDeleted
            + " deleted, "
            + whole.size()
            + " files dropped"
            + (partial.isEmpty()
                ? " (" + partitions.size() + " whole partitions, metadata only)"
                : ", " + partial.size() + " files rewritten without their old rows")
            + (skippedWithDeletes > 0
                ? ", " + skippedWithDeletes + " files with row-level deletes left alone"
                : "")
            + ", "
            + duration
            + " ms";
    return new TaskOutcome(summary, figures);
  }

  /** Drops the whole files and rewrites the partial ones in one overwrite; returns rows deleted. */
  private long overwrite(
      Table table,
      Snapshot start,
      Expression older,
      List<DataFile> whole,
      List<FileScanTask> partial,
      List<DataFile> written) {
    Schema schema = table.schema();
    Evaluator isOld = new Evaluator(schema.asStruct(), older);
    InternalRecordWrapper wrapper = new InternalRecordWrapper(schema.asStruct());
    FileRewriter rewriter = new FileRewriter(table, MaintenanceTask.RETENTION, clock);
    long rowsBefore = 0;
    try {
      for (FileScanTask task : partial) {
        DataFile file = task.file();
        rowsBefore += file.recordCount();
        written.addAll(
            rewriter.rewrite(
                table.specs().get(file.specId()),
                file.partition(),
                List.of(task),
                row -> !isOld.eval(wrapper.wrap(row))));
      }
      OverwriteFiles overwrite =
          table
              .newOverwrite()
              .validateFromSnapshot(start.snapshotId())
              .validateNoConflictingDeletes();
      whole.forEach(overwrite::deleteFile);
      partial.forEach(task -> overwrite.deleteFile(task.file()));
      written.forEach(overwrite::addFile);
      overwrite.set(Compaction.SUMMARY_TASK, MaintenanceTask.RETENTION.apiName()).commit();
    } catch (CommitStateUnknownException e) {
      throw e;
    } catch (RuntimeException e) {
      rewriter.deleteQuietly(written);
      throw e;
    }
    long rowsAfter = written.stream().mapToLong(DataFile::recordCount).sum();
    return rowsBefore - rowsAfter;
  }

  private static Object literal(Types.NestedField field, Instant cutoff, String table) {
    Type.TypeID type = field.type().typeId();
    switch (type) {
      case DATE:
        LocalDate day = cutoff.atOffset(ZoneOffset.UTC).toLocalDate();
        return (int) day.toEpochDay();
      case TIMESTAMP:
        return ChronoUnit.MICROS.between(Instant.EPOCH, cutoff);
      default:
        throw new MaintenanceFailedException(
            "retention column '"
                + field.name()
                + "' of table "
                + table
                + " is a "
                + field.type()
                + ", not a date, timestamp or timestamptz");
    }
  }
}
