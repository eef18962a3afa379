package io.floe.control.runtime.flink;

import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Reads Flink's REST answers (Flink 1.20) into the records the control plane works with. */
final class FlinkAnswers {
  private FlinkAnswers() {}

  static ClusterOverview overview(JsonNode body) {
    return new ClusterOverview(
        body.path("taskmanagers").asInt(),
        body.path("slots-total").asInt(),
        body.path("slots-available").asInt(),
        body.path("jobs-running").asInt(),
        text(body, "flink-version").orElse("unknown"));
  }

  static List<JarFile> jars(JsonNode body) {
    List<JarFile> jars = new ArrayList<>();
    for (JsonNode file : body.path("files")) {
      jars.add(
          new JarFile(
              text(file, "id").orElseThrow(() -> unexpected("GET /jars", "a file without id")),
              text(file, "name").orElse(""),
              file.path("uploaded").asLong()));
    }
    return jars;
  }

  static List<JobSummary> jobs(JsonNode body) {
    List<JobSummary> jobs = new ArrayList<>();
    for (JsonNode job : body.path("jobs")) {
      jobs.add(
          new JobSummary(
              text(job, "jid").orElseThrow(() -> unexpected("GET /jobs/overview", "no jid")),
              text(job, "name").orElse(""),
              text(job, "state").orElse(""),
              job.path("last-modification").asLong(),
              job.path("tasks").path("total").asInt()));
    }
    return jobs;
  }

  /** A list of {@code {"key": ..., "value": ...}} entries (configuration, job metrics). */
  static Map<String, String> keyValues(JsonNode body, String keyField) {
    Map<String, String> values = new LinkedHashMap<>();
    for (JsonNode entry : body) {
      text(entry, keyField).ifPresent(key -> values.put(key, text(entry, "value").orElse("")));
    }
    return values;
  }

  static Map<String, ParallelismBounds> resourceRequirements(JsonNode body) {
    Map<String, ParallelismBounds> bounds = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> vertex : body.properties()) {
      JsonNode parallelism = vertex.getValue().path("parallelism");
      bounds.put(
          vertex.getKey(),
          new ParallelismBounds(
              parallelism.path("lowerBound").asInt(), parallelism.path("upperBound").asInt()));
    }
    return bounds;
  }

  static Map<String, MetricAggregate> metricAggregates(JsonNode body) {
    Map<String, MetricAggregate> values = new LinkedHashMap<>();
    for (JsonNode metric : body) {
      text(metric, "id")
          .ifPresent(
              id ->
                  values.put(
                      id,
                      new MetricAggregate(
                          metric.path("min").asDouble(),
                          metric.path("max").asDouble(),
                          metric.path("avg").asDouble(),
                          metric.path("sum").asDouble())));
    }
    return values;
  }

  static JobDetails jobDetails(String jobId, JsonNode body) {
    List<JobDetails.Vertex> vertices = new ArrayList<>();
    for (JsonNode vertex : body.path("vertices")) {
      vertices.add(
          new JobDetails.Vertex(
              text(vertex, "id").orElse(""),
              text(vertex, "name").orElse(""),
              vertex.path("parallelism").asInt(),
              vertex.path("maxParallelism").asInt(),
              text(vertex, "status").orElse("")));
    }
    Map<String, Integer> taskCounts = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> count : body.path("status-counts").properties()) {
      taskCounts.put(count.getKey(), count.getValue().asInt());
    }
    return new JobDetails(
        text(body, "jid").orElse(jobId),
        text(body, "name").orElse(""),
        text(body, "state")
            .orElseThrow(() -> unexpected("GET /jobs/" + jobId, "no state in the answer")),
        vertices,
        taskCounts);
  }

  static JobExceptions jobExceptions(JsonNode body) {
    JsonNode history = body.path("exceptionHistory");
    JsonNode entries = history.path("entries");
    Optional<String> latest = Optional.empty();
    if (entries.size() > 0) {
      JsonNode newest = entries.get(0);
      latest =
          text(newest, "stacktrace")
              .map(FlinkErrors::summarize)
              .or(() -> text(newest, "exceptionName"));
    }
    if (latest.isEmpty()) {
      latest = text(body, "root-exception").map(FlinkErrors::summarize);
    }
    return new JobExceptions(latest, entries.size(), history.path("truncated").asBoolean());
  }

  static CheckpointStatistics checkpoints(JsonNode body) {
    JsonNode counts = body.path("counts");
    JsonNode latest = body.path("latest");
    return new CheckpointStatistics(
        counts.path("completed").asLong(),
        counts.path("failed").asLong(),
        counts.path("in_progress").asLong(),
        counts.path("restored").asLong(),
        checkpoint(latest.path("completed")),
        checkpoint(latest.path("savepoint")),
        failedStarted(body.path("history")));
  }

  static SavepointOutcome savepointOutcome(JsonNode body) {
    String status = text(body.path("status"), "id").orElse("");
    if (!status.equals("COMPLETED")) {
      return SavepointOutcome.pending();
    }
    JsonNode operation = body.path("operation");
    Optional<String> location = text(operation, "location");
    if (location.isPresent()) {
      return SavepointOutcome.completed(location.get());
    }
    JsonNode cause = operation.path("failure-cause");
    return SavepointOutcome.failed(
        text(cause, "stack-trace")
            .map(FlinkErrors::summarize)
            .or(() -> text(cause, "class"))
            .orElse("the savepoint failed and Flink did not say why"));
  }

  static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isString() ? Optional.of(value.asString()) : Optional.empty();
  }

  static RuntimeUnavailableException unexpected(String call, String what) {
    return new RuntimeUnavailableException(call + ": unexpected answer, " + what);
  }

  /**
   * The FAILED entries of a job's checkpoint history. A trigger that Flink declines before starting
   * a checkpoint (no id yet) counts in {@code counts.failed} but has no entry.
   */
  private static long failedStarted(JsonNode history) {
    long failed = 0;
    for (JsonNode checkpoint : history) {
      if (text(checkpoint, "status").orElse("").equals("FAILED")) {
        failed++;
      }
    }
    return failed;
  }

  private static Optional<CheckpointStatistics.Checkpoint> checkpoint(JsonNode node) {
    return text(node, "external_path")
        .map(
            path ->
                new CheckpointStatistics.Checkpoint(
                    node.path("id").asLong(),
                    text(node, "checkpoint_type").orElse("CHECKPOINT"),
                    path,
                    node.path("discarded").asBoolean(),
                    node.path("latest_ack_timestamp").asLong()));
  }
}
