package io.floe.benchmarks.table;

import io.floe.loader.summary.CommitSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;

/**
 * The commits of a table in order, each with its time and the rows it added, read from the
 * snapshots alone: the loader's {@code floe.records-written} summary key, else Iceberg's {@code
 * added-records}.
 */
public final class Commits {
  private final List<Commit> commits;

  private Commits(List<Commit> commits) {
    this.commits = List.copyOf(commits);
  }

  /** One snapshot: when it was committed, the rows, data files and data bytes it added. */
  public record Commit(Instant committedAt, long records, long dataFiles, long dataBytes) {}

  /** The table's commits as of its latest metadata (the table is refreshed first). */
  public static Commits of(Table table) {
    table.refresh();
    List<Commit> commits = new ArrayList<>();
    StreamSupport.stream(table.snapshots().spliterator(), false)
        .sorted(Comparator.comparingLong(Snapshot::sequenceNumber))
        .forEach(
            snapshot ->
                commits.add(
                    new Commit(
                        Instant.ofEpochMilli(snapshot.timestampMillis()),
                        records(snapshot.summary()),
                        summaryLong(snapshot.summary(), SnapshotSummary.ADDED_FILES_PROP),
                        summaryLong(snapshot.summary(), SnapshotSummary.ADDED_FILE_SIZE_PROP))));
    return new Commits(commits);
  }

  public static Commits of(List<Commit> commits) {
    return new Commits(commits);
  }

  public List<Commit> all() {
    return commits;
  }

  /** How many commits it took to hold at least {@code records} rows; empty if not there yet. */
  public Optional<Integer> commitsToReach(long records) {
    long sum = 0;
    for (int i = 0; i < commits.size(); i++) {
      sum += commits.get(i).records();
      if (sum >= records) {
        return Optional.of(i + 1);
      }
    }
    return Optional.empty();
  }

  private static long summaryLong(Map<String, String> summary, String key) {
    return Long.parseLong(summary.getOrDefault(key, "0"));
  }

  private static long records(Map<String, String> summary) {
    String written = summary.get(CommitSummary.RECORDS_WRITTEN);
    if (written == null) {
      written = summary.getOrDefault(SnapshotSummary.ADDED_RECORDS_PROP, "0");
    }
    return Long.parseLong(written);
  }
}
