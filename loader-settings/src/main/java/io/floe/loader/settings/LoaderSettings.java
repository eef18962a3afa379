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
  private final WriteSettings writing;

  private LoaderSettings(
      Map<String, String> raw,
      String pipelineName,
      SourceSettings source,
      TableSettings table,
      ParseSettings parsing,
      BadMessageSettings badMessages,
      JobSettings job,
      Optional<RouteSettings> routing,
      WriteSettings writing) {
    this.raw = Collections.unmodifiableMap(new TreeMap<>(raw));
    this.pipelineName = requireNonNull(pipelineName, "pipelineName is null");
    this.source = requireNonNull(source, "source is null");
    this.table = requireNonNull(table, "table is null");
    this.parsing = requireNonNull(parsing, "parsing is null");
    this.badMessages = requireNonNull(badMessages, "badMessages is null");
    this.job = requireNonNull(job, "job is null");
    this.routing = requireNonNull(routing, "routing is null");
    this.writing = requireNonNull(writing, "writing is null");
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
    Optional<WriteSettings> writing = WriteSettings.read(reader);
    writing.ifPresent(w -> checkWriteMode(reader, w, parsing, routing));
    reader.finish();
    return new LoaderSettings(
        settings,
        name.orElseThrow(),
        source.orElseThrow(),
        table.orElseThrow(),
        parsing.orElseThrow(),
        badMessages.orElseThrow(),
        job.orElseThrow(),
        routing,
        writing.orElseThrow());
  }

  /** The settings upserts cannot go with, and what append mode cannot read. */
  private static void checkWriteMode(
      SettingsReader reader,
      WriteSettings writing,
      Optional<ParseSettings> parsing,
      Optional<RouteSettings> routing) {
    if (!writing.upsert()) {
      if (parsing.isPresent() && parsing.get().envelope() != Envelope.NONE) {
        reader.problem(
            ParseSettings.ENVELOPE.key(),
            "needs "
                + WriteSettings.MODE.key()
                + "=upsert (a change stream's deletes have nothing to append)");
      }
      return;
    }
    if (parsing.isPresent() && parsing.get().unknownFields() == UnknownFields.ADD) {
      reader.problem(
          ParseSettings.UNKNOWN_FIELDS.key(),
          "add is not used with "
              + WriteSettings.MODE.key()
              + "=upsert: a column added within a commit would split its key's rows");
    }
    if (routing.isPresent()) {
      reader.problem(
          WriteSettings.MODE.key(),
          "upsert does not route: give no route.* settings (each routed table would need the key)");
    }
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
    all.addAll(WriteSettings.ALL);
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

  /** How messages change the table: appended, or upserted and deleted by key. */
  public WriteSettings writing() {
    return writing;
  }

  /** How messages are routed to tables; empty: every message goes to the pipeline's table. */
  public Optional<RouteSettings> routing() {
    return routing;
  }
}
