package io.floe.loader.settings;

import static io.floe.loader.settings.SettingValues.enumValue;
import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** How a Kafka message becomes a row: reshaping before parsing, and the size limit. */
public final class ParseSettings {
  private static final Pattern JSON_POINTER = Pattern.compile("(/([^~/]|~[01])*)*");

  public static final Setting<String> UNNEST_POINTER =
      Setting.optional(
          "parse.unnest-pointer",
          pointer(),
          "JSON pointer to the object that holds the row, e.g. /data for a CloudEvent");
  public static final Setting<Map<String, String>> PROJECTIONS =
      Setting.optional(
          "parse.projections",
          SettingValues::pairs,
          "column=/json/pointer pairs, comma-separated; pointers are relative to the whole message");
  public static final Setting<FieldNameCase> FIELD_NAME_CASE =
      Setting.withDefault(
          "parse.field-name-case",
          enumValue(FieldNameCase.class),
          "none",
          "Rewrites JSON field names recursively before matching columns: none, lower-underscore,"
              + " lower-camel or lower");
  public static final Setting<List<String>> METADATA_COLUMNS =
      Setting.optional(
          "parse.metadata-columns",
          SettingValues::list,
          "Kafka metadata to write, comma-separated: topic, partition, offset, timestamp, key, headers;"
              + " each optionally as field=column (default column _kafka_<field>)");
  public static final Setting<UnknownFields> UNKNOWN_FIELDS =
      Setting.withDefault(
          "parse.unknown-fields",
          enumValue(UnknownFields.class),
          "ignore",
          "A JSON field that matches no column (at any depth): ignore skips it, reject makes the"
              + " message a bad message (UNKNOWN_FIELD), add makes it a new optional column of the"
              + " type its value suggests");
  public static final Setting<Long> MAX_MESSAGE_BYTES =
      Setting.withDefault(
          "parse.max-message-bytes",
          SettingValues.bytesAtLeast(1),
          "1MiB",
          "Messages larger than this are bad messages");

  static final List<Setting<?>> ALL =
      List.of(
          UNNEST_POINTER,
          PROJECTIONS,
          FIELD_NAME_CASE,
          METADATA_COLUMNS,
          MAX_MESSAGE_BYTES,
          UNKNOWN_FIELDS);

  private final Optional<String> unnestPointer;
  private final Map<String, String> projections;
  private final FieldNameCase fieldNameCase;
  private final Map<MetadataField, String> metadataColumns;
  private final long maxMessageBytes;
  private final List<ColumnRule> rules;
  private final UnknownFields unknownFields;

  public ParseSettings(
      Optional<String> unnestPointer,
      Map<String, String> projections,
      FieldNameCase fieldNameCase,
      Map<MetadataField, String> metadataColumns,
      long maxMessageBytes) {
    this(unnestPointer, projections, fieldNameCase, metadataColumns, maxMessageBytes, List.of());
  }

  public ParseSettings(
      Optional<String> unnestPointer,
      Map<String, String> projections,
      FieldNameCase fieldNameCase,
      Map<MetadataField, String> metadataColumns,
      long maxMessageBytes,
      List<ColumnRule> rules) {
    this(
        unnestPointer,
        projections,
        fieldNameCase,
        metadataColumns,
        maxMessageBytes,
        rules,
        UnknownFields.IGNORE);
  }

  private ParseSettings(
      Optional<String> unnestPointer,
      Map<String, String> projections,
      FieldNameCase fieldNameCase,
      Map<MetadataField, String> metadataColumns,
      long maxMessageBytes,
      List<ColumnRule> rules,
      UnknownFields unknownFields) {
    this.unnestPointer = requireNonNull(unnestPointer, "unnestPointer is null");
    this.projections = Collections.unmodifiableMap(new LinkedHashMap<>(projections));
    this.fieldNameCase = requireNonNull(fieldNameCase, "fieldNameCase is null");
    this.metadataColumns = Collections.unmodifiableMap(new LinkedHashMap<>(metadataColumns));
    this.maxMessageBytes = maxMessageBytes;
    this.rules = List.copyOf(rules);
    this.unknownFields = requireNonNull(unknownFields, "unknownFields is null");
  }

  static Optional<ParseSettings> read(SettingsReader reader) {
    Optional<String> unnest = reader.optional(UNNEST_POINTER);
    Optional<Map<String, String>> projections = reader.optional(PROJECTIONS);
    Optional<FieldNameCase> nameCase = reader.optional(FIELD_NAME_CASE);
    Optional<List<String>> metadata = reader.optional(METADATA_COLUMNS);
    Optional<Long> maxBytes = reader.optional(MAX_MESSAGE_BYTES);
    Optional<UnknownFields> unknownFields = reader.optional(UNKNOWN_FIELDS);

    projections.ifPresent(
        p ->
            p.forEach(
                (column, target) -> {
                  if (!JSON_POINTER.matcher(target).matches() || target.isEmpty()) {
                    reader.problem(
                        PROJECTIONS.key(),
                        "'" + target + "' (for column " + column + ") is not a JSON pointer");
                  }
                }));
    Map<MetadataField, String> metadataColumns = metadataColumns(reader, metadata);
    List<ColumnRule> rules = ColumnRule.read(reader);

    if (nameCase.isEmpty() || maxBytes.isEmpty() || unknownFields.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ParseSettings(
            unnest,
            projections.orElse(Map.of()),
            nameCase.get(),
            metadataColumns,
            maxBytes.get(),
            rules,
            unknownFields.get()));
  }

  private static Map<MetadataField, String> metadataColumns(
      SettingsReader reader, Optional<List<String>> items) {
    Map<MetadataField, String> columns = new LinkedHashMap<>();
    for (String item : items.orElse(List.of())) {
      int eq = item.indexOf('=');
      String fieldName = eq < 0 ? item : item.substring(0, eq).trim();
      MetadataField field;
      try {
        field = enumValue(MetadataField.class).apply(fieldName);
      } catch (IllegalArgumentException e) {
        reader.problem(METADATA_COLUMNS.key(), e.getMessage());
        continue;
      }
      String column = eq < 0 ? field.defaultColumn() : item.substring(eq + 1).trim();
      if (column.isEmpty() || columns.put(field, column) != null) {
        reader.problem(
            METADATA_COLUMNS.key(), "'" + fieldName + "' is given twice or without a column");
      }
    }
    return columns;
  }

  private static java.util.function.Function<String, String> pointer() {
    return value -> {
      if (!JSON_POINTER.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "'" + value + "' is not a JSON pointer (RFC 6901), e.g. /data");
      }
      return value;
    };
  }

  public Optional<String> unnestPointer() {
    return unnestPointer;
  }

  /** Column name to JSON pointer into the original message, in the order given. */
  public Map<String, String> projections() {
    return projections;
  }

  public FieldNameCase fieldNameCase() {
    return fieldNameCase;
  }

  /** Metadata field to column name, in the order given. */
  public Map<MetadataField, String> metadataColumns() {
    return metadataColumns;
  }

  public long maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The data-quality rules a parsed row must pass, in the order of their entries. */
  public List<ColumnRule> rules() {
    return rules;
  }

  /** What a JSON field that matches no column means. */
  public UnknownFields unknownFields() {
    return unknownFields;
  }

  /** These settings with {@code unknownFields} instead. */
  public ParseSettings withUnknownFields(UnknownFields unknownFields) {
    return new ParseSettings(
        unnestPointer,
        projections,
        fieldNameCase,
        metadataColumns,
        maxMessageBytes,
        rules,
        unknownFields);
  }
}
