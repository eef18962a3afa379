package io.floe.loader.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LoaderSettingsTest {
  private static Map<String, String> minimal() {
    Map<String, String> settings = new HashMap<>();
    settings.put("pipeline.name", "orders");
    settings.put("source.bootstrap-servers", "localhost:9092");
    settings.put("source.topics", "orders");
    settings.put("table.catalog.type", "hadoop");
    settings.put("table.catalog.warehouse", "file:///tmp/warehouse");
    settings.put("table.namespace", "sales");
    settings.put("table.name", "orders");
    return settings;
  }

  @Test
  void defaults() {
    LoaderSettings settings = LoaderSettings.parse(minimal());

    assertThat(settings.pipelineName()).isEqualTo("orders");
    SourceSettings source = settings.source();
    assertThat(source.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(source.topics()).containsExactly("orders");
    assertThat(source.topicPattern()).isEmpty();
    assertThat(source.groupId()).isEqualTo("floe-orders");
    assertThat(source.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
    assertThat(source.startingTimestamp()).isEmpty();
    assertThat(source.partitionDiscoveryInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(source.securityProtocol()).isEqualTo(SecurityProtocol.PLAINTEXT);
    assertThat(source.saslMechanism()).isEmpty();
    assertThat(source.credentials()).isEmpty();
    assertThat(source.usernameField()).isEqualTo("apiKey");
    assertThat(source.passwordField()).isEqualTo("apiSecret");
    assertThat(source.kafkaProperties()).isEmpty();

    TableSettings table = settings.table();
    assertThat(table.catalogName()).isEqualTo("floe");
    assertThat(table.catalogProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("type", "hadoop", "warehouse", "file:///tmp/warehouse"));
    assertThat(table.namespace()).containsExactly("sales");
    assertThat(table.name()).isEqualTo("orders");
    assertThat(table.qualifiedName()).isEqualTo("sales.orders");
    assertThat(table.writeProperties()).isEmpty();

    assertThat(settings.routing()).isEmpty();

    ParseSettings parsing = settings.parsing();
    assertThat(parsing.unnestPointer()).isEmpty();
    assertThat(parsing.projections()).isEmpty();
    assertThat(parsing.fieldNameCase()).isEqualTo(FieldNameCase.NONE);
    assertThat(parsing.metadataColumns()).isEmpty();
    assertThat(parsing.maxMessageBytes()).isEqualTo(1024 * 1024);
    assertThat(parsing.unknownFields()).isEqualTo(UnknownFields.IGNORE);

    assertThat(settings.badMessages().policy()).isEqualTo(BadMessagePolicy.FAIL);
    assertThat(settings.badMessages().deadLetterTopic()).isEmpty();

    JobSettings job = settings.job();
    assertThat(job.flushInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(job.parallelism()).isEmpty();
    assertThat(job.maxParallelism()).isEqualTo(128);
    assertThat(job.restartStrategy()).isEqualTo(RestartStrategy.EXPONENTIAL_DELAY);
    assertThat(job.restartDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(job.restartMaxDelay()).isEqualTo(Duration.ofSeconds(60));
    assertThat(job.restartAttempts()).isEqualTo(10);
    assertThat(job.checkpointTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(job.followSchemaChanges()).isFalse();
  }

  @Test
  void everyKeyExplicitly() {
    Map<String, String> given = new HashMap<>();
    given.put("pipeline.name", "click-stream-2");
    given.put("source.bootstrap-servers", "b1:9096,b2:9096");
    given.put("source.topic-pattern", "clicks-.*");
    given.put("source.group-id", "loader");
    given.put("source.starting-offsets", "timestamp");
    given.put("source.starting-timestamp", "2024-05-01T00:00:00Z");
    given.put("source.partition-discovery-interval", "5m");
    given.put("source.security-protocol", "SASL_SSL");
    given.put("source.sasl-mechanism", "SCRAM-SHA-512");
    given.put("source.credentials", "secretsmanager:arn:aws:secretsmanager:eu-west-1:1:secret:k");
    given.put("source.credentials.username-field", "user");
    given.put("source.credentials.password-field", "pass");
    given.put("source.kafka.ssl.truststore.type", "PEM");
    given.put("table.catalog-name", "lake");
    given.put("table.catalog.type", "glue");
    given.put("table.catalog.warehouse", "s3://bucket/warehouse");
    given.put("table.namespace", "web.raw");
    given.put("table.name", "clicks");
    given.put("table.write.parquet.compression-codec", "zstd");
    given.put("parse.unnest-pointer", "/data");
    given.put("parse.projections", "event_type=/type, event_source=/source");
    given.put("parse.field-name-case", "lower-underscore");
    given.put("parse.metadata-columns", "topic, offset=kafka_offset");
    given.put("parse.max-message-bytes", "256KiB");
    given.put("parse.unknown-fields", "reject");
    given.put("bad-messages.policy", "dead-letter");
    given.put("bad-messages.dead-letter-topic", "clicks-dlq");
    given.put("bad-messages.transaction-timeout", "90s");
    given.put("job.flush-interval", "1s");
    given.put("job.parallelism", "4");
    given.put("job.max-parallelism", "64");
    given.put("job.restart-strategy", "fixed-delay");
    given.put("job.restart-delay", "2s");
    given.put("job.restart-max-delay", "30s");
    given.put("job.restart-attempts", "3");
    given.put("job.checkpoint-timeout", "2m");
    given.put("job.follow-schema-changes", "true");
    given.put("route.table", "clicks_${header:kind}");
    given.put("route.create-tables", "true");

    LoaderSettings settings = LoaderSettings.parse(given);

    assertThat(settings.pipelineName()).isEqualTo("click-stream-2");
    SourceSettings source = settings.source();
    assertThat(source.bootstrapServers()).isEqualTo("b1:9096,b2:9096");
    assertThat(source.topics()).isEmpty();
    assertThat(source.topicPattern().orElseThrow().pattern()).isEqualTo("clicks-.*");
    assertThat(source.groupId()).isEqualTo("loader");
    assertThat(source.startingOffsets()).isEqualTo(StartingOffsets.TIMESTAMP);
    assertThat(source.startingTimestamp()).contains(Instant.parse("2024-05-01T00:00:00Z"));
    assertThat(source.partitionDiscoveryInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(source.securityProtocol()).isEqualTo(SecurityProtocol.SASL_SSL);
    assertThat(source.saslMechanism()).contains(SaslMechanism.SCRAM_SHA_512);
    assertThat(source.credentials())
        .contains(
            new CredentialsReference(
                CredentialsReference.Kind.SECRETSMANAGER,
                "arn:aws:secretsmanager:eu-west-1:1:secret:k"));
    assertThat(source.usernameField()).isEqualTo("user");
    assertThat(source.passwordField()).isEqualTo("pass");
    assertThat(source.kafkaProperties())
        .containsExactlyEntriesOf(Map.of("ssl.truststore.type", "PEM"));

    TableSettings table = settings.table();
    assertThat(table.catalogName()).isEqualTo("lake");
    assertThat(table.namespace()).containsExactly("web", "raw");
    assertThat(table.qualifiedName()).isEqualTo("web.raw.clicks");
    assertThat(table.writeProperties())
        .containsExactlyEntriesOf(Map.of("write.parquet.compression-codec", "zstd"));

    ParseSettings parsing = settings.parsing();
    assertThat(parsing.unnestPointer()).contains("/data");
    assertThat(parsing.projections())
        .containsExactly(Map.entry("event_type", "/type"), Map.entry("event_source", "/source"));
    assertThat(parsing.fieldNameCase()).isEqualTo(FieldNameCase.LOWER_UNDERSCORE);
    assertThat(parsing.metadataColumns())
        .containsExactly(
            Map.entry(MetadataField.TOPIC, "_kafka_topic"),
            Map.entry(MetadataField.OFFSET, "kafka_offset"));
    assertThat(parsing.maxMessageBytes()).isEqualTo(256 * 1024);
    assertThat(parsing.unknownFields()).isEqualTo(UnknownFields.REJECT);

    assertThat(settings.badMessages().policy()).isEqualTo(BadMessagePolicy.DEAD_LETTER);
    assertThat(settings.badMessages().deadLetterTopic()).contains("clicks-dlq");
    assertThat(settings.badMessages().transactionTimeout()).isEqualTo(Duration.ofSeconds(90));

    JobSettings job = settings.job();
    assertThat(job.flushInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(job.parallelism()).contains(4);
    assertThat(job.maxParallelism()).isEqualTo(64);
    assertThat(job.restartStrategy()).isEqualTo(RestartStrategy.FIXED_DELAY);
    assertThat(job.restartDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(job.restartMaxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(job.restartAttempts()).isEqualTo(3);
    assertThat(job.checkpointTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(job.followSchemaChanges()).isTrue();
    RouteSettings routing = settings.routing().orElseThrow();
    assertThat(routing.source()).isEqualTo(RouteSettings.Source.HEADER);
    assertThat(routing.name()).isEqualTo("kind");
    assertThat(routing.createTables()).isTrue();
    assertThat(routing.tableFor("Page-View")).contains("clicks_page_view");

    List<String> declared =
        LoaderSettings.all().stream().map(Setting::key).collect(Collectors.toList());
    assertThat(given.keySet())
        .as("this test sets every declared key")
        .containsAll(
            declared.stream()
                // Each excludes one given above; RouteSettingsTest covers the map route,
                // WriteSettingsTest the write.* and envelope keys (upsert does not route).
                .filter(k -> !List.of("source.topics", "route.by", "route.default").contains(k))
                .filter(k -> !k.startsWith("write.") && !k.startsWith("parse.envelope"))
                .collect(Collectors.toList()));
  }

  @Test
  void everyDeclaredDefaultParses() {
    for (Setting<?> setting : LoaderSettings.all()) {
      assertThat(setting.parse(Optional.empty()).isPresent())
          .as(setting.key())
          .isEqualTo(setting.defaultText().isPresent());
      assertThat(setting.description()).as(setting.key()).isNotBlank();
    }
  }

  @Test
  void reportsEveryProblemAtOnceNamingEachKey() {
    Map<String, String> given = new HashMap<>();
    given.put("pipeline.name", "Bad Name");
    given.put("source.security-protocol", "sasl-ssl");
    given.put("source.topics", "a");
    given.put("source.topic-pattern", "b.*");
    given.put("source.kafka.sasl.jaas.config", "secret");
    given.put("table.catalog.warehouse", "/tmp");
    given.put("parse.projections", "a=no-slash");
    given.put("parse.metadata-columns", "topic,payload");
    given.put("job.flush-interval", "fast");
    given.put("job.parallelism", "0");
    given.put("bad-messages.policy", "dead-letter");
    given.put("surprise.key", "1");

    assertThatThrownBy(() -> LoaderSettings.parse(given))
        .isInstanceOfSatisfying(
            InvalidSettingsException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p).startsWith("pipeline.name: 'Bad Name' is not"))
                    .anySatisfy(
                        p -> assertThat(p).startsWith("source.bootstrap-servers: is required"))
                    .anySatisfy(p -> assertThat(p).contains("not both"))
                    .anySatisfy(p -> assertThat(p).startsWith("source.sasl-mechanism: is required"))
                    .anySatisfy(p -> assertThat(p).startsWith("source.credentials: is required"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .isEqualTo(
                                    "source.kafka.sasl.jaas.config: use source.credentials instead"))
                    .anySatisfy(p -> assertThat(p).startsWith("table.catalog.type: is required"))
                    .anySatisfy(p -> assertThat(p).startsWith("table.namespace: is required"))
                    .anySatisfy(p -> assertThat(p).startsWith("table.name: is required"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("'no-slash' (for column a) is not a JSON pointer"))
                    .anySatisfy(p -> assertThat(p).contains("'payload' is not one of"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("job.flush-interval: 'fast' is not a duration"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("job.parallelism: 0 is below the minimum of 1"))
                    .anySatisfy(
                        p ->
                            assertThat(p).startsWith("bad-messages.dead-letter-topic: is required"))
                    .anySatisfy(p -> assertThat(p).isEqualTo("surprise.key: unknown setting")))
        .hasMessageStartingWith("Invalid loader settings (");
  }

  @Test
  void deadLetterTopicImpliesThePolicyAndConflictsWithOthers() {
    Map<String, String> given = minimal();
    given.put("bad-messages.dead-letter-topic", "dlq");
    assertThat(LoaderSettings.parse(given).badMessages().policy())
        .isEqualTo(BadMessagePolicy.DEAD_LETTER);

    given.put("bad-messages.policy", "skip");
    assertThatThrownBy(() -> LoaderSettings.parse(given))
        .hasMessageContaining("bad-messages.dead-letter-topic: is only used with")
        .hasMessageContaining("not skip");
  }

  @Test
  void startingTimestampOnlyWithTimestampOffsets() {
    Map<String, String> given = minimal();
    given.put("source.starting-timestamp", "1700000000000");
    assertThatThrownBy(() -> LoaderSettings.parse(given))
        .hasMessageContaining("source.starting-timestamp: is only used with");
    given.put("source.starting-offsets", "timestamp");
    assertThat(LoaderSettings.parse(given).source().startingTimestamp())
        .contains(Instant.ofEpochMilli(1700000000000L));
  }

  @Test
  void asMapReturnsWhatWasGiven() {
    assertThat(LoaderSettings.parse(minimal()).asMap()).isEqualTo(minimal());
  }
}
