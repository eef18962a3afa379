package io.floe.control.model;

/**
 * The paths of the API's spec fields that problems name. Some read like loader keys ({@code
 * source.topics}, {@code table.name}) but mean the API's field, so they are built from the
 * section's name and never written as a loader key.
 */
public final class SpecFields {
  public static final String NAME = "name";

  public static final String SOURCE = "source";
  public static final String SOURCE_BOOTSTRAP_SERVERS = SOURCE + ".bootstrapServers";
  public static final String SOURCE_TOPICS = SOURCE + ".topics";
  public static final String SOURCE_TOPIC_PATTERN = SOURCE + ".topicPattern";
  public static final String SOURCE_CONSUMER_GROUP = SOURCE + ".consumerGroup";
  public static final String SOURCE_STARTING_OFFSETS = SOURCE + ".startingOffsets";
  public static final String SOURCE_STARTING_TIMESTAMP = SOURCE + ".startingTimestamp";
  public static final String SOURCE_SECURITY_PROTOCOL = SOURCE + ".securityProtocol";
  public static final String SOURCE_SASL_MECHANISM = SOURCE + ".saslMechanism";
  public static final String SOURCE_CREDENTIALS_SECRET = SOURCE + ".credentialsSecret";
  public static final String SOURCE_USERNAME_FIELD = SOURCE + ".usernameField";
  public static final String SOURCE_PASSWORD_FIELD = SOURCE + ".passwordField";
  public static final String SOURCE_KAFKA_PROPERTIES = SOURCE + ".kafkaProperties";

  public static final String TABLE = "table";
  public static final String TABLE_CATALOG = TABLE + ".catalog";
  public static final String TABLE_NAMESPACE = TABLE + ".namespace";
  public static final String TABLE_NAME = TABLE + ".name";
  public static final String TABLE_CREATE_IF_MISSING_COLUMNS = TABLE + ".createIfMissing.columns";
  public static final String TABLE_WRITE_PROPERTIES = TABLE + ".writeProperties";
  public static final String TABLE_SCHEMA_CHANGES = TABLE + ".schemaChanges";
  public static final String TABLE_RULES = TABLE + ".rules";
  public static final String TABLE_ROUTING = TABLE + ".routing";
  public static final String TABLE_WRITE = TABLE + ".write";
  public static final String TABLE_WRITE_KEY = TABLE_WRITE + ".key";

  public static final String PARSING_UNNEST_POINTER = "parsing.unnestPointer";
  public static final String PARSING_PROJECTIONS = "parsing.projections";
  public static final String PARSING_FIELD_NAME_CASE = "parsing.fieldNameCase";
  public static final String PARSING_METADATA_COLUMNS = "parsing.metadataColumns";
  public static final String PARSING_MAX_MESSAGE_SIZE = "parsing.maxMessageSize";
  public static final String PARSING_UNKNOWN_FIELDS = "parsing.unknownFields";
  public static final String PARSING_ENVELOPE = "parsing.envelope";
  public static final String PARSING_SOURCE_TIMESTAMP_COLUMN = "parsing.sourceTimestampColumn";

  public static final String BAD_MESSAGES_POLICY = "badMessages.policy";
  public static final String BAD_MESSAGES_DEAD_LETTER_TOPIC = "badMessages.deadLetterTopic";
  public static final String BAD_MESSAGES_TRANSACTION_TIMEOUT = "badMessages.transactionTimeout";

  public static final String RUNTIME_TARGET = "runtime.target";
  public static final String RUNTIME_PARALLELISM = "runtime.parallelism";
  public static final String RUNTIME_MAX_PARALLELISM = "runtime.maxParallelism";
  public static final String RUNTIME_FLUSH_INTERVAL = "runtime.flushInterval";
  public static final String RUNTIME_ARTIFACT = "runtime.artifact";

  public static final String MAINTENANCE_RETENTION_COLUMN = "maintenance.retention.column";

  private SpecFields() {}

  /** The path of a field of the rule entry at index, e.g. table.rules[1].min. */
  public static String tableRule(int index, String field) {
    return TABLE_RULES + "[" + index + "]" + (field.isEmpty() ? "" : "." + field);
  }
}
