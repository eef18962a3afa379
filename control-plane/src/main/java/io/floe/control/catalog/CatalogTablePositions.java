package io.floe.control.catalog;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.TableSettings;
import io.floe.loader.summary.CommitSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.springframework.stereotype.Component;

/** {@link TablePositions} in the pipeline's Iceberg table, through the configured catalogs. */
@Component
public class CatalogTablePositions implements TablePositions {
  private final Catalogs catalogs;

  public CatalogTablePositions(Catalogs catalogs) {
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
  }

  @Override
  public Map<String, Long> current(String pipeline, TableSettings table) {
    return CommitSummary.latestOffsets(summaries(load(table)), pipeline);
  }

  @Override
  public Optional<Instant> newestCommit(String pipeline, TableSettings table) {
    Table loaded;
    try {
      loaded = load(table);
    } catch (NoSuchTableException e) {
      return Optional.empty();
    }
    long newest = Long.MIN_VALUE;
    for (Snapshot snapshot : loaded.snapshots()) {
      if (pipeline.equals(snapshot.summary().get(CommitSummary.PIPELINE))) {
        newest = Math.max(newest, snapshot.timestampMillis());
      }
    }
    return newest == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(newest));
  }

  @Override
  public void move(
      String pipeline, TableSettings table, Map<String, Long> positions, String record) {
    Table loaded = load(table);
    Map<String, Long> offsets =
        new TreeMap<>(CommitSummary.latestOffsets(summaries(loaded), pipeline));
    offsets.putAll(positions);
    AppendFiles append = loaded.newAppend();
    append.set(CommitSummary.PIPELINE, pipeline);
    append.set(CommitSummary.COMMIT_KIND, CommitSummary.KIND_POSITION_MOVE);
    append.set(CommitSummary.POSITION_MOVE, record);
    append.set(CommitSummary.RECORDS_WRITTEN, "0");
    append.set(CommitSummary.RECORDS_DEAD_LETTERED, "0");
    append.set(CommitSummary.RECORDS_SKIPPED, "0");
    append.set(CommitSummary.KAFKA_OFFSETS, CommitSummary.formatOffsets(offsets));
    append.commit();
  }

  private Table load(TableSettings table) {
    return catalogs
        .catalog(table.catalogName())
        .loadTable(
            TableIdentifier.of(
                Namespace.of(table.namespace().toArray(new String[0])), table.name()));
  }

  private static List<Map<String, String>> summaries(Table table) {
    List<Map<String, String>> summaries = new ArrayList<>();
    table.snapshots().forEach(snapshot -> summaries.add(snapshot.summary()));
    return summaries;
  }
}
