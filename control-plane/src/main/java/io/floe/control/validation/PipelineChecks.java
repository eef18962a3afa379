package io.floe.control.validation;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.Catalogs;
import io.floe.control.catalog.TableDefinitions;
import io.floe.control.kafka.KafkaTopics;
import io.floe.control.kafka.KafkaUnavailableException;
import io.floe.control.model.FieldProblem;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.SpecFields;
import io.floe.control.model.UnresolvablePipelineException;
import io.floe.loader.credentials.CredentialsException;
import io.floe.loader.credentials.CredentialsResolver;
import io.floe.loader.credentials.KafkaSecurityProperties;
import io.floe.loader.schema.RuleTypes;
import io.floe.loader.schema.WritableTypes;
import io.floe.loader.settings.ColumnRule;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.MetadataField;
import io.floe.loader.settings.TableDefaults;
import io.floe.loader.settings.WriteMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;
import org.springframework.stereotype.Component;

/**
 * Checks a pipeline against the real world before it is saved: the credentials reference resolves,
 * the topics exist, the parallelism fits their partitions, the table exists (or can be created) and
 * has only types the loader writes, and the columns the parsing options name exist.
 */
@Component
public class PipelineChecks {
  private final KafkaTopics kafka;
  private final Catalogs catalogs;
  private final CredentialsResolver credentials;

  public PipelineChecks(KafkaTopics kafka, Catalogs catalogs, CredentialsResolver credentials) {
    this.kafka = requireNonNull(kafka, "kafka is null");
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
    this.credentials = requireNonNull(credentials, "credentials is null");
  }

  /** What the checks found out, for the save that follows. */
  /**
   * @param identifierFieldsToSet the key of an upsert pipeline whose existing table has no
   *     identifier fields yet: set on save
   */
  public record Findings(
      int partitions,
      Optional<TableToCreate> tableToCreate,
      Optional<IdentifierFields> identifierFieldsToSet) {
    public Findings(int partitions, Optional<TableToCreate> tableToCreate) {
      this(partitions, tableToCreate, Optional.empty());
    }
  }

  /** The identifier fields an existing table gets on save: an upsert pipeline's key. */
  public record IdentifierFields(String catalog, TableIdentifier table, List<String> columns) {}

  /** A table that does not exist yet and will be created when the pipeline is saved. */
  public record TableToCreate(
      String catalog,
      TableIdentifier identifier,
      Schema schema,
      PartitionSpec spec,
      Map<String, String> properties) {}

  /**
   * @param forceParallelism accept a parallelism above the partition count
   * @throws UnresolvablePipelineException naming every field whose target is missing or wrong
   */
  public Findings check(PipelineSpec spec, LoaderSettings settings, boolean forceParallelism) {
    List<FieldProblem> problems = new ArrayList<>();
    int partitions = checkKafka(settings, problems);
    if (partitions > 0
        && settings.job().parallelism().isPresent()
        && settings.job().parallelism().get() > partitions
        && !forceParallelism) {
      problems.add(
          new FieldProblem(
              SpecFields.RUNTIME_PARALLELISM,
              settings.job().parallelism().get()
                  + " is above the "
                  + partitions
                  + " partitions of the source topics: the extra readers would sit idle (force"
                  + " it with force=true)"));
    }
    List<IdentifierFields> identifierFieldsToSet = new ArrayList<>();
    Optional<TableToCreate> toCreate =
        checkTable(spec, settings, problems, identifierFieldsToSet::add);
    if (!problems.isEmpty()) {
      throw new UnresolvablePipelineException(problems);
    }
    return new Findings(partitions, toCreate, identifierFieldsToSet.stream().findFirst());
  }

  /** The partition count of the source topics, or 0 when they cannot be checked. */
  private int checkKafka(LoaderSettings settings, List<FieldProblem> problems) {
    Properties client;
    try {
      client = new KafkaSecurityProperties(credentials).forClient(settings.source());
    } catch (CredentialsException e) {
      problems.add(new FieldProblem(SpecFields.SOURCE_CREDENTIALS_SECRET, e.getMessage()));
      return 0;
    }
    try {
      int partitions;
      if (settings.source().topicPattern().isPresent()) {
        Map<String, Integer> matching =
            kafka.partitionsMatching(client, settings.source().topicPattern().get());
        if (matching.isEmpty()) {
          problems.add(
              new FieldProblem(
                  SpecFields.SOURCE_TOPIC_PATTERN,
                  "no topic matches " + settings.source().topicPattern().get()));
        }
        partitions = matching.values().stream().mapToInt(Integer::intValue).sum();
      } else {
        Map<String, Integer> found = kafka.partitions(client, settings.source().topics());
        for (String topic : settings.source().topics()) {
          if (!found.containsKey(topic)) {
            problems.add(
                new FieldProblem(SpecFields.SOURCE_TOPICS, "topic '" + topic + "' does not exist"));
          }
        }
        partitions = found.values().stream().mapToInt(Integer::intValue).sum();
      }
      Optional<String> deadLetters = settings.badMessages().deadLetterTopic();
      if (deadLetters.isPresent()
          && !kafka.partitions(client, List.of(deadLetters.get())).containsKey(deadLetters.get())) {
        problems.add(
            new FieldProblem(
                SpecFields.BAD_MESSAGES_DEAD_LETTER_TOPIC,
                "topic '" + deadLetters.get() + "' does not exist"));
      }
      if (deadLetters.isPresent()) {
        Duration timeout = settings.badMessages().transactionTimeout();
        kafka
            .transactionMaxTimeout(client)
            .filter(max -> timeout.compareTo(max) > 0)
            .ifPresent(
                max ->
                    problems.add(
                        new FieldProblem(
                            SpecFields.BAD_MESSAGES_TRANSACTION_TIMEOUT,
                            timeout.toSeconds()
                                + " s is above the brokers' transaction.max.timeout.ms ("
                                + max.toMillis()
                                + " ms): the broker would refuse every publication of dead"
                                + " letters")));
      }
      return partitions;
    } catch (KafkaUnavailableException e) {
      problems.add(new FieldProblem(SpecFields.SOURCE_BOOTSTRAP_SERVERS, e.getMessage()));
      return 0;
    }
  }

  private Optional<TableToCreate> checkTable(
      PipelineSpec spec,
      LoaderSettings settings,
      List<FieldProblem> problems,
      Consumer<IdentifierFields> identifierFieldsToSet) {
    String catalogName = settings.table().catalogName();
    TableIdentifier identifier =
        TableIdentifier.of(
            Namespace.of(settings.table().namespace().toArray(new String[0])),
            settings.table().name());
    Catalog catalog;
    try {
      catalog = catalogs.catalog(catalogName);
    } catch (RuntimeException e) {
      problems.add(
          new FieldProblem(
              SpecFields.TABLE_CATALOG,
              "cannot open catalog '" + catalogName + "': " + e.getMessage()));
      return Optional.empty();
    }
    Schema schema;
    PartitionSpec partitionSpec;
    int formatVersion;
    Optional<TableToCreate> toCreate = Optional.empty();
    try {
      if (catalog.tableExists(identifier)) {
        Table table = catalog.loadTable(identifier);
        schema = table.schema();
        partitionSpec = table.spec();
        formatVersion = ((HasTableOperations) table).operations().current().formatVersion();
      } else if (spec.table().createIfMissing() != null) {
        PipelineSpec.TableCreation creation = spec.table().createIfMissing();
        try {
          schema = TableDefinitions.schema(creation);
          partitionSpec = TableDefinitions.partitionSpec(schema, creation.partitionBy());
          Map<String, String> properties = TableDefaults.withDefaults(creation.properties());
          formatVersion = PropertyUtil.propertyAsInt(properties, TableProperties.FORMAT_VERSION, 2);
          toCreate =
              Optional.of(
                  new TableToCreate(catalogName, identifier, schema, partitionSpec, properties));
        } catch (TableDefinitions.InvalidDefinitionException e) {
          problems.addAll(e.problems());
          return Optional.empty();
        }
      } else {
        problems.add(
            new FieldProblem(
                SpecFields.TABLE_NAME,
                "table "
                    + identifier
                    + " does not exist in catalog '"
                    + catalogName
                    + "'; create it, or give table.createIfMissing"));
        return Optional.empty();
      }
    } catch (RuntimeException e) {
      problems.add(
          new FieldProblem(
              SpecFields.TABLE_CATALOG, "catalog '" + catalogName + "' failed: " + e.getMessage()));
      return Optional.empty();
    }
    String field =
        toCreate.isPresent() ? SpecFields.TABLE_CREATE_IF_MISSING_COLUMNS : SpecFields.TABLE_NAME;
    if (settings.writing().mode() == WriteMode.UPSERT) {
      UpsertKey.Check key =
          UpsertKey.check(
              schema, partitionSpec, formatVersion, settings.writing().keyColumns(), field);
      problems.addAll(key.problems());
      if (key.identifierFieldsToSet().isPresent()) {
        List<String> columns = key.identifierFieldsToSet().get();
        if (toCreate.isPresent()) {
          TableToCreate table = toCreate.get();
          schema = UpsertKey.withIdentifier(schema, columns);
          toCreate =
              Optional.of(
                  new TableToCreate(
                      table.catalog(),
                      table.identifier(),
                      schema,
                      TableDefinitions.partitionSpec(
                          schema, spec.table().createIfMissing().partitionBy()),
                      table.properties()));
        } else {
          identifierFieldsToSet.accept(new IdentifierFields(catalogName, identifier, columns));
        }
      }
    }
    for (String problem : WritableTypes.problems(schema)) {
      problems.add(new FieldProblem(field, "column " + problem));
    }
    for (String column : settings.parsing().projections().keySet()) {
      if (schema.findField(column) == null) {
        problems.add(
            new FieldProblem(
                SpecFields.PARSING_PROJECTIONS + "." + column,
                "the table has no column " + column));
      }
    }
    for (Map.Entry<MetadataField, String> metadata :
        settings.parsing().metadataColumns().entrySet()) {
      if (schema.findField(metadata.getValue()) == null) {
        problems.add(
            new FieldProblem(
                SpecFields.PARSING_METADATA_COLUMNS + "." + metadata.getKey().name().toLowerCase(),
                "the table has no column " + metadata.getValue()));
      }
    }
    checkRetentionColumn(spec, schema, problems);
    for (RuleTypes.Problem problem : RuleTypes.problems(schema, settings.parsing().rules())) {
      boolean missing = RuleTypes.column(schema, problem.rule()) == null;
      FieldProblem found =
          new FieldProblem(
              SpecFields.tableRule(
                  problem.rule().index(),
                  missing ? ColumnRule.COLUMN : problem.rule().kind().ruleName()),
              problem.message());
      if (!problems.contains(found)) {
        problems.add(found);
      }
    }
    return toCreate;
  }

  /** Retention reads an event time: the column must exist and be a date or a timestamp. */
  private static void checkRetentionColumn(
      PipelineSpec spec, Schema schema, List<FieldProblem> problems) {
    if (spec.maintenance().retention() == null || spec.maintenance().retention().column() == null) {
      return;
    }
    String column = spec.maintenance().retention().column();
    Types.NestedField field = schema.findField(column);
    if (field == null) {
      problems.add(
          new FieldProblem(
              SpecFields.MAINTENANCE_RETENTION_COLUMN, "the table has no column " + column));
    } else if (field.type().typeId() != Type.TypeID.DATE
        && field.type().typeId() != Type.TypeID.TIMESTAMP) {
      problems.add(
          new FieldProblem(
              SpecFields.MAINTENANCE_RETENTION_COLUMN,
              "column " + column + " is a " + field.type() + ", not a date or timestamp"));
    }
  }
}
