package io.floe.control.catalog;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.RouteSettings;
import io.floe.loader.settings.TableSettings;
import io.floe.loader.summary.CommitSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.util.PropertyUtil;
import org.springframework.stereotype.Component;

/**
 * {@link Tables} and {@link TablePositions} in the pipeline's Iceberg table, through the configured
 * catalogs: the one place a table is loaded for a pipeline; commits are read from the snapshot
 * summaries the loader writes. The commit reads of health and the schema check share one table per
 * identifier, refreshed at most every {@code floe.tables.refresh-interval}: a refresh asks the
 * catalog for the metadata location and reads the metadata file only when that changed.
 */
@Component
public class CatalogTables implements Tables, TablePositions {
  private final Catalogs catalogs;
  private final Clock clock;
  private final Duration refreshInterval;
  private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

  /** A table kept for reading, and when it was last refreshed (guarded by itself). */
  private static final class Cached {
    private Table table;
    private Instant refreshedAt;
  }

  public CatalogTables(Catalogs catalogs, Clock clock, TableReadProperties properties) {
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.refreshInterval = requireNonNull(properties, "properties is null").refreshInterval();
  }

  @Override
  public Table load(TableSettings table) {
    // Whoever loads a table may change it: the next read asks the catalog again.
    cache.remove(key(table));
    return catalogs.catalog(table.catalogName()).loadTable(identifier(table));
  }

  /**
   * The table's metadata as of at most {@code floe.tables.refresh-interval} ago: one immutable
   * version, so that every figure read from it agrees.
   */
  private TableMetadata read(TableSettings settings) {
    Key key = key(settings);
    Cached cached = cache.computeIfAbsent(key, k -> new Cached());
    synchronized (cached) {
      Instant now = clock.instant();
      try {
        if (cached.table == null) {
          cached.table = catalogs.catalog(settings.catalogName()).loadTable(identifier(settings));
          cached.refreshedAt = now;
        } else if (!now.isBefore(cached.refreshedAt.plus(refreshInterval))) {
          cached.table.refresh();
          cached.refreshedAt = now;
        }
      } catch (RuntimeException e) {
        cache.remove(key, cached);
        throw e;
      }
      return ((HasTableOperations) cached.table).operations().current();
    }
  }

  private static TableIdentifier identifier(TableSettings table) {
    return TableIdentifier.of(Namespace.of(table.namespace().toArray(new String[0])), table.name());
  }

  private static Key key(TableSettings table) {
    return new Key(table.catalogName(), identifier(table));
  }

  private record Key(String catalog, TableIdentifier table) {}

  @Override
  public List<TableSettings> routedTables(TableSettings table, RouteSettings route) {
    Namespace namespace = Namespace.of(table.namespace().toArray(new String[0]));
    return catalogs.catalog(table.catalogName()).listTables(namespace).stream()
        .map(TableIdentifier::name)
        .filter(name -> !name.equals(table.name()) && route.canName(name))
        .sorted()
        .map(table::withName)
        .toList();
  }

  @Override
  public Schema schema(TableSettings table) {
    return load(table).schema();
  }

  @Override
  public CommitHistory commits(String pipeline, TableSettings settings, Instant since) {
    TableMetadata table = read(settings);
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
              // A routed pipeline's own table counts the rows of its routed tables too.
              number(summary, CommitSummary.RECORDS_WRITTEN)
                  + number(summary, CommitSummary.RECORDS_ROUTED),
              number(summary, CommitSummary.RECORDS_DEAD_LETTERED),
              number(summary, CommitSummary.RECORDS_SKIPPED),
              number(summary, SnapshotSummary.ADDED_FILES_PROP),
              number(summary, SnapshotSummary.ADDED_FILE_SIZE_PROP),
              Optional.ofNullable(summary.get(CommitSummary.SCHEMA_ID)).map(Integer::valueOf),
              number(summary, CommitSummary.MAX_RECORD_TIMESTAMP),
              number(summary, CommitSummary.RECORDS_RULE_VIOLATIONS));
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
        table.schema().schemaId(),
        new CommitHistory.Deletes(
            number(current, SnapshotSummary.TOTAL_DELETE_FILES_PROP),
            number(current, SnapshotSummary.TOTAL_EQ_DELETES_PROP),
            number(current, SnapshotSummary.TOTAL_POS_DELETES_PROP)));
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

  private static List<Map<String, String>> summaries(Table table) {
    List<Map<String, String>> summaries = new ArrayList<>();
    table.snapshots().forEach(snapshot -> summaries.add(snapshot.summary()));
    return summaries;
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
