package io.floe.loader.settings;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The loader's whole configuration: one typed, validated model read from key/value settings
 * (command-line arguments, a properties file, or Managed Flink property groups). The control plane
 * builds the same key/value map and validates it with this class, so both sides agree on every key.
 */
public final class LoaderSettings {
  /** Pipeline names: lowercase letters, digits and hyphens, starting with a letter. */
  public static final Pattern PIPELINE_NAME_PATTERN =
      Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  public static final Setting<String> PIPELINE_NAME =
      Setting.optional(
          "pipeline.name",
          SettingValues.matching(
              PIPELINE_NAME_PATTERN,
              "a pipeline name (1-63 lowercase letters, digits and hyphens, starting with a letter)"),
          "The pipeline's name; recorded in every snapshot the loader commits");

  private final Map<String, String> raw;
  private final String pipelineName;
  private final SourceSettings source;
  private final TableSettings table;
  private final ParseSettings parsing;
  private final BadMessageSettings badMessages;
  private final JobSettings job;
  private final Optional<RouteSettings> routing;

  private LoaderSettings(
      Map<String, String> raw,
      String pipelineName,
      SourceSettings source,
      TableSettings table,
      ParseSettings parsing,
      BadMessageSettings badMessages,
      JobSettings job,
      Optional<RouteSettings> routing) {
    this.raw = Collections.unmodifiableMap(new TreeMap<>(raw));
    this.pipelineName = requireNonNull(pipelineName, "pipelineName is null");
    this.source = requireNonNull(source, "source is null");
    this.table = requireNonNull(table, "table is null");
    this.parsing = requireNonNull(parsing, "parsing is null");
    this.badMessages = requireNonNull(badMessages, "badMessages is null");
    this.job = requireNonNull(job, "job is null");
    this.routing = requireNonNull(routing, "routing is null");
  }

  /**
   * Reads and validates settings.
   *
   * @throws InvalidSettingsException listing every problem, each naming its key
   */
  public static LoaderSettings parse(Map<String, String> settings) {
    SettingsReader reader = new SettingsReader(settings);
    Optional<String> name = reader.required(PIPELINE_NAME);
    Optional<SourceSettings> source = SourceSettings.read(reader, name);
    Optional<TableSettings> table = TableSettings.read(reader);
    Optional<ParseSettings> parsing = ParseSettings.read(reader);
    Optional<BadMessageSettings> badMessages = BadMessageSettings.read(reader);
    Optional<JobSettings> job = JobSettings.read(reader);
    Optional<RouteSettings> routing = RouteSettings.read(reader);
    reader.finish();
    return new LoaderSettings(
        settings,
        name.orElseThrow(),
        source.orElseThrow(),
        table.orElseThrow(),
        parsing.orElseThrow(),
        badMessages.orElseThrow(),
        job.orElseThrow(),
        routing);
  }

  /** Every declared setting, in documentation order. Prefixed pass-through keys are not listed. */
  public static List<Setting<?>> all() {
    List<Setting<?>> all = new ArrayList<>();
    all.add(PIPELINE_NAME);
    all.addAll(SourceSettings.ALL);
    all.addAll(TableSettings.ALL);
    all.addAll(ParseSettings.ALL);
    all.addAll(BadMessageSettings.ALL);
    all.addAll(JobSettings.ALL);
    all.addAll(RouteSettings.ALL);
    return Collections.unmodifiableList(all);
  }

  /** The settings as given, sorted by key: what to hand to the loader to reproduce this model. */
  public Map<String, String> asMap() {
    return raw;
  }

  public String pipelineName() {
    return pipelineName;
  }

  public SourceSettings source() {
    return source;
  }

  public TableSettings table() {
    return table;
  }

  public ParseSettings parsing() {
    return parsing;
  }

  public BadMessageSettings badMessages() {
    return badMessages;
  }

  public JobSettings job() {
    return job;
  }

  /** How messages are routed to tables; empty: every message goes to the pipeline's table. */
  public Optional<RouteSettings> routing() {
    return routing;
  }
}
