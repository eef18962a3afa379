package io.floe.control.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline's commits as its table records them (oldest first), and the table's totals: what
 * health is judged on, read from the table alone.
 *
 * @param deletes the table's row-level deletes now (an upserted table's, until compaction folds
 *     them into its data)
 */
public record CommitHistory(
    List<Commit> commits,
    long tableFiles,
    long tableBytes,
    long targetFileBytes,
    int tableSchemaId,
    Deletes deletes) {
  public CommitHistory {
    commits = List.copyOf(commits);
  }

  /** A table without row-level deletes. */
  public CommitHistory(
      List<Commit> commits,
      long tableFiles,
      long tableBytes,
      long targetFileBytes,
      int tableSchemaId) {
    this(commits, tableFiles, tableBytes, targetFileBytes, tableSchemaId, Deletes.NONE);
  }

  /**
   * The table's delete files and the deletes they hold, from its current snapshot's totals.
   *
   * @param files delete files (equality and position)
   * @param equalityDeletes rows of its equality delete files (keys deleted or replaced)
   * @param positionDeletes rows of its position delete files
   */
  public record Deletes(long files, long equalityDeletes, long positionDeletes) {
    public static final Deletes NONE = new Deletes(0, 0, 0);
  }

  /** One snapshot the pipeline committed. */
  public record Commit(
      Instant at,
      String jobId,
      long records,
      long deadLettered,
      long skipped,
      long addedFiles,
      long addedBytes,
      Optional<Integer> schemaId,
      long maxRecordTimestamp,
      long ruleViolations) {
    /** A commit without rule violations (they are among deadLettered and skipped). */
    public Commit(
        Instant at,
        String jobId,
        long records,
        long deadLettered,
        long skipped,
        long addedFiles,
        long addedBytes,
        Optional<Integer> schemaId,
        long maxRecordTimestamp) {
      this(
          at,
          jobId,
          records,
          deadLettered,
          skipped,
          addedFiles,
          addedBytes,
          schemaId,
          maxRecordTimestamp,
          0);
    }
  }

  /** The same history judged against another target file size (the pipeline's compaction's). */
  public CommitHistory withTargetFileBytes(long target) {
    return new CommitHistory(commits, tableFiles, tableBytes, target, tableSchemaId, deletes);
  }

  /**
   * How the table's schema drifted from the one the run's last commit was written with, or empty:
   * when the run has not committed last, or wrote the table's current schema.
   */
  public Optional<String> schemaDrift(String runId) {
    Optional<Commit> last = last();
    if (last.isEmpty() || !runId.equals(last.get().jobId())) {
      return Optional.empty();
    }
    Optional<Integer> written = last.get().schemaId();
    if (written.isEmpty() || written.get() == tableSchemaId) {
      return Optional.empty();
    }
    return Optional.of(
        "the table's schema is now " + tableSchemaId + ", the loader writes with " + written.get());
  }

  public Optional<Commit> last() {
    return commits.isEmpty() ? Optional.empty() : Optional.of(commits.get(commits.size() - 1));
  }
}
