package io.floe.loader.settings;

import static io.floe.loader.settings.SettingValues.durationAtLeast;
import static io.floe.loader.settings.SettingValues.enumValue;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Where the loader reads: brokers, topics, consumer group, starting point and security. */
public final class SourceSettings {
  public static final Setting<String> BOOTSTRAP_SERVERS =
      Setting.optional(
          "source.bootstrap-servers",
          SettingValues::text,
          "Kafka bootstrap servers, host:port[,host:port...]");
  public static final Setting<List<String>> TOPICS =
      Setting.optional(
          "source.topics", SettingValues::list, "Topics to read, comma-separated (or a pattern)");
  public static final Setting<Pattern> TOPIC_PATTERN =
      Setting.optional(
          "source.topic-pattern",
          SettingValues::regex,
          "A Java regular expression for the topics to read (or a list of topics)");
  public static final Setting<String> GROUP_ID =
      Setting.optional(
          "source.group-id",
          SettingValues::text,
          "Consumer group that receives the committed offsets; default floe-<pipeline.name>");
  public static final Setting<StartingOffsets> STARTING_OFFSETS =
      Setting.withDefault(
          "source.starting-offsets",
          enumValue(StartingOffsets.class),
          "committed",
          "Where the pipeline starts reading a partition its table holds no commit of it for:"
              + " committed (the same as earliest; never the consumer group's offsets), earliest,"
              + " latest or timestamp. It applies once: later starts continue after the table's"
              + " offsets, and partitions created later are read from their beginning");
  public static final Setting<Instant> STARTING_TIMESTAMP =
      Setting.optional(
          "source.starting-timestamp",
          SettingValues::instant,
          "Start instant for starting-offsets=timestamp: epoch milliseconds or ISO-8601");
  public static final Setting<Duration> PARTITION_DISCOVERY_INTERVAL =
      Setting.withDefault(
          "source.partition-discovery-interval",
          durationAtLeast(Duration.ZERO),
          "60s",
          "How often new partitions and matching topics are discovered; 0 turns discovery off");
  public static final Setting<SecurityProtocol> SECURITY_PROTOCOL =
      Setting.withDefault(
          "source.security-protocol",
          enumValue(SecurityProtocol.class),
          "plaintext",
          "plaintext, ssl, sasl-plaintext or sasl-ssl");
  public static final Setting<SaslMechanism> SASL_MECHANISM =
      Setting.optional(
          "source.sasl-mechanism",
          enumValue(SaslMechanism.class),
          "plain, scram-sha-256 or scram-sha-512; required with a SASL protocol");
  public static final Setting<CredentialsReference> CREDENTIALS =
      Setting.optional(
          "source.credentials",
          CredentialsReference::parse,
          "Where the SASL username and password live: secretsmanager:<arn or name>, file:<path>"
              + " or env:<VARIABLE>; required with a SASL protocol");
  public static final Setting<String> USERNAME_FIELD =
      Setting.withDefault(
          "source.credentials.username-field",
          SettingValues::text,
          "apiKey",
          "Field of the JSON secret (or file) that holds the username");
  public static final Setting<String> PASSWORD_FIELD =
      Setting.withDefault(
          "source.credentials.password-field",
          SettingValues::text,
          "apiSecret",
          "Field of the JSON secret (or file) that holds the password");

  /** Prefix of raw Kafka client properties passed through to the consumer and producer. */
  public static final String KAFKA_PROPERTIES_PREFIX = "source.kafka.";

  /** Raw Kafka keys that have a dedicated setting, which must be used instead. */
  static final Map<String, String> KAFKA_KEYS_WITH_SETTINGS =
      Map.of(
          "bootstrap.servers", BOOTSTRAP_SERVERS.key(),
          "group.id", GROUP_ID.key(),
          "security.protocol", SECURITY_PROTOCOL.key(),
          "sasl.mechanism", SASL_MECHANISM.key(),
          "sasl.jaas.config", CREDENTIALS.key(),
          "transaction.timeout.ms", BadMessageSettings.TRANSACTION_TIMEOUT.key());

  static final List<Setting<?>> ALL =
      List.of(
          BOOTSTRAP_SERVERS,
          TOPICS,
          TOPIC_PATTERN,
          GROUP_ID,
          STARTING_OFFSETS,
          STARTING_TIMESTAMP,
          PARTITION_DISCOVERY_INTERVAL,
          SECURITY_PROTOCOL,
          SASL_MECHANISM,
          CREDENTIALS,
          USERNAME_FIELD,
          PASSWORD_FIELD);

  private final String bootstrapServers;
  private final List<String> topics;
  private final Optional<Pattern> topicPattern;
  private final String groupId;
  private final StartingOffsets startingOffsets;
  private final Optional<Instant> startingTimestamp;
  private final Duration partitionDiscoveryInterval;
  private final SecurityProtocol securityProtocol;
  private final Optional<SaslMechanism> saslMechanism;
  private final Optional<CredentialsReference> credentials;
  private final String usernameField;
  private final String passwordField;
  private final Map<String, String> kafkaProperties;

  private SourceSettings(
      String bootstrapServers,
      List<String> topics,
      Optional<Pattern> topicPattern,
      String groupId,
      StartingOffsets startingOffsets,
      Optional<Instant> startingTimestamp,
      Duration partitionDiscoveryInterval,
      SecurityProtocol securityProtocol,
      Optional<SaslMechanism> saslMechanism,
      Optional<CredentialsReference> credentials,
      String usernameField,
      String passwordField,
      Map<String, String> kafkaProperties) {
    this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
    this.topics = List.copyOf(topics);
    this.topicPattern = requireNonNull(topicPattern, "topicPattern is null");
    this.groupId = requireNonNull(groupId, "groupId is null");
    this.startingOffsets = requireNonNull(startingOffsets, "startingOffsets is null");
    this.startingTimestamp = requireNonNull(startingTimestamp, "startingTimestamp is null");
    this.partitionDiscoveryInterval =
        requireNonNull(partitionDiscoveryInterval, "partitionDiscoveryInterval is null");
    this.securityProtocol = requireNonNull(securityProtocol, "securityProtocol is null");
    this.saslMechanism = requireNonNull(saslMechanism, "saslMechanism is null");
    this.credentials = requireNonNull(credentials, "credentials is null");
    this.usernameField = requireNonNull(usernameField, "usernameField is null");
    this.passwordField = requireNonNull(passwordField, "passwordField is null");
    this.kafkaProperties = Map.copyOf(kafkaProperties);
  }

  static Optional<SourceSettings> read(SettingsReader reader, Optional<String> pipelineName) {
    Optional<String> servers = reader.required(BOOTSTRAP_SERVERS);
    Optional<List<String>> topics = reader.optional(TOPICS);
    Optional<Pattern> pattern = reader.optional(TOPIC_PATTERN);
    Optional<String> groupId = reader.optional(GROUP_ID);
    Optional<StartingOffsets> starting = reader.optional(STARTING_OFFSETS);
    Optional<Instant> timestamp = reader.optional(STARTING_TIMESTAMP);
    Optional<Duration> discovery = reader.optional(PARTITION_DISCOVERY_INTERVAL);
    Optional<SecurityProtocol> protocol = reader.optional(SECURITY_PROTOCOL);
    Optional<SaslMechanism> mechanism = reader.optional(SASL_MECHANISM);
    Optional<CredentialsReference> credentials = reader.optional(CREDENTIALS);
    Optional<String> usernameField = reader.optional(USERNAME_FIELD);
    Optional<String> passwordField = reader.optional(PASSWORD_FIELD);
    Map<String, String> kafka = reader.withPrefix(KAFKA_PROPERTIES_PREFIX);

    checkTopicsOrPattern(reader);
    checkStartingTimestamp(reader, starting, timestamp);
    checkSecurity(reader, protocol, mechanism, credentials);
    checkPassThrough(reader, kafka);

    if (servers.isEmpty()
        || (topics.isEmpty() && pattern.isEmpty())
        || starting.isEmpty()
        || discovery.isEmpty()
        || protocol.isEmpty()
        || usernameField.isEmpty()
        || passwordField.isEmpty()
        || (groupId.isEmpty() && pipelineName.isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(
        new SourceSettings(
            servers.get(),
            topics.orElse(List.of()),
            pattern,
            groupId.orElseGet(() -> "floe-" + pipelineName.get()),
            starting.get(),
            timestamp,
            discovery.get(),
            protocol.get(),
            mechanism,
            credentials,
            usernameField.get(),
            passwordField.get(),
            kafka));
  }

  private static void checkTopicsOrPattern(SettingsReader reader) {
    boolean topicsGiven = reader.isGiven(TOPICS);
    boolean patternGiven = reader.isGiven(TOPIC_PATTERN);
    if (topicsGiven && patternGiven) {
      reader.problem(
          TOPICS.key(),
          "give either " + TOPICS.key() + " or " + TOPIC_PATTERN.key() + ", not both");
    } else if (!topicsGiven && !patternGiven) {
      reader.problem(TOPICS.key(), "give " + TOPICS.key() + " or " + TOPIC_PATTERN.key());
    }
  }

  private static void checkStartingTimestamp(
      SettingsReader reader, Optional<StartingOffsets> starting, Optional<Instant> timestamp) {
    boolean wantsTimestamp = starting.filter(s -> s == StartingOffsets.TIMESTAMP).isPresent();
    if (wantsTimestamp && timestamp.isEmpty() && !reader.isGiven(STARTING_TIMESTAMP)) {
      reader.problem(
          STARTING_TIMESTAMP.key(), "is required with source.starting-offsets=timestamp");
    }
    if (!wantsTimestamp && starting.isPresent() && reader.isGiven(STARTING_TIMESTAMP)) {
      reader.problem(
          STARTING_TIMESTAMP.key(), "is only used with source.starting-offsets=timestamp");
    }
  }

  private static void checkSecurity(
      SettingsReader reader,
      Optional<SecurityProtocol> protocol,
      Optional<SaslMechanism> mechanism,
      Optional<CredentialsReference> credentials) {
    if (protocol.isEmpty()) {
      return;
    }
    if (protocol.get().usesSasl()) {
      if (mechanism.isEmpty() && !reader.isGiven(SASL_MECHANISM)) {
        reader.problem(
            SASL_MECHANISM.key(), "is required with security protocol " + protocol.get());
      }
      if (credentials.isEmpty() && !reader.isGiven(CREDENTIALS)) {
        reader.problem(CREDENTIALS.key(), "is required with security protocol " + protocol.get());
      }
    } else {
      if (reader.isGiven(SASL_MECHANISM)) {
        reader.problem(SASL_MECHANISM.key(), "is only used with a SASL security protocol");
      }
      if (reader.isGiven(CREDENTIALS)) {
        reader.problem(CREDENTIALS.key(), "is only used with a SASL security protocol");
      }
    }
  }

  private static void checkPassThrough(SettingsReader reader, Map<String, String> kafka) {
    for (String key : kafka.keySet()) {
      String dedicated = KAFKA_KEYS_WITH_SETTINGS.get(key);
      if (dedicated != null) {
        reader.problem(KAFKA_PROPERTIES_PREFIX + key, "use " + dedicated + " instead");
      }
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The topics to read; empty when a pattern is used. */
  public List<String> topics() {
    return topics;
  }

  public Optional<Pattern> topicPattern() {
    return topicPattern;
  }

  public String groupId() {
    return groupId;
  }

  public StartingOffsets startingOffsets() {
    return startingOffsets;
  }

  public Optional<Instant> startingTimestamp() {
    return startingTimestamp;
  }

  public Duration partitionDiscoveryInterval() {
    return partitionDiscoveryInterval;
  }

  public SecurityProtocol securityProtocol() {
    return securityProtocol;
  }

  public Optional<SaslMechanism> saslMechanism() {
    return saslMechanism;
  }

  public Optional<CredentialsReference> credentials() {
    return credentials;
  }

  public String usernameField() {
    return usernameField;
  }

  public String passwordField() {
    return passwordField;
  }

  /** Raw Kafka client properties given under {@code source.kafka.}, without the prefix. */
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }
}
