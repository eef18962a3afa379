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

  public static final Setting<Envelope> ENVELOPE =
      Setting.withDefault(
          "parse.envelope",
          enumValue(Envelope.class),
          "none",
          "none: the message is the row; debezium: a Debezium change event (JSON without schemas),"
              + " the row from after, or from before when op is d (which deletes); needs"
              + " write.mode=upsert");
  public static final Setting<String> ENVELOPE_TIMESTAMP_COLUMN =
      Setting.optional(
          "parse.envelope.source-timestamp-column",
          SettingValues::text,
          "With parse.envelope=debezium: the column (timestamp, timestamptz or long) that gets the"
              + " event's source.ts_ms, when the source committed the change");

  static final List<Setting<?>> ALL =
      List.of(
          UNNEST_POINTER,
          PROJECTIONS,
          FIELD_NAME_CASE,
          METADATA_COLUMNS,
          MAX_MESSAGE_BYTES,
          UNKNOWN_FIELDS,
          ENVELOPE,
          ENVELOPE_TIMESTAMP_COLUMN);

  private final Optional<String> unnestPointer;
  private final Map<String, String> projections;
  private final FieldNameCase fieldNameCase;
  private final Map<MetadataField, String> metadataColumns;
  private final long maxMessageBytes;
  private final List<ColumnRule> rules;
  private final UnknownFields unknownFields;
  private final Envelope envelope;
  private final Optional<String> envelopeTimestampColumn;

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
        UnknownFields.IGNORE,
        Envelope.NONE,
        Optional.empty());
  }

  private ParseSettings(
      Optional<String> unnestPointer,
      Map<String, String> projections,
      FieldNameCase fieldNameCase,
      Map<MetadataField, String> metadataColumns,
      long maxMessageBytes,
      List<ColumnRule> rules,
      UnknownFields unknownFields,
      Envelope envelope,
      Optional<String> envelopeTimestampColumn) {
    this.unnestPointer = requireNonNull(unnestPointer, "unnestPointer is null");
    this.projections = Collections.unmodifiableMap(new LinkedHashMap<>(projections));
    this.fieldNameCase = requireNonNull(fieldNameCase, "fieldNameCase is null");
    this.metadataColumns = Collections.unmodifiableMap(new LinkedHashMap<>(metadataColumns));
    this.maxMessageBytes = maxMessageBytes;
    this.rules = List.copyOf(rules);
    this.unknownFields = requireNonNull(unknownFields, "unknownFields is null");
    this.envelope = requireNonNull(envelope, "envelope is null");
    this.envelopeTimestampColumn =
        requireNonNull(envelopeTimestampColumn, "envelopeTimestampColumn is null");
    if (envelope == Envelope.NONE && envelopeTimestampColumn.isPresent()) {
      throw new IllegalArgumentException("a source timestamp column needs an envelope");
    }
    if (envelope != Envelope.NONE && unnestPointer.isPresent()) {
      throw new IllegalArgumentException("an envelope says where the row is: no unnest pointer");
    }
  }

  static Optional<ParseSettings> read(SettingsReader reader) {
    Optional<String> unnest = reader.optional(UNNEST_POINTER);
    Optional<Map<String, String>> projections = reader.optional(PROJECTIONS);
    Optional<FieldNameCase> nameCase = reader.optional(FIELD_NAME_CASE);
    Optional<List<String>> metadata = reader.optional(METADATA_COLUMNS);
    Optional<Long> maxBytes = reader.optional(MAX_MESSAGE_BYTES);
    Optional<UnknownFields> unknownFields = reader.optional(UNKNOWN_FIELDS);
    Optional<Envelope> envelope = reader.optional(ENVELOPE);
    Optional<String> timestampColumn = reader.optional(ENVELOPE_TIMESTAMP_COLUMN);
    boolean envelopeProblem = false;
    if (envelope.isPresent() && envelope.get() != Envelope.NONE && unnest.isPresent()) {
      reader.problem(
          UNNEST_POINTER.key(),
          "is not used with "
              + ENVELOPE.key()
              + "="
              + SettingValues.kebab(envelope.get())
              + ", which says where the row is");
      envelopeProblem = true;
    }
    if (timestampColumn.isPresent() && envelope.orElse(Envelope.NONE) == Envelope.NONE) {
      reader.problem(
          ENVELOPE_TIMESTAMP_COLUMN.key(), "is only used with " + ENVELOPE.key() + "=debezium");
      envelopeProblem = true;
    }

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

    if (nameCase.isEmpty()
        || maxBytes.isEmpty()
        || unknownFields.isEmpty()
        || envelope.isEmpty()
        || envelopeProblem) {
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
            unknownFields.get(),
            envelope.get(),
            timestampColumn));
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

  /** The change-stream envelope the messages come in; NONE: the message is the row. */
  public Envelope envelope() {
    return envelope;
  }

  /** With an envelope: the column that gets the change's source timestamp; empty: none. */
  public Optional<String> envelopeTimestampColumn() {
    return envelopeTimestampColumn;
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
        unknownFields,
        envelope,
        envelopeTimestampColumn);
  }

  /**
   * These settings reading messages in {@code envelope}.
   *
   * @throws IllegalArgumentException with an unnest pointer, or a timestamp column without envelope
   */
  public ParseSettings withEnvelope(Envelope envelope, Optional<String> timestampColumn) {
    return new ParseSettings(
        unnestPointer,
        projections,
        fieldNameCase,
        metadataColumns,
        maxMessageBytes,
        rules,
        unknownFields,
        envelope,
        timestampColumn);
  }

  /**
   * These settings for the row inside an envelope: the row at {@code unnest}, with the projections
   * plus {@code moreProjections}, the same rules and unknown-field handling, and no envelope.
   */
  public ParseSettings forEnvelopeRow(String unnest, Map<String, String> moreProjections) {
    Map<String, String> all = new LinkedHashMap<>(projections);
    all.putAll(moreProjections);
    return new ParseSettings(
        Optional.of(unnest),
        all,
        fieldNameCase,
        metadataColumns,
        maxMessageBytes,
        rules,
        unknownFields,
        Envelope.NONE,
        Optional.empty());
  }

  /**
   * These settings for another reading of the same message: the row at {@code unnest} (empty: the
   * whole message), with only the given projections and metadata columns, no rules, fields that
   * match no column ignored, and no envelope. The loader reads a delete's key with it.
   */
  public ParseSettings forKey(
      Optional<String> unnest,
      Map<String, String> keyProjections,
      Map<MetadataField, String> keyMetadataColumns) {
    return new ParseSettings(
        unnest,
        keyProjections,
        fieldNameCase,
        keyMetadataColumns,
        maxMessageBytes,
        List.of(),
        UnknownFields.IGNORE,
        Envelope.NONE,
        Optional.empty());
  }
}
