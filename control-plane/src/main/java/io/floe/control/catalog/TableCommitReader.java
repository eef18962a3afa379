package io.floe.control.catalog;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.TableSettings;
import io.floe.loader.summary.CommitSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.util.PropertyUtil;
import org.springframework.stereotype.Component;

/** Reads a pipeline's commits from its table's snapshot summaries (what the loader wrote there). */
@Component
public class TableCommitReader {
  private final Catalogs catalogs;

  public TableCommitReader(Catalogs catalogs) {
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
  }

  public Table table(TableSettings table) {
    return catalogs
        .catalog(table.catalogName())
        .loadTable(
            TableIdentifier.of(
                Namespace.of(table.namespace().toArray(new String[0])), table.name()));
  }

  /** The pipeline's commits since {@code since} (and its latest, however old), oldest first. */
  public CommitHistory read(String pipeline, TableSettings settings, Instant since) {
    Table table = table(settings);
    List<CommitHistory.Commit> commits = new ArrayList<>();
    CommitHistory.Commit latestBefore = null;
    for (Snapshot snapshot : table.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      if (!pipeline.equals(summary.get(CommitSummary.PIPELINE))) {
        continue;
      }
      CommitHistory.Commit commit =
          new CommitHistory.Commit(
              Instant.ofEpochMilli(snapshot.timestampMillis()),
              summary.get(CommitSummary.FLINK_JOB_ID),
              number(summary, CommitSummary.RECORDS_WRITTEN),
              number(summary, CommitSummary.RECORDS_DEAD_LETTERED),
              number(summary, CommitSummary.RECORDS_SKIPPED),
              number(summary, SnapshotSummary.ADDED_FILES_PROP),
              number(summary, SnapshotSummary.ADDED_FILE_SIZE_PROP),
              Optional.ofNullable(summary.get(CommitSummary.SCHEMA_ID)).map(Integer::valueOf),
              number(summary, CommitSummary.MAX_RECORD_TIMESTAMP));
      if (commit.at().isBefore(since)) {
        latestBefore = commit;
      } else {
        commits.add(commit);
      }
    }
    if (commits.isEmpty() && latestBefore != null) {
      commits.add(latestBefore);
    }
    Map<String, String> current =
        table.currentSnapshot() == null ? Map.of() : table.currentSnapshot().summary();
    return new CommitHistory(
        commits,
        number(current, SnapshotSummary.TOTAL_DATA_FILES_PROP),
        number(current, SnapshotSummary.TOTAL_FILE_SIZE_PROP),
        PropertyUtil.propertyAsLong(
            table.properties(),
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT),
        table.schema().schemaId());
  }

  private static long number(Map<String, String> summary, String key) {
    String value = summary.get(key);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
