package io.floe.loader.settings;

import static io.floe.loader.settings.SettingValues.enumValue;
import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How messages change the table: appended as rows (the default), or upserted and deleted by the
 * table's key, with the messages that delete a key (Kafka tombstones, a marker field).
 */
public final class WriteSettings {
  public static final Setting<WriteMode> MODE =
      Setting.withDefault(
          "write.mode",
          enumValue(WriteMode.class),
          "append",
          "append: every message is a new row; upsert: a message replaces the row with the same key"
              + " (the last one of a key wins within a commit, in partition order) or deletes it");
  public static final Setting<List<String>> KEY_COLUMNS =
      Setting.optional(
          "write.key-columns",
          SettingValues::list,
          "With write.mode=upsert: the key's top-level columns, comma-separated; default the"
              + " table's identifier fields, which must be these columns");
  public static final Setting<List<String>> DELETE_FIELD =
      Setting.optional(
          "write.delete-field",
          WriteSettings::fieldPath,
          "With write.mode=upsert: a JSON field path (dots between levels, from the top of the"
              + " message) whose value, when one of write.delete-values, makes the message delete"
              + " its key's row, e.g. op or __deleted");
  public static final Setting<List<String>> DELETE_VALUES =
      Setting.optional(
          "write.delete-values",
          SettingValues::list,
          "With write.delete-field: the values that mean delete, comma-separated, compared with the"
              + " field's text (a string's content, a number or true/false as written)");
  public static final Setting<Boolean> DELETE_ON_TOMBSTONE =
      Setting.withDefault(
          "write.delete-on-tombstone",
          SettingValues::bool,
          "true",
          "With write.mode=upsert: a Kafka tombstone (no value) deletes the row of its record key"
              + " (a JSON object of the key columns, or the single key column's value); false: a"
              + " tombstone is a bad message, as in append mode");

  static final List<Setting<?>> ALL =
      List.of(MODE, KEY_COLUMNS, DELETE_FIELD, DELETE_VALUES, DELETE_ON_TOMBSTONE);

  private final WriteMode mode;
  private final Optional<List<String>> keyColumns;
  private final Optional<List<String>> deleteField;
  private final List<String> deleteValues;
  private final boolean deleteOnTombstone;

  private WriteSettings(
      WriteMode mode,
      Optional<List<String>> keyColumns,
      Optional<List<String>> deleteField,
      List<String> deleteValues,
      boolean deleteOnTombstone) {
    this.mode = requireNonNull(mode, "mode is null");
    this.keyColumns = requireNonNull(keyColumns, "keyColumns is null").map(List::copyOf);
    this.deleteField = requireNonNull(deleteField, "deleteField is null").map(List::copyOf);
    this.deleteValues = List.copyOf(deleteValues);
    this.deleteOnTombstone = deleteOnTombstone;
    if (deleteField.isPresent() == deleteValues.isEmpty()) {
      throw new IllegalArgumentException("a delete field goes with its delete values");
    }
  }

  /** Appends every message: what a loader without write settings does. */
  public static WriteSettings append() {
    return new WriteSettings(
        WriteMode.APPEND, Optional.empty(), Optional.empty(), List.of(), false);
  }

  /**
   * Upserts by key.
   *
   * @param keyColumns empty: the table's identifier fields
   * @param deleteField empty: no marker field
   */
  public static WriteSettings upsert(
      Optional<List<String>> keyColumns,
      Optional<List<String>> deleteField,
      List<String> deleteValues,
      boolean deleteOnTombstone) {
    return new WriteSettings(
        WriteMode.UPSERT, keyColumns, deleteField, deleteValues, deleteOnTombstone);
  }

  static Optional<WriteSettings> read(SettingsReader reader) {
    Optional<WriteMode> mode = reader.optional(MODE);
    Optional<List<String>> keyColumns = reader.optional(KEY_COLUMNS);
    Optional<List<String>> deleteField = reader.optional(DELETE_FIELD);
    Optional<List<String>> deleteValues = reader.optional(DELETE_VALUES);
    Optional<Boolean> onTombstone = reader.optional(DELETE_ON_TOMBSTONE);
    if (mode.isEmpty() || onTombstone.isEmpty()) {
      return Optional.empty();
    }
    if (mode.get() == WriteMode.APPEND) {
      boolean problems = false;
      for (Setting<?> upsertOnly : List.of(KEY_COLUMNS, DELETE_FIELD, DELETE_VALUES)) {
        if (reader.isGiven(upsertOnly)) {
          reader.problem(upsertOnly.key(), "is only used with " + MODE.key() + "=upsert");
          problems = true;
        }
      }
      if (reader.isGiven(DELETE_ON_TOMBSTONE)) {
        reader.problem(DELETE_ON_TOMBSTONE.key(), "is only used with " + MODE.key() + "=upsert");
        problems = true;
      }
      return problems ? Optional.empty() : Optional.of(append());
    }
    if (reader.isGiven(DELETE_FIELD) != reader.isGiven(DELETE_VALUES)) {
      Setting<?> missing = reader.isGiven(DELETE_FIELD) ? DELETE_VALUES : DELETE_FIELD;
      Setting<?> given = reader.isGiven(DELETE_FIELD) ? DELETE_FIELD : DELETE_VALUES;
      reader.problem(missing.key(), "is required with " + given.key());
      return Optional.empty();
    }
    if (keyColumns.isPresent() && keyColumns.get().size() != Set.copyOf(keyColumns.get()).size()) {
      reader.problem(KEY_COLUMNS.key(), "names a column twice");
      return Optional.empty();
    }
    if ((reader.isGiven(KEY_COLUMNS) && keyColumns.isEmpty())
        || (reader.isGiven(DELETE_FIELD) && (deleteField.isEmpty() || deleteValues.isEmpty()))) {
      return Optional.empty();
    }
    return Optional.of(
        upsert(keyColumns, deleteField, deleteValues.orElse(List.of()), onTombstone.get()));
  }

  /** A dotted path of JSON field names, e.g. {@code op} or {@code meta.deleted}. */
  private static List<String> fieldPath(String value) {
    List<String> path = List.of(value.split("\\.", -1));
    if (path.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a field path (names separated by dots, e.g. op or meta.deleted)");
    }
    return path;
  }

  public WriteMode mode() {
    return mode;
  }

  public boolean upsert() {
    return mode == WriteMode.UPSERT;
  }

  /** The key columns as given; empty: the table's identifier fields. */
  public Optional<List<String>> keyColumns() {
    return keyColumns;
  }

  /** The field names from the top of the message to the delete marker; empty: no marker. */
  public Optional<List<String>> deleteField() {
    return deleteField;
  }

  /** The marker values that delete, as text; empty without a marker. */
  public List<String> deleteValues() {
    return deleteValues;
  }

  /** Whether a tombstone deletes its key's row (upsert only). */
  public boolean deleteOnTombstone() {
    return deleteOnTombstone;
  }
}
