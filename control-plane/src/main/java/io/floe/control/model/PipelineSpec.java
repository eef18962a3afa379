package io.floe.control.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a user asks for: a pipeline from Kafka topics into an Iceberg table, how to parse, where bad
 * messages go, and how to run. Never holds a secret, only references to where secrets live.
 *
 * <p>The optional sections are never null: an absent one is its {@code ABSENT} value (all
 * defaults), which is not written back, so the spec reads and writes as the user gave it. Source
 * and table are required; a spec without them is refused at save.
 */
public record PipelineSpec(
    @Schema(description = "The Kafka side: brokers, topics and how to read them (required)")
        Source source,
    @Schema(description = "The Iceberg table the rows go to (required)") Table table,
    @Schema(description = "What happens to messages that cannot become rows")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Absent.class)
        BadMessages badMessages,
    @Schema(description = "Reshaping of each message before it is parsed, and limits")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Absent.class)
        Parsing parsing,
    @Schema(description = "Where and how the loader runs")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Absent.class)
        Runtime runtime,
    @Schema(description = "When the pipeline's health turns DEGRADED or FAILING")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Absent.class)
        Health health,
    @Schema(description = "Table maintenance, each task on its own schedule")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Absent.class)
        Maintenance maintenance) {

  public PipelineSpec {
    badMessages = badMessages == null ? BadMessages.ABSENT : badMessages;
    parsing = parsing == null ? Parsing.ABSENT : parsing;
    runtime = runtime == null ? Runtime.ABSENT : runtime;
    health = health == null ? Health.ABSENT : health;
    maintenance = maintenance == null ? Maintenance.ABSENT : maintenance;
  }

  /** This spec with another runtime section. */
  public PipelineSpec withRuntime(Runtime changed) {
    return new PipelineSpec(source, table, badMessages, parsing, changed, health, maintenance);
  }

  /**
   * Leaves an absent section out of the JSON (Jackson's value filter: {@code equals} answers "leave
   * out"), so a section the user did not give is not shown as one of defaults.
   */
  public static final class Absent {
    @Override
    public boolean equals(Object value) {
      return value == null
          || value == BadMessages.ABSENT
          || value == Parsing.ABSENT
          || value == Runtime.ABSENT
          || value == Health.ABSENT
          || value == Maintenance.ABSENT;
    }

    @Override
    public int hashCode() {
      return Absent.class.hashCode();
    }
  }

  /** The Kafka side. */
  public record Source(
      @Schema(description = "Kafka bootstrap servers, host:port[,host:port...] (required)")
          String bootstrapServers,
      @Schema(description = "The topics to read; give topics or topicPattern") List<String> topics,
      @Schema(description = "A Java regular expression for the topics to read, instead of topics")
          String topicPattern,
      @Schema(
              description =
                  "The consumer group that receives the committed offsets; default"
                      + " floe-<pipeline name>")
          String consumerGroup,
      @Schema(
              description =
                  "Where a partition the table holds no commit of is first read from; it applies"
                      + " once, later starts continue after the table's offsets",
              allowableValues = {"committed", "earliest", "latest", "timestamp"},
              defaultValue = "committed")
          String startingOffsets,
      @Schema(description = "The first record time to read with startingOffsets timestamp")
          Instant startingTimestamp,
      @Schema(
              description = "How the loader connects to the brokers",
              allowableValues = {"plaintext", "ssl", "sasl-plaintext", "sasl-ssl"},
              defaultValue = "plaintext")
          String securityProtocol,
      @Schema(
              description = "The SASL mechanism; required with a SASL protocol",
              allowableValues = {"plain", "scram-sha-256", "scram-sha-512"})
          String saslMechanism,
      @Schema(
              description =
                  "Where the SASL username and password live: secretsmanager:<arn or name>,"
                      + " file:<path> or env:<VARIABLE>; required with a SASL protocol")
          String credentialsSecret,
      @Schema(
              description = "The field of the JSON secret that holds the username",
              defaultValue = "apiKey")
          String usernameField,
      @Schema(
              description = "The field of the JSON secret that holds the password",
              defaultValue = "apiSecret")
          String passwordField,
      @Schema(
              description =
                  "Kafka client properties passed to the loader's consumer and producer as they"
                      + " are (none of those that a field above sets)")
          Map<String, String> kafkaProperties) {}

  /** The Iceberg side: a table in one of the catalogs the control plane is configured with. */
  public record Table(
      @Schema(
              description = "One of the catalogs the control plane is configured with",
              defaultValue = DEFAULT_CATALOG)
          String catalog,
      @Schema(description = "The table's namespace, levels separated by dots (required)")
          String namespace,
      @Schema(description = "The table's name, without dots (required)") String name,
      @Schema(description = "The table to create when it does not exist yet; default none")
          TableCreation createIfMissing,
      @Schema(
              description =
                  "Iceberg write properties (write.*) that override the table's own for this"
                      + " loader only")
          Map<String, String> writeProperties,
      @Schema(
              description =
                  "What happens when the table's schema changes under a running loader: auto"
                      + " restarts it with its state; live has its writers follow the change at"
                      + " their next checkpoint, without a restart (a change they cannot follow is"
                      + " rolled out with a restart); manual reports \"restart needed\" in its"
                      + " health",
              allowableValues = {"auto", "live", "manual"},
              defaultValue = "auto")
          String schemaChanges,
      @Schema(
              description =
                  "Data-quality rules each row must pass once parsed; a message that breaks one"
                      + " is a bad message (error class RULE_VIOLATION, the rule and the column"
                      + " named) and goes where badMessages.policy sends bad messages; default"
                      + " none")
          @JsonInclude(JsonInclude.Include.NON_EMPTY)
          List<Rule> rules,
      @Schema(
              description =
                  "Routes each message into a table of the same namespace chosen by a value of"
                      + " the message, instead of this table, which then records where the"
                      + " pipeline has read and is the template of tables the route creates;"
                      + " default none")
          @JsonInclude(JsonInclude.Include.NON_NULL)
          Routing routing,
      @Schema(
              description =
                  "How messages change the table: appended as rows (the default), or upserted"
                      + " and deleted by the table's key")
          @JsonInclude(JsonInclude.Include.NON_NULL)
          Write write) {
    public Table(
        String catalog,
        String namespace,
        String name,
        TableCreation createIfMissing,
        Map<String, String> writeProperties,
        String schemaChanges) {
      this(catalog, namespace, name, createIfMissing, writeProperties, schemaChanges, null, null);
    }

    public Table(
        String catalog,
        String namespace,
        String name,
        TableCreation createIfMissing,
        Map<String, String> writeProperties,
        String schemaChanges,
        List<Rule> rules,
        Routing routing) {
      this(
          catalog,
          namespace,
          name,
          createIfMissing,
          writeProperties,
          schemaChanges,
          rules,
          routing,
          null);
    }

    /** Whether messages upsert and delete rows by key rather than append them. */
    public boolean upserts() {
      return write != null && "upsert".equalsIgnoreCase(write.mode());
    }

    public Table(
        String catalog,
        String namespace,
        String name,
        TableCreation createIfMissing,
        Map<String, String> writeProperties,
        String schemaChanges,
        List<Rule> rules) {
      this(catalog, namespace, name, createIfMissing, writeProperties, schemaChanges, rules, null);
    }

    /** The rules given, or none. */
    public List<Rule> rulesOrNone() {
      return rules == null ? List.of() : rules;
    }

    /** The catalog a table without one is in. */
    public static final String DEFAULT_CATALOG = "default";

    /** The catalog named, or the default one. */
    public String catalogOrDefault() {
      return catalog == null ? DEFAULT_CATALOG : catalog;
    }

    /**
     * The mode of schemaChanges: {@link SchemaChanges#AUTO} when absent (a save refuses any other
     * spelling; one stored before that check read as auto, as it always did).
     */
    public SchemaChanges schemaChangeMode() {
      return SchemaChanges.parse(schemaChanges).orElse(SchemaChanges.AUTO);
    }

    /** The problem with schemaChanges, if it names no mode. */
    public Optional<FieldProblem> schemaChangesProblem() {
      return SchemaChanges.problem(schemaChanges)
          .map(message -> new FieldProblem(SpecFields.TABLE_SCHEMA_CHANGES, message));
    }
  }

  /**
   * Which table each message goes to: a template naming the table after a value of the message, or
   * a map from values to tables with a default. The value comes from a JSON field (a dotted path,
   * or field:path), a header (header:name) or the topic (topic).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Routing(
      @Schema(
              description =
                  "A table-name template with one ${value source} between lowercase letters,"
                      + " digits and '_', e.g. events_${event_type}; the value is lowercased and"
                      + " '-' becomes '_'; give template or by",
              example = "events_${event_type}")
          String template,
      @Schema(
              description =
                  "The value source of the tables map: a JSON field path, header:<name> or"
                      + " topic; give template or by")
          String by,
      @Schema(description = "With by: the table of each value") Map<String, String> tables,
      @Schema(
              description =
                  "With by: the table of a value the map does not name; without it such a message"
                      + " is a bad message (NO_ROUTE)")
          String defaultTable,
      @Schema(
              description =
                  "true: a routed table that does not exist is created like the pipeline's table"
                      + " (schema, partitioning, properties); false: its messages are bad messages"
                      + " (NO_ROUTE)",
              defaultValue = "false")
          Boolean createTables) {}

  /**
   * How messages change the table. In upsert mode a message replaces the row with the same key (the
   * table's identifier fields, which Floe sets to the key on save when the table has none), within
   * one commit the last message of a key wins, and a Kafka tombstone or a marker field deletes it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Write(
      @Schema(
              description =
                  "append: every message is a new row; upsert: a message replaces the row with"
                      + " its key, or deletes it",
              allowableValues = {"append", "upsert"},
              defaultValue = "append")
          String mode,
      @Schema(
              description =
                  "With upsert: the key's top-level columns, required and of a type a key can"
                      + " have (not float, double or nested), including every column the table is"
                      + " partitioned by; default the table's identifier fields",
              example = "[\"order_id\"]")
          List<String> key,
      @Schema(
              description =
                  "With upsert: a JSON field path whose value, when one of deleteValues, makes the"
                      + " message delete its key's row",
              example = "op")
          String deleteField,
      @Schema(description = "With deleteField: the values that mean delete", example = "[\"d\"]")
          List<String> deleteValues,
      @Schema(
              description =
                  "With upsert: a Kafka tombstone (no value) deletes the row of its record key (a"
                      + " JSON object of the key columns, or the single key column's value)",
              defaultValue = "true")
          Boolean deleteOnTombstone) {}

  /**
   * Data-quality rules on one top-level column: every rule given must hold. A null value passes
   * every rule but notNull.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rule(
      @Schema(description = "The top-level column the rules apply to (required)") String column,
      @Schema(description = "true: the column must have a value") Boolean notNull,
      @Schema(description = "The smallest value allowed (number columns)") BigDecimal min,
      @Schema(description = "The greatest value allowed (number columns)") BigDecimal max,
      @Schema(description = "The earliest instant allowed (timestamp and timestamptz columns)")
          Instant notBefore,
      @Schema(description = "The latest instant allowed (timestamp and timestamptz columns)")
          Instant notAfter,
      @Schema(description = "The fewest characters allowed (string columns)", minimum = "0")
          Integer minLength,
      @Schema(description = "The most characters allowed (string columns)", minimum = "0")
          Integer maxLength,
      @Schema(description = "A Java regular expression the whole value must match (string columns)")
          String pattern,
      @Schema(description = "The only values allowed (string columns)") List<String> allowedValues,
      @Schema(
              description =
                  "How old or how far ahead of the loader's clock the value may be (timestamp and"
                      + " timestamptz columns)")
          Freshness freshness) {}

  /** A freshness bound on an event-time column, measured from the loader's clock. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Freshness(
      @Schema(description = "The oldest a value may be, e.g. 7d or P7D") String maxAge,
      @Schema(description = "How far in the future a value may be, e.g. 1h or PT1H")
          String maxAhead) {}

  /** The table to create when it does not exist yet. */
  public record TableCreation(
      @Schema(description = "The table's columns, in order") List<Column> columns,
      @Schema(
              description =
                  "Iceberg partition transforms: a column, or identity(c), year(c), month(c),"
                      + " day(c), hour(c), bucket(n, c), truncate(n, c); default unpartitioned")
          List<String> partitionBy,
      @Schema(
              description =
                  "Iceberg table properties; they override the loader's defaults for new tables")
          Map<String, String> properties) {}

  /** One column; types as Iceberg writes them: long, decimal(18,4), list<string>, struct<a:int>. */
  public record Column(
      @Schema(description = "The column's name") String name,
      @Schema(
              description =
                  "An Iceberg type: boolean, int, long, float, double, decimal(p,s), date, time,"
                      + " timestamp, timestamptz, string, uuid, binary, list<t>, map<k,v>,"
                      + " struct<a:t,...>")
          String type,
      @Schema(description = "Whether every row must have a value", defaultValue = "false")
          Boolean required,
      @Schema(description = "The column's documentation") String doc) {}

  /** What happens to messages that cannot become rows. */
  public record BadMessages(
      @Schema(
              description =
                  "What the loader does with a message it cannot turn into a row; default"
                      + " dead-letter with a deadLetterTopic, else fail",
              allowableValues = {"fail", "skip", "dead-letter"})
          String policy,
      @Schema(
              description =
                  "The topic for bad messages, with their key, value and headers and the reason;"
                      + " default none")
          String deadLetterTopic,
      @Schema(
              description =
                  "How long publishing one commit's dead letters may take (the producer's"
                      + " transaction timeout); at most the brokers' transaction.max.timeout.ms",
              defaultValue = "60s")
          String transactionTimeout) {
    /** No section given: every field its default. */
    static final BadMessages ABSENT = new BadMessages(null, null, null);

    public BadMessages(String policy, String deadLetterTopic) {
      this(policy, deadLetterTopic, null);
    }
  }

  /** Reshaping before parsing, and limits. */
  public record Parsing(
      @Schema(
              description =
                  "A JSON pointer to the object that holds the row, e.g. /data for a CloudEvent;"
                      + " default the whole message")
          String unnestPointer,
      @Schema(
              description =
                  "Columns read from a JSON pointer into the whole message, by column name;"
                      + " default none")
          Map<String, String> projections,
      @Schema(
              description = "How JSON field names are rewritten before they are matched to columns",
              allowableValues = {"none", "lower-underscore", "lower-camel", "lower"},
              defaultValue = "none")
          String fieldNameCase,
      @Schema(
              description =
                  "Kafka metadata to write, the column by field (topic, partition, offset,"
                      + " timestamp, key, headers: a map<string, string> or map<string, binary>"
                      + " column); default none")
          Map<String, String> metadataColumns,
      @Schema(description = "Messages larger than this are bad messages", defaultValue = "1MiB")
          String maxMessageSize,
      @Schema(
              description =
                  "A JSON field that matches no column, at any depth: ignore skips it; reject makes"
                      + " the message a bad message (UNKNOWN_FIELD), so that nothing a producer sends"
                      + " is dropped unseen and a redrive loads it once the column exists; add makes"
                      + " it a new optional column of the type its value suggests (string, long,"
                      + " double, boolean, struct, list), added by the loader, which goes on without"
                      + " a restart (needs table.schemaChanges live)",
              allowableValues = {"ignore", "reject", "add"},
              defaultValue = "ignore")
          String unknownFields,
      @Schema(
              description =
                  "none: the message is the row; debezium: a Debezium change event (JSON without"
                      + " schemas), the row from after, or from before when op is d, which deletes"
                      + " it (needs table.write.mode upsert)",
              allowableValues = {"none", "debezium"},
              defaultValue = "none")
          String envelope,
      @Schema(
              description =
                  "With the debezium envelope: the column (timestamp, timestamptz or long) that"
                      + " gets the event's source.ts_ms; default none")
          String sourceTimestampColumn) {
    /** No section given: every field its default. */
    static final Parsing ABSENT = new Parsing(null, null, null, null, null, null);

    public Parsing(
        String unnestPointer,
        Map<String, String> projections,
        String fieldNameCase,
        Map<String, String> metadataColumns,
        String maxMessageSize,
        String unknownFields) {
      this(
          unnestPointer,
          projections,
          fieldNameCase,
          metadataColumns,
          maxMessageSize,
          unknownFields,
          null,
          null);
    }
  }

  /** When the pipeline's health turns DEGRADED or FAILING; every field has a default. */
  // The ratios' defaults are in their descriptions: springdoc serves a Double default as a string.
  public record Health(
      @Schema(
              description = "No commit for this many flush intervals while data waits: DEGRADED",
              defaultValue = "3")
          Integer lateAfterIntervals,
      @Schema(
              description = "No commit for this many flush intervals while data waits: FAILING",
              defaultValue = "10")
          Integer failingAfterIntervals,
      @Schema(
              description =
                  "Dead letters above this share of the messages: DEGRADED (default 0.01)")
          Double deadLetterRatio,
      @Schema(
              description =
                  "An average data file below this share of the target size, with more than 100"
                      + " files: DEGRADED (default 0.1)")
          Double smallFileRatio,
      @Schema(description = "This many restarts within the window: FAILING", defaultValue = "3")
          Integer restartLoop) {
    /** No section given: every field its default. */
    static final Health ABSENT = new Health(null, null, null, null, null);
  }

  /** Where and how the loader runs. */
  public record Runtime(
      @Schema(
              description =
                  "Where the loader runs: one of the runtimes this control plane configures;"
                      + " default its floe.runtime.default-target",
              allowableValues = {
                RuntimeTargets.LOCAL,
                RuntimeTargets.FLINK_CLUSTER,
                RuntimeTargets.MANAGED_FLINK
              })
          String target,
      @Schema(
              description = "The loader's parallelism; at most the topics' partition count",
              defaultValue = "1",
              minimum = "1")
          Integer parallelism,
      @Schema(
              description =
                  "The upper bound for rescaling with state restored; fixed for the life of the"
                      + " pipeline",
              defaultValue = "128",
              minimum = "1")
          Integer maxParallelism,
      @Schema(
              description =
                  "The checkpoint interval, and so how often rows are committed to the table",
              defaultValue = "60s")
          String flushInterval,
      @Schema(
              description =
                  "The loader artifact to deploy (an uploaded artifact's sha256 or id; managed-flink"
                      + " only): changing it restarts the loader with its state; default the"
                      + " control plane's own")
          String artifact) {
    /** The parallelism of a spec that gives none. */
    public static final int DEFAULT_PARALLELISM = 1;

    /** No section given: every field its default. */
    static final Runtime ABSENT = new Runtime(null, null, null, null, null);

    public Runtime(
        String target, Integer parallelism, Integer maxParallelism, String flushInterval) {
      this(target, parallelism, maxParallelism, flushInterval, null);
    }

    /** The target named; empty means the control plane's default target. */
    public Optional<String> targetName() {
      return Optional.ofNullable(target);
    }

    /** The parallelism given, or {@link #DEFAULT_PARALLELISM}. */
    public int parallelismOrDefault() {
      return parallelism == null ? DEFAULT_PARALLELISM : parallelism;
    }

    /** The artifact the spec pins, if any. */
    public Optional<String> artifactPin() {
      return Optional.ofNullable(artifact);
    }

    /** This section with another parallelism. */
    public Runtime withParallelism(int changed) {
      return new Runtime(target, changed, maxParallelism, flushInterval, artifact);
    }
  }

  /**
   * Table maintenance, each task on its own schedule; every field has a default (see
   * docs/maintenance.md).
   */
  public record Maintenance(
      @Schema(description = "Rewrites small data files into files near the target size")
          Compaction compaction,
      @Schema(description = "Expires old snapshots") SnapshotExpiry snapshotExpiry,
      @Schema(description = "Deletes rows older than a period; off unless a column is named")
          Retention retention,
      @Schema(description = "Deletes files under the table's location that no snapshot references")
          OrphanFiles orphanFiles) {
    /** No section given: every task its defaults. */
    static final Maintenance ABSENT = new Maintenance(null, null, null, null);
  }

  /** Rewrites small data files into files near the target size, newest partitions first. */
  public record Compaction(
      @Schema(description = "Whether compaction runs", defaultValue = "true") Boolean enabled,
      @Schema(description = "How often it runs", defaultValue = "1h") String every,
      @Schema(
              description =
                  "The size of the files it writes; default the table's"
                      + " write.target-file-size-bytes")
          String targetFileSize,
      @Schema(
              description = "A partition is rewritten once it has this many small files",
              defaultValue = "5")
          Integer minInputFiles,
      @Schema(
              description = "Only partitions of a time-partitioned table this recent (0: all)",
              defaultValue = "7d")
          String lookback,
      @Schema(
              description =
                  "An upserting pipeline's table is compacted, its deletes folded into its data"
                      + " files, as soon as it holds this many delete files, whatever every says",
              defaultValue = "50")
          Integer minDeleteFiles) {
    public Compaction(
        Boolean enabled,
        String every,
        String targetFileSize,
        Integer minInputFiles,
        String lookback) {
      this(enabled, every, targetFileSize, minInputFiles, lookback, null);
    }
  }

  /** Expires old snapshots, never the newest loader commit of a pipeline (its restart needs it). */
  public record SnapshotExpiry(
      @Schema(description = "Whether snapshot expiry runs", defaultValue = "true") Boolean enabled,
      @Schema(description = "How often it runs", defaultValue = "1h") String every,
      @Schema(description = "Snapshots older than this may go", defaultValue = "1d")
          String olderThan,
      @Schema(description = "At least this many of the newest snapshots stay", defaultValue = "10")
          Integer retainLast) {}

  /** Deletes rows older than a period by an event-time column; off unless a column is named. */
  public record Retention(
      @Schema(description = "A date, timestamp or timestamptz column; default none (off)")
          String column,
      @Schema(
              description =
                  "Rows whose column is older than this go, e.g. 30d; required with column")
          String olderThan,
      @Schema(description = "How often it runs", defaultValue = "1d") String every) {}

  /** Deletes files under the table's location that no snapshot references. */
  public record OrphanFiles(
      @Schema(description = "Whether orphan-file cleanup runs", defaultValue = "true")
          Boolean enabled,
      @Schema(description = "How often it runs", defaultValue = "1d") String every,
      @Schema(
              description = "Only files older than this (the safety window); at least 1h",
              defaultValue = "3d")
          String olderThan) {}
}
