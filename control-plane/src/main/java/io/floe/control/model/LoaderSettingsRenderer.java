package io.floe.control.model;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.BadMessageSettings;
import io.floe.loader.settings.ColumnRule;
import io.floe.loader.settings.InvalidSettingsException;
import io.floe.loader.settings.JobSettings;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.ParseSettings;
import io.floe.loader.settings.RouteSettings;
import io.floe.loader.settings.Setting;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.settings.TableSettings;
import io.floe.loader.settings.UnknownFields;
import io.floe.loader.settings.WriteSettings;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Renders a pipeline spec into the loader's settings, once per spec, and validates them with the
 * loader's own model, so the API accepts exactly what the loader will accept. Problems come back
 * named by the API's field, not the loader's key.
 */
public final class LoaderSettingsRenderer {
  /** The prefix of Iceberg's write properties, in the table's and in the API's writeProperties. */
  private static final String WRITE = "write.";

  /** Loader keys (or key prefixes ending in '.') and the API field that sets them. */
  private static final Map<String, String> FIELDS = new LinkedHashMap<>();

  static {
    field(LoaderSettings.PIPELINE_NAME, SpecFields.NAME);
    field(SourceSettings.BOOTSTRAP_SERVERS, SpecFields.SOURCE_BOOTSTRAP_SERVERS);
    field(SourceSettings.TOPICS, SpecFields.SOURCE_TOPICS);
    field(SourceSettings.TOPIC_PATTERN, SpecFields.SOURCE_TOPIC_PATTERN);
    field(SourceSettings.GROUP_ID, SpecFields.SOURCE_CONSUMER_GROUP);
    field(SourceSettings.STARTING_OFFSETS, SpecFields.SOURCE_STARTING_OFFSETS);
    field(SourceSettings.STARTING_TIMESTAMP, SpecFields.SOURCE_STARTING_TIMESTAMP);
    field(SourceSettings.SECURITY_PROTOCOL, SpecFields.SOURCE_SECURITY_PROTOCOL);
    field(SourceSettings.SASL_MECHANISM, SpecFields.SOURCE_SASL_MECHANISM);
    field(SourceSettings.USERNAME_FIELD, SpecFields.SOURCE_USERNAME_FIELD);
    field(SourceSettings.PASSWORD_FIELD, SpecFields.SOURCE_PASSWORD_FIELD);
    field(SourceSettings.CREDENTIALS, SpecFields.SOURCE_CREDENTIALS_SECRET);
    FIELDS.put(SourceSettings.KAFKA_PROPERTIES_PREFIX, SpecFields.SOURCE_KAFKA_PROPERTIES + ".");
    field(TableSettings.CATALOG_NAME, SpecFields.TABLE_CATALOG);
    FIELDS.put(TableSettings.CATALOG_PREFIX, SpecFields.TABLE_CATALOG);
    field(TableSettings.NAMESPACE, SpecFields.TABLE_NAMESPACE);
    field(TableSettings.NAME, SpecFields.TABLE_NAME);
    FIELDS.put(TableSettings.WRITE_PREFIX, SpecFields.TABLE_WRITE_PROPERTIES + "." + WRITE);
    field(ParseSettings.UNNEST_POINTER, SpecFields.PARSING_UNNEST_POINTER);
    field(ParseSettings.PROJECTIONS, SpecFields.PARSING_PROJECTIONS);
    field(ParseSettings.FIELD_NAME_CASE, SpecFields.PARSING_FIELD_NAME_CASE);
    field(ParseSettings.METADATA_COLUMNS, SpecFields.PARSING_METADATA_COLUMNS);
    field(ParseSettings.MAX_MESSAGE_BYTES, SpecFields.PARSING_MAX_MESSAGE_SIZE);
    field(ParseSettings.UNKNOWN_FIELDS, SpecFields.PARSING_UNKNOWN_FIELDS);
    field(BadMessageSettings.POLICY, SpecFields.BAD_MESSAGES_POLICY);
    field(BadMessageSettings.DEAD_LETTER_TOPIC, SpecFields.BAD_MESSAGES_DEAD_LETTER_TOPIC);
    field(BadMessageSettings.TRANSACTION_TIMEOUT, SpecFields.BAD_MESSAGES_TRANSACTION_TIMEOUT);
    field(JobSettings.FLUSH_INTERVAL, SpecFields.RUNTIME_FLUSH_INTERVAL);
    field(JobSettings.PARALLELISM, SpecFields.RUNTIME_PARALLELISM);
    field(JobSettings.MAX_PARALLELISM, SpecFields.RUNTIME_MAX_PARALLELISM);
    field(RouteSettings.TABLE_TEMPLATE, SpecFields.TABLE_ROUTING + ".template");
    field(RouteSettings.BY, SpecFields.TABLE_ROUTING + ".by");
    FIELDS.put(RouteSettings.TABLES_PREFIX, SpecFields.TABLE_ROUTING + ".tables.");
    field(RouteSettings.DEFAULT_TABLE, SpecFields.TABLE_ROUTING + ".defaultTable");
    field(RouteSettings.CREATE_TABLES, SpecFields.TABLE_ROUTING + ".createTables");
    field(WriteSettings.MODE, SpecFields.TABLE_WRITE + ".mode");
    field(WriteSettings.KEY_COLUMNS, SpecFields.TABLE_WRITE_KEY);
    field(WriteSettings.DELETE_FIELD, SpecFields.TABLE_WRITE + ".deleteField");
    field(WriteSettings.DELETE_VALUES, SpecFields.TABLE_WRITE + ".deleteValues");
    field(WriteSettings.DELETE_ON_TOMBSTONE, SpecFields.TABLE_WRITE + ".deleteOnTombstone");
    field(ParseSettings.ENVELOPE, SpecFields.PARSING_ENVELOPE);
    field(ParseSettings.ENVELOPE_TIMESTAMP_COLUMN, SpecFields.PARSING_SOURCE_TIMESTAMP_COLUMN);
  }

  private final Function<String, Map<String, String>> catalogs;

  /** The settings last rendered for each pipeline, with the spec they were rendered from. */
  private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();

  private record Rendered(PipelineSpec spec, LoaderSettings settings) {}

  /**
   * @param catalogs the Iceberg properties of a configured catalog by name; throws
   *     UnknownCatalogException for an unknown name
   */
  public LoaderSettingsRenderer(Function<String, Map<String, String>> catalogs) {
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
  }

  /**
   * The loader settings of a stored pipeline.
   *
   * @throws InvalidPipelineException when the spec no longer renders (e.g. its catalog is gone)
   */
  public LoaderSettings settings(Pipeline pipeline) {
    return settings(pipeline.name(), pipeline.spec());
  }

  /**
   * The loader settings of a pipeline as a flat map, what the runtimes submit.
   *
   * @throws InvalidPipelineException listing every problem, each with the API field to fix
   */
  public Map<String, String> render(String name, PipelineSpec spec) {
    return settings(name, spec).asMap();
  }

  /**
   * The loader settings of a pipeline, typed and validated, rendered once per spec and reused by
   * every caller until the pipeline's spec changes; {@link LoaderSettings#asMap()} is the flat map
   * the runtimes submit.
   *
   * @throws InvalidPipelineException listing every problem, each with the API field to fix
   */
  public LoaderSettings settings(String name, PipelineSpec spec) {
    Rendered last = rendered.get(name);
    if (last != null && last.spec().equals(spec)) {
      return last.settings();
    }
    LoaderSettings settings = renderNew(name, spec);
    rendered.put(name, new Rendered(spec, settings));
    return settings;
  }

  private LoaderSettings renderNew(String name, PipelineSpec spec) {
    List<FieldProblem> problems = new ArrayList<>();
    Map<String, String> settings = new TreeMap<>();
    put(settings, LoaderSettings.PIPELINE_NAME, name);
    renderSource(spec.source(), settings, problems);
    renderTable(spec.table(), settings, problems);
    PipelineSpec.Parsing parsing = spec.parsing();
    put(settings, ParseSettings.UNNEST_POINTER, parsing.unnestPointer());
    put(
        settings,
        ParseSettings.PROJECTIONS,
        pairs(parsing.projections(), SpecFields.PARSING_PROJECTIONS, problems));
    put(settings, ParseSettings.FIELD_NAME_CASE, parsing.fieldNameCase());
    put(
        settings,
        ParseSettings.METADATA_COLUMNS,
        pairs(parsing.metadataColumns(), SpecFields.PARSING_METADATA_COLUMNS, problems));
    put(settings, ParseSettings.MAX_MESSAGE_BYTES, parsing.maxMessageSize());
    put(settings, ParseSettings.UNKNOWN_FIELDS, parsing.unknownFields());
    put(settings, ParseSettings.ENVELOPE, parsing.envelope());
    put(settings, ParseSettings.ENVELOPE_TIMESTAMP_COLUMN, parsing.sourceTimestampColumn());
    if (UnknownFields.ADD.name().equalsIgnoreCase(parsing.unknownFields())
        && spec.table() != null
        && spec.table().schemaChangeMode() != SchemaChanges.LIVE) {
      problems.add(
          new FieldProblem(
              SpecFields.PARSING_UNKNOWN_FIELDS,
              "add needs table.schemaChanges live: the loader adds the columns and goes on"
                  + " writing without a restart"));
    }
    PipelineSpec.BadMessages badMessages = spec.badMessages();
    put(settings, BadMessageSettings.POLICY, badMessages.policy());
    put(settings, BadMessageSettings.DEAD_LETTER_TOPIC, badMessages.deadLetterTopic());
    put(settings, BadMessageSettings.TRANSACTION_TIMEOUT, badMessages.transactionTimeout());
    PipelineSpec.Runtime runtime = spec.runtime();
    put(settings, JobSettings.FLUSH_INTERVAL, runtime.flushInterval());
    put(settings, JobSettings.PARALLELISM, text(runtime.parallelism()));
    put(settings, JobSettings.MAX_PARALLELISM, text(runtime.maxParallelism()));
    LoaderSettings parsed = null;
    try {
      parsed = LoaderSettings.parse(settings);
    } catch (InvalidSettingsException e) {
      for (String problem : e.problems()) {
        problems.add(toFieldProblem(problem));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidPipelineException(problems);
    }
    return parsed;
  }

  private static void renderSource(
      PipelineSpec.Source source, Map<String, String> settings, List<FieldProblem> problems) {
    if (source == null) {
      problems.add(new FieldProblem(SpecFields.SOURCE, "is required"));
      return;
    }
    put(settings, SourceSettings.BOOTSTRAP_SERVERS, source.bootstrapServers());
    if (source.topics() != null) {
      for (String topic : source.topics()) {
        if (topic == null || topic.isBlank() || topic.contains(",")) {
          problems.add(
              new FieldProblem(SpecFields.SOURCE_TOPICS, "'" + topic + "' is not a topic name"));
        }
      }
      put(settings, SourceSettings.TOPICS, String.join(",", source.topics()));
    }
    put(settings, SourceSettings.TOPIC_PATTERN, source.topicPattern());
    put(settings, SourceSettings.GROUP_ID, source.consumerGroup());
    put(settings, SourceSettings.STARTING_OFFSETS, source.startingOffsets());
    put(settings, SourceSettings.STARTING_TIMESTAMP, text(source.startingTimestamp()));
    put(settings, SourceSettings.SECURITY_PROTOCOL, source.securityProtocol());
    put(settings, SourceSettings.SASL_MECHANISM, source.saslMechanism());
    put(settings, SourceSettings.CREDENTIALS, source.credentialsSecret());
    put(settings, SourceSettings.USERNAME_FIELD, source.usernameField());
    put(settings, SourceSettings.PASSWORD_FIELD, source.passwordField());
    if (source.kafkaProperties() != null) {
      source
          .kafkaProperties()
          .forEach(
              (key, value) -> put(settings, SourceSettings.KAFKA_PROPERTIES_PREFIX + key, value));
    }
  }

  private void renderTable(
      PipelineSpec.Table table, Map<String, String> settings, List<FieldProblem> problems) {
    if (table == null) {
      problems.add(new FieldProblem(SpecFields.TABLE, "is required"));
      return;
    }
    String catalog = table.catalogOrDefault();
    put(settings, TableSettings.CATALOG_NAME, catalog);
    try {
      catalogs
          .apply(catalog)
          .forEach((key, value) -> settings.put(TableSettings.CATALOG_PREFIX + key, value));
    } catch (UnknownCatalogException e) {
      problems.add(new FieldProblem(SpecFields.TABLE_CATALOG, e.getMessage()));
    }
    put(settings, TableSettings.NAMESPACE, table.namespace());
    put(settings, TableSettings.NAME, table.name());
    if (table.writeProperties() != null) {
      table
          .writeProperties()
          .forEach(
              (key, value) -> {
                if (!key.startsWith(WRITE)) {
                  problems.add(
                      new FieldProblem(
                          SpecFields.TABLE_WRITE_PROPERTIES + "." + key,
                          "is not an Iceberg write property (write.*)"));
                } else {
                  put(settings, TableSettings.WRITE_PREFIX + key.substring(WRITE.length()), value);
                }
              });
    }
    table.schemaChangesProblem().ifPresent(problems::add);
    if (table.schemaChangeMode() == SchemaChanges.LIVE) {
      put(settings, JobSettings.FOLLOW_SCHEMA_CHANGES, "true");
    }
    renderRules(table.rulesOrNone(), settings, problems);
    renderRouting(table.routing(), settings, problems);
    renderWrite(table.write(), settings, problems);
  }

  private static void renderWrite(
      PipelineSpec.Write write, Map<String, String> settings, List<FieldProblem> problems) {
    if (write == null) {
      return;
    }
    put(settings, WriteSettings.MODE, write.mode());
    put(
        settings,
        WriteSettings.KEY_COLUMNS,
        list(write.key(), SpecFields.TABLE_WRITE_KEY, problems));
    put(settings, WriteSettings.DELETE_FIELD, write.deleteField());
    put(
        settings,
        WriteSettings.DELETE_VALUES,
        list(write.deleteValues(), SpecFields.TABLE_WRITE + ".deleteValues", problems));
    if (write.deleteOnTombstone() != null) {
      put(settings, WriteSettings.DELETE_ON_TOMBSTONE, write.deleteOnTombstone().toString());
    }
  }

  /**
   * A list as the loader's comma-separated setting; an entry that is null or has a comma is a
   * problem.
   */
  private static String list(List<String> values, String field, List<FieldProblem> problems) {
    if (values == null) {
      return null;
    }
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (value == null || value.isBlank() || value.contains(",")) {
        problems.add(
            new FieldProblem(field + "[" + i + "]", "must be a non-blank name without commas"));
      }
    }
    return values.stream().filter(v -> v != null).collect(Collectors.joining(","));
  }

  private static void renderRouting(
      PipelineSpec.Routing routing, Map<String, String> settings, List<FieldProblem> problems) {
    if (routing == null) {
      return;
    }
    put(settings, RouteSettings.TABLE_TEMPLATE, routing.template());
    put(settings, RouteSettings.BY, routing.by());
    if (routing.tables() != null) {
      routing
          .tables()
          .forEach(
              (value, table) -> {
                if (table == null) {
                  problems.add(
                      new FieldProblem(SpecFields.TABLE_ROUTING + ".tables." + value, "is null"));
                } else {
                  settings.put(RouteSettings.TABLES_PREFIX + value, table);
                }
              });
    }
    put(settings, RouteSettings.DEFAULT_TABLE, routing.defaultTable());
    if (routing.createTables() != null) {
      put(settings, RouteSettings.CREATE_TABLES, routing.createTables().toString());
    }
  }

  /** Each rule entry as parse.rules.<index>.column and one key per rule it gives. */
  private static void renderRules(
      List<PipelineSpec.Rule> rules, Map<String, String> settings, List<FieldProblem> problems) {
    for (int i = 0; i < rules.size(); i++) {
      PipelineSpec.Rule rule = rules.get(i);
      if (rule == null) {
        problems.add(new FieldProblem(SpecFields.tableRule(i, ""), "is null"));
        continue;
      }
      if (rule.column() == null || rule.column().isBlank()) {
        problems.add(new FieldProblem(SpecFields.tableRule(i, ColumnRule.COLUMN), "is required"));
      }
      put(settings, ColumnRule.key(i, ColumnRule.COLUMN), rule.column());
      int given = settings.size();
      if (Boolean.TRUE.equals(rule.notNull())) {
        put(settings, ColumnRule.key(i, ColumnRule.Kind.NOT_NULL), "true");
      }
      put(settings, ColumnRule.key(i, ColumnRule.Kind.MIN), number(rule.min()));
      put(settings, ColumnRule.key(i, ColumnRule.Kind.MAX), number(rule.max()));
      put(settings, ColumnRule.key(i, ColumnRule.Kind.NOT_BEFORE), text(rule.notBefore()));
      put(settings, ColumnRule.key(i, ColumnRule.Kind.NOT_AFTER), text(rule.notAfter()));
      put(settings, ColumnRule.key(i, ColumnRule.Kind.MIN_LENGTH), text(rule.minLength()));
      put(settings, ColumnRule.key(i, ColumnRule.Kind.MAX_LENGTH), text(rule.maxLength()));
      if (rule.pattern() != null) {
        settings.put(ColumnRule.key(i, ColumnRule.Kind.PATTERN), rule.pattern());
      }
      if (rule.allowedValues() != null) {
        if (rule.allowedValues().isEmpty()
            || rule.allowedValues().stream().anyMatch(Objects::isNull)) {
          problems.add(
              new FieldProblem(
                  SpecFields.tableRule(i, ColumnRule.Kind.ALLOWED_VALUES.ruleName()),
                  "give at least one value, none null"));
        } else {
          settings.put(
              ColumnRule.key(i, ColumnRule.Kind.ALLOWED_VALUES),
              ColumnRule.encodeValues(rule.allowedValues()));
        }
      }
      if (rule.freshness() != null) {
        put(settings, ColumnRule.key(i, ColumnRule.Kind.MAX_AGE), rule.freshness().maxAge());
        put(settings, ColumnRule.key(i, ColumnRule.Kind.MAX_AHEAD), rule.freshness().maxAhead());
      }
      if (settings.size() == given && rule.allowedValues() == null) {
        problems.add(
            new FieldProblem(
                SpecFields.tableRule(i, ""),
                "gives no rule: notNull, min, max, notBefore, notAfter, minLength, maxLength,"
                    + " pattern, allowedValues or freshness"));
      }
    }
  }

  private static String number(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }

  private static String pairs(
      Map<String, String> pairs, String field, List<FieldProblem> problems) {
    if (pairs == null || pairs.isEmpty()) {
      return null;
    }
    List<String> items = new ArrayList<>();
    pairs.forEach(
        (key, value) -> {
          if (key.contains(",") || key.contains("=") || value == null || value.contains(",")) {
            problems.add(
                new FieldProblem(field + "." + key, "names and values cannot contain ',' or '='"));
          }
          items.add(key + "=" + value);
        });
    return String.join(",", items);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static void put(Map<String, String> settings, Setting<?> setting, String value) {
    put(settings, setting.key(), value);
  }

  private static void put(Map<String, String> settings, String key, String value) {
    if (value != null && !value.isBlank()) {
      settings.put(key, value);
    }
  }

  private static void field(Setting<?> setting, String apiField) {
    FIELDS.put(setting.key(), apiField);
  }

  /** "source.topics: give source.topics or ..." becomes a problem of field source.topics. */
  public static FieldProblem toFieldProblem(String loaderProblem) {
    int colon = loaderProblem.indexOf(": ");
    String key = colon < 0 ? "" : loaderProblem.substring(0, colon);
    String message = colon < 0 ? loaderProblem : loaderProblem.substring(colon + 2);
    if (key.startsWith(ColumnRule.PREFIX)) {
      return new FieldProblem(ruleField(key), message);
    }
    for (Map.Entry<String, String> field : FIELDS.entrySet()) {
      if (key.equals(field.getKey())) {
        return new FieldProblem(field.getValue(), apiMessage(message));
      }
    }
    for (Map.Entry<String, String> field : FIELDS.entrySet()) {
      if (field.getKey().endsWith(".") && key.startsWith(field.getKey())) {
        String rest = key.substring(field.getKey().length());
        String path = field.getValue().endsWith(".") ? field.getValue() + rest : field.getValue();
        return new FieldProblem(path, apiMessage(message));
      }
    }
    return new FieldProblem(key, apiMessage(message));
  }

  /** parse.rules.1.min-length becomes table.rules[1].minLength. */
  private static String ruleField(String key) {
    String rest = key.substring(ColumnRule.PREFIX.length());
    int dot = rest.indexOf('.');
    if (dot < 0) {
      return SpecFields.TABLE_RULES;
    }
    String suffix = rest.substring(dot + 1);
    String field = suffix;
    for (ColumnRule.Kind kind : ColumnRule.Kind.values()) {
      if (kind.key().equals(suffix)) {
        field = kind.ruleName();
      }
    }
    try {
      return SpecFields.tableRule(Integer.parseInt(rest.substring(0, dot)), field);
    } catch (NumberFormatException e) {
      return SpecFields.TABLE_RULES;
    }
  }

  /** Rewrites loader key names inside a message into the API's field names. */
  private static String apiMessage(String message) {
    String result = message;
    for (Map.Entry<String, String> field : FIELDS.entrySet()) {
      if (!field.getKey().endsWith(".")) {
        result = result.replace(field.getKey(), field.getValue());
      }
    }
    return result;
  }
}
