package io.floe.control.model;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.InvalidSettingsException;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.settings.TableSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Renders a pipeline spec into the loader's settings, and validates them with the loader's own
 * model, so the API accepts exactly what the loader will accept. Problems come back named by the
 * API's field, not the loader's key.
 */
public final class LoaderSettingsRenderer {
  /** Loader keys (or key prefixes ending in '.') and the API field that sets them. */
  private static final Map<String, String> FIELDS = new LinkedHashMap<>();

  static {
    FIELDS.put("pipeline.name", "name");
    FIELDS.put("source.bootstrap-servers", "source.bootstrapServers");
    FIELDS.put("source.topics", "source.topics");
    FIELDS.put("source.topic-pattern", "source.topicPattern");
    FIELDS.put("source.group-id", "source.consumerGroup");
    FIELDS.put("source.starting-offsets", "source.startingOffsets");
    FIELDS.put("source.starting-timestamp", "source.startingTimestamp");
    FIELDS.put("source.security-protocol", "source.securityProtocol");
    FIELDS.put("source.sasl-mechanism", "source.saslMechanism");
    FIELDS.put("source.credentials.username-field", "source.usernameField");
    FIELDS.put("source.credentials.password-field", "source.passwordField");
    FIELDS.put("source.credentials", "source.credentialsSecret");
    FIELDS.put(SourceSettings.KAFKA_PROPERTIES_PREFIX, "source.kafkaProperties.");
    FIELDS.put("table.catalog-name", "table.catalog");
    FIELDS.put(TableSettings.CATALOG_PREFIX, "table.catalog");
    FIELDS.put("table.namespace", "table.namespace");
    FIELDS.put("table.name", "table.name");
    FIELDS.put(TableSettings.WRITE_PREFIX, "table.writeProperties.write.");
    FIELDS.put("parse.unnest-pointer", "parsing.unnestPointer");
    FIELDS.put("parse.projections", "parsing.projections");
    FIELDS.put("parse.field-name-case", "parsing.fieldNameCase");
    FIELDS.put("parse.metadata-columns", "parsing.metadataColumns");
    FIELDS.put("parse.max-message-bytes", "parsing.maxMessageSize");
    FIELDS.put("bad-messages.policy", "badMessages.policy");
    FIELDS.put("bad-messages.dead-letter-topic", "badMessages.deadLetterTopic");
    FIELDS.put("bad-messages.transaction-timeout", "badMessages.transactionTimeout");
    FIELDS.put("job.flush-interval", "runtime.flushInterval");
    FIELDS.put("job.parallelism", "runtime.parallelism");
    FIELDS.put("job.max-parallelism", "runtime.maxParallelism");
  }

  private final Function<String, Map<String, String>> catalogs;

  /**
   * @param catalogs the Iceberg properties of a configured catalog by name; throws
   *     UnknownCatalogException for an unknown name
   */
  public LoaderSettingsRenderer(Function<String, Map<String, String>> catalogs) {
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
  }

  /**
   * The loader settings of a pipeline, validated.
   *
   * @throws InvalidPipelineException listing every problem, each with the API field to fix
   */
  public Map<String, String> render(String name, PipelineSpec spec) {
    List<FieldProblem> problems = new ArrayList<>();
    Map<String, String> settings = new TreeMap<>();
    settings.put("pipeline.name", name);
    PipelineSpec.Source source = spec.source();
    if (source == null) {
      problems.add(new FieldProblem("source", "is required"));
    } else {
      put(settings, "source.bootstrap-servers", source.bootstrapServers());
      if (source.topics() != null) {
        for (String topic : source.topics()) {
          if (topic == null || topic.isBlank() || topic.contains(",")) {
            problems.add(new FieldProblem("source.topics", "'" + topic + "' is not a topic name"));
          }
        }
        put(settings, "source.topics", String.join(",", source.topics()));
      }
      put(settings, "source.topic-pattern", source.topicPattern());
      put(settings, "source.group-id", source.consumerGroup());
      put(settings, "source.starting-offsets", source.startingOffsets());
      put(
          settings,
          "source.starting-timestamp",
          source.startingTimestamp() == null ? null : source.startingTimestamp().toString());
      put(settings, "source.security-protocol", source.securityProtocol());
      put(settings, "source.sasl-mechanism", source.saslMechanism());
      put(settings, "source.credentials", source.credentialsSecret());
      put(settings, "source.credentials.username-field", source.usernameField());
      put(settings, "source.credentials.password-field", source.passwordField());
      if (source.kafkaProperties() != null) {
        source
            .kafkaProperties()
            .forEach(
                (key, value) -> put(settings, SourceSettings.KAFKA_PROPERTIES_PREFIX + key, value));
      }
    }
    PipelineSpec.Table table = spec.table();
    if (table == null) {
      problems.add(new FieldProblem("table", "is required"));
    } else {
      String catalog = table.catalog() == null ? "default" : table.catalog();
      put(settings, "table.catalog-name", catalog);
      try {
        catalogs
            .apply(catalog)
            .forEach((key, value) -> settings.put(TableSettings.CATALOG_PREFIX + key, value));
      } catch (UnknownCatalogException e) {
        problems.add(new FieldProblem("table.catalog", e.getMessage()));
      }
      put(settings, "table.namespace", table.namespace());
      put(settings, "table.name", table.name());
      if (table.writeProperties() != null) {
        table
            .writeProperties()
            .forEach(
                (key, value) -> {
                  if (!key.startsWith("write.")) {
                    problems.add(
                        new FieldProblem(
                            "table.writeProperties." + key,
                            "is not an Iceberg write property (write.*)"));
                  } else {
                    put(settings, TableSettings.WRITE_PREFIX + key.substring(6), value);
                  }
                });
      }
    }
    PipelineSpec.Parsing parsing = spec.parsing();
    if (parsing != null) {
      put(settings, "parse.unnest-pointer", parsing.unnestPointer());
      put(
          settings,
          "parse.projections",
          pairs(parsing.projections(), "parsing.projections", problems));
      put(settings, "parse.field-name-case", parsing.fieldNameCase());
      put(
          settings,
          "parse.metadata-columns",
          pairs(parsing.metadataColumns(), "parsing.metadataColumns", problems));
      put(settings, "parse.max-message-bytes", parsing.maxMessageSize());
    }
    PipelineSpec.BadMessages badMessages = spec.badMessages();
    if (badMessages != null) {
      put(settings, "bad-messages.policy", badMessages.policy());
      put(settings, "bad-messages.dead-letter-topic", badMessages.deadLetterTopic());
      put(settings, "bad-messages.transaction-timeout", badMessages.transactionTimeout());
    }
    PipelineSpec.Runtime runtime = spec.runtime();
    if (runtime != null) {
      put(settings, "job.flush-interval", runtime.flushInterval());
      put(
          settings,
          "job.parallelism",
          runtime.parallelism() == null ? null : runtime.parallelism().toString());
      put(
          settings,
          "job.max-parallelism",
          runtime.maxParallelism() == null ? null : runtime.maxParallelism().toString());
    }
    try {
      LoaderSettings.parse(settings);
    } catch (InvalidSettingsException e) {
      for (String problem : e.problems()) {
        problems.add(toFieldProblem(problem));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidPipelineException(problems);
    }
    return settings;
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

  private static void put(Map<String, String> settings, String key, String value) {
    if (value != null && !value.isBlank()) {
      settings.put(key, value);
    }
  }

  /** "source.topics: give source.topics or ..." becomes a problem of field source.topics. */
  public static FieldProblem toFieldProblem(String loaderProblem) {
    int colon = loaderProblem.indexOf(": ");
    String key = colon < 0 ? "" : loaderProblem.substring(0, colon);
    String message = colon < 0 ? loaderProblem : loaderProblem.substring(colon + 2);
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
