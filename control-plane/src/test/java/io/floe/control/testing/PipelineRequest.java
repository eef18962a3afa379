package io.floe.control.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of a {@code PUT /pipelines/{name}} as the integration tests send it: a topic of test
 * events loaded into {@code db.<table>} with the columns id, name and at, created if missing; each
 * method sets one more part of the request.
 */
public final class PipelineRequest {
  private static final List<Map<String, Object>> EVENT_COLUMNS =
      List.of(
          Map.of("name", "id", "type", "long", "required", true),
          Map.of("name", "name", "type", "string"),
          Map.of("name", "at", "type", "timestamptz"));

  private final Map<String, Object> source = new LinkedHashMap<>();
  private final Map<String, Object> createIfMissing = new LinkedHashMap<>();
  private final String table;
  private final Map<String, Object> rest = new LinkedHashMap<>();
  private List<Map<String, Object>> rules;

  private PipelineRequest(String bootstrapServers, String topic, String table) {
    this.table = table;
    source.put("bootstrapServers", bootstrapServers);
    source.put("topics", List.of(topic));
    createIfMissing.put("columns", EVENT_COLUMNS);
  }

  /** Events of {@code topic} on the broker at {@code bootstrapServers} into {@code db.table}. */
  public static PipelineRequest events(String bootstrapServers, String topic, String table) {
    return new PipelineRequest(bootstrapServers, topic, table);
  }

  /** Only the required id column (tests whose runtime loads nothing). */
  public PipelineRequest idColumnOnly() {
    createIfMissing.put("columns", List.of(EVENT_COLUMNS.get(0)));
    return this;
  }

  /** The table's partition spec, e.g. {@code day(at)}. */
  public PipelineRequest partitionBy(String... transforms) {
    createIfMissing.put("partitionBy", List.of(transforms));
    return this;
  }

  public PipelineRequest startingOffsets(String offsets) {
    source.put("startingOffsets", offsets);
    return this;
  }

  public PipelineRequest deadLetterTopic(String topic) {
    rest.put("badMessages", Map.of("deadLetterTopic", topic));
    return this;
  }

  public PipelineRequest skipBadMessages() {
    rest.put("badMessages", Map.of("policy", "skip"));
    return this;
  }

  public PipelineRequest deadLetterRatio(double ratio) {
    rest.put("health", Map.of("deadLetterRatio", ratio));
    return this;
  }

  public PipelineRequest runtime(int parallelism, String flushInterval) {
    rest.put("runtime", Map.of("parallelism", parallelism, "flushInterval", flushInterval));
    return this;
  }

  /** The runtime section as given (a target, ...). */
  public PipelineRequest runtime(Map<String, Object> runtime) {
    rest.put("runtime", runtime);
    return this;
  }

  public PipelineRequest maintenance(Map<String, Object> maintenance) {
    rest.put("maintenance", maintenance);
    return this;
  }

  /** The table's data-quality rules, as the API takes them. */
  public PipelineRequest rules(List<Map<String, Object>> rules) {
    this.rules = List.copyOf(rules);
    return this;
  }

  public PipelineRequest labels(Map<String, String> labels) {
    rest.put("labels", labels);
    return this;
  }

  public PipelineRequest desiredState(String state) {
    rest.put("desiredState", state);
    return this;
  }

  /** The request body, a map of its own that the caller may change further. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("source", Map.copyOf(source));
    Map<String, Object> tableSection = new LinkedHashMap<>();
    tableSection.put("namespace", "db");
    tableSection.put("name", table);
    tableSection.put("createIfMissing", Map.copyOf(createIfMissing));
    if (rules != null) {
      tableSection.put("rules", rules);
    }
    body.put("table", tableSection);
    body.putAll(rest);
    return body;
  }
}
