package io.floe.control.model;

import io.floe.loader.settings.SettingValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * A pipeline's maintenance settings, parsed and validated once, with every default filled in, so
 * that the scheduler and the tasks never see a string or a null.
 */
public record MaintenancePolicy(
    Compaction compaction,
    SnapshotExpiry snapshotExpiry,
    Retention retention,
    OrphanFiles orphans) {

  /** The shortest orphan-file window: files younger than this may belong to a running commit. */
  public static final Duration MIN_ORPHAN_AGE = Duration.ofHours(1);

  private static final Duration MIN_EVERY = Duration.ofSeconds(1);

  /**
   * Compaction's settings; an empty target means the table's own target file size.
   *
   * @param minDeleteFiles compaction also runs, before its interval has passed, once the table
   *     holds at least this many delete files (an upserted table's equality and position deletes,
   *     which every read applies until compaction folds them into the data)
   */
  public record Compaction(
      boolean enabled,
      Duration every,
      OptionalLong targetFileSize,
      int minInputFiles,
      Duration lookback,
      int minDeleteFiles) {
    /** With the default delete-file trigger. */
    public Compaction(
        boolean enabled,
        Duration every,
        OptionalLong targetFileSize,
        int minInputFiles,
        Duration lookback) {
      this(enabled, every, targetFileSize, minInputFiles, lookback, DEFAULT_MIN_DELETE_FILES);
    }
  }

  /**
   * The delete files that make compaction due early: about eight minutes of an upsert loader
   * committing a delete file per partition every ten seconds, while a scan of that many small
   * delete files still costs little next to its data.
   */
  public static final int DEFAULT_MIN_DELETE_FILES = 50;

  /** Snapshot expiry's settings. */
  public record SnapshotExpiry(
      boolean enabled, Duration every, Duration olderThan, int retainLast) {}

  /** Retention's settings; off without a column. */
  public record Retention(Optional<String> column, Duration olderThan, Duration every) {
    public boolean enabled() {
      return column.isPresent();
    }
  }

  /** Orphan-file cleanup's settings. */
  public record OrphanFiles(boolean enabled, Duration every, Duration olderThan) {}

  /** Whether the task runs on its schedule for this pipeline. */
  public boolean enabled(MaintenanceTask task) {
    switch (task) {
      case COMPACTION:
        return compaction.enabled();
      case SNAPSHOT_EXPIRY:
        return snapshotExpiry.enabled();
      case RETENTION:
        return retention.enabled();
      case ORPHAN_FILES:
        return orphans.enabled();
      default:
        throw new IllegalArgumentException("unknown task " + task);
    }
  }

  /** How often the task runs. */
  public Duration every(MaintenanceTask task) {
    switch (task) {
      case COMPACTION:
        return compaction.every();
      case SNAPSHOT_EXPIRY:
        return snapshotExpiry.every();
      case RETENTION:
        return retention.every();
      case ORPHAN_FILES:
        return orphans.every();
      default:
        throw new IllegalArgumentException("unknown task " + task);
    }
  }

  /** Parses a spec's maintenance block; every problem names its field. */
  public static MaintenancePolicy of(PipelineSpec.Maintenance given) {
    Parser parser = new Parser();
    PipelineSpec.Maintenance maintenance =
        given == null ? new PipelineSpec.Maintenance(null, null, null, null) : given;
    PipelineSpec.Compaction c =
        maintenance.compaction() == null
            ? new PipelineSpec.Compaction(null, null, null, null, null)
            : maintenance.compaction();
    PipelineSpec.SnapshotExpiry s =
        maintenance.snapshotExpiry() == null
            ? new PipelineSpec.SnapshotExpiry(null, null, null, null)
            : maintenance.snapshotExpiry();
    PipelineSpec.Retention r =
        maintenance.retention() == null
            ? new PipelineSpec.Retention(null, null, null)
            : maintenance.retention();
    PipelineSpec.OrphanFiles o =
        maintenance.orphanFiles() == null
            ? new PipelineSpec.OrphanFiles(null, null, null)
            : maintenance.orphanFiles();

    String prefix = "maintenance.";
    Compaction compaction =
        new Compaction(
            c.enabled() == null || c.enabled(),
            parser.duration(prefix + "compaction.every", c.every(), "1h", MIN_EVERY),
            c.targetFileSize() == null
                ? OptionalLong.empty()
                : OptionalLong.of(
                    parser.bytes(prefix + "compaction.targetFileSize", c.targetFileSize())),
            parser.atLeast(prefix + "compaction.minInputFiles", c.minInputFiles(), 5, 2),
            parser.duration(prefix + "compaction.lookback", c.lookback(), "7d", Duration.ZERO),
            parser.atLeast(
                prefix + "compaction.minDeleteFiles",
                c.minDeleteFiles(),
                DEFAULT_MIN_DELETE_FILES,
                1));
    SnapshotExpiry expiry =
        new SnapshotExpiry(
            s.enabled() == null || s.enabled(),
            parser.duration(prefix + "snapshotExpiry.every", s.every(), "1h", MIN_EVERY),
            parser.duration(
                prefix + "snapshotExpiry.olderThan", s.olderThan(), "1d", Duration.ZERO),
            parser.atLeast(prefix + "snapshotExpiry.retainLast", s.retainLast(), 10, 1));
    Optional<String> column = Optional.ofNullable(r.column()).filter(name -> !name.isBlank());
    if (column.isEmpty() && (r.olderThan() != null || r.every() != null)) {
      parser.problem(prefix + "retention.column", "is required when retention is configured");
    }
    if (column.isPresent() && r.olderThan() == null) {
      parser.problem(prefix + "retention.olderThan", "is required when retention has a column");
    }
    Retention retention =
        new Retention(
            column,
            r.olderThan() == null
                ? Duration.ZERO
                : parser.duration(
                    prefix + "retention.olderThan", r.olderThan(), "30d", Duration.ofHours(1)),
            parser.duration(prefix + "retention.every", r.every(), "1d", MIN_EVERY));
    OrphanFiles orphans =
        new OrphanFiles(
            o.enabled() == null || o.enabled(),
            parser.duration(prefix + "orphanFiles.every", o.every(), "1d", MIN_EVERY),
            parser.duration(prefix + "orphanFiles.olderThan", o.olderThan(), "3d", MIN_ORPHAN_AGE));
    parser.throwIfAny();
    return new MaintenancePolicy(compaction, expiry, retention, orphans);
  }

  /** Collects every problem before failing, so that one response lists them all. */
  private static final class Parser {
    private final List<FieldProblem> problems = new ArrayList<>();

    Duration duration(String field, String value, String defaultValue, Duration min) {
      Duration parsed =
          parse(field, value == null ? defaultValue : value, SettingValues::duration, null);
      if (parsed == null) {
        return Duration.ZERO;
      }
      if (parsed.compareTo(min) < 0) {
        problem(field, value + " is below the minimum of " + min);
      }
      return parsed;
    }

    long bytes(String field, String value) {
      Long parsed = parse(field, value, SettingValues::bytes, null);
      if (parsed == null) {
        return 0;
      }
      if (parsed < 1024 * 1024) {
        problem(field, value + " is below the minimum of 1MiB");
      }
      return parsed;
    }

    int atLeast(String field, Integer value, int defaultValue, int min) {
      int parsed = value == null ? defaultValue : value;
      if (parsed < min) {
        problem(field, parsed + " is below the minimum of " + min);
      }
      return parsed;
    }

    <T> T parse(String field, String value, Function<String, T> parse, T fallback) {
      try {
        return parse.apply(value.trim());
      } catch (IllegalArgumentException e) {
        problem(field, e.getMessage());
        return fallback;
      }
    }

    void problem(String field, String message) {
      problems.add(new FieldProblem(field, message));
    }

    void throwIfAny() {
      if (!problems.isEmpty()) {
        throw new InvalidPipelineException(problems);
      }
    }
  }
}
