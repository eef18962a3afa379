package io.floe.control.position;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.TablePositions;
import io.floe.control.kafka.KafkaTopics;
import io.floe.control.kafka.KafkaTopics.OffsetRange;
import io.floe.control.model.FieldProblem;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationType;
import io.floe.control.model.OperationView;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.RequestContext;
import io.floe.control.model.UnresolvablePipelineException;
import io.floe.control.reconcile.OperationRunner;
import io.floe.control.reconcile.Reconciler;
import io.floe.control.store.OperationQueue;
import io.floe.control.store.PipelineStore;
import io.floe.loader.credentials.CredentialsResolver;
import io.floe.loader.credentials.KafkaSecurityProperties;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.summary.CommitSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.springframework.stereotype.Service;

/**
 * Moves a pipeline's read positions, the only way they ever move: a plan that says per partition
 * how many messages the move skips or reads again, and the operation that stops the loader with a
 * savepoint, records the new positions in the table and starts it there (without the savepoint,
 * whose source positions are the old ones).
 */
@Service
public class PositionService {
  private final PipelineStore pipelines;
  private final LoaderSettingsRenderer renderer;
  private final KafkaTopics kafka;
  private final CredentialsResolver credentials;
  private final TablePositions positions;
  private final OperationQueue queue;
  private final Reconciler reconciler;

  public PositionService(
      PipelineStore pipelines,
      LoaderSettingsRenderer renderer,
      KafkaTopics kafka,
      CredentialsResolver credentials,
      TablePositions positions,
      OperationQueue queue,
      Reconciler reconciler) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.kafka = requireNonNull(kafka, "kafka is null");
    this.credentials = requireNonNull(credentials, "credentials is null");
    this.positions = requireNonNull(positions, "positions is null");
    this.queue = requireNonNull(queue, "queue is null");
    this.reconciler = requireNonNull(reconciler, "reconciler is null");
  }

  /** What the move would do, changing nothing. */
  public PositionMovePlan plan(String name, PositionMoveRequest request) {
    Pipeline pipeline = pipelines.find(name).orElseThrow(() -> new PipelineNotFoundException(name));
    String to = validate(request);
    LoaderSettings settings = renderer.settings(pipeline);
    Properties client = new KafkaSecurityProperties(credentials).forClient(settings.source());
    List<String> topics =
        settings.source().topicPattern().isPresent()
            ? new ArrayList<>(
                kafka.partitionsMatching(client, settings.source().topicPattern().get()).keySet())
            : settings.source().topics();
    Map<String, OffsetRange> ranges = kafka.offsetRanges(client, topics);
    Map<String, Long> current = positions.current(name, settings.table());
    Map<String, Long> targets = targets(to, request, client, topics, ranges);
    List<PositionMovePlan.PartitionMove> partitions = new ArrayList<>();
    long skipped = 0;
    long readAgain = 0;
    for (Map.Entry<String, Long> target : targets.entrySet()) {
      OffsetRange range = ranges.get(target.getKey());
      Long position = current.get(target.getKey());
      // The loader reads next from the recorded position (its earliest offset without one),
      // moved into what the partition still holds.
      long from =
          Math.min(
              Math.max(position == null ? range.earliest() : position, range.earliest()),
              range.end());
      long skip = Math.max(0, target.getValue() - from);
      long again = Math.max(0, from - target.getValue());
      partitions.add(
          new PositionMovePlan.PartitionMove(
              target.getKey(),
              position,
              target.getValue(),
              range.earliest(),
              range.end(),
              skip,
              again));
      skipped += skip;
      readAgain += again;
    }
    return new PositionMovePlan(name, to, partitions, skipped, readAgain);
  }

  /** Plans the move, then queues the operation that carries it out exactly as planned. */
  public Moved move(String name, PositionMoveRequest request, RequestContext context) {
    PositionMovePlan plan = plan(name, request);
    Map<String, Long> targets = new TreeMap<>();
    plan.partitions().forEach(p -> targets.put(p.partition(), p.target()));
    Operation operation =
        queue.enqueue(
            name,
            OperationType.MOVE_OFFSETS,
            Map.of(
                OperationRunner.TO,
                plan.to(),
                OperationRunner.POSITIONS,
                CommitSummary.formatOffsets(targets)),
            context);
    reconciler.wake(name);
    return new Moved(plan, OperationView.of(operation));
  }

  /** A move under way: its plan and the operation carrying it out. */
  public record Moved(PositionMovePlan plan, OperationView operation) {}

  private static String validate(PositionMoveRequest request) {
    List<FieldProblem> problems = new ArrayList<>();
    String to = request.to() == null ? null : request.to().toLowerCase(Locale.ROOT);
    if (to == null) {
      problems.add(new FieldProblem("to", "is required: earliest, latest, timestamp or offsets"));
    } else if (!List.of("earliest", "latest", "timestamp", "offsets").contains(to)) {
      problems.add(
          new FieldProblem(
              "to", "'" + request.to() + "' is not one of earliest, latest, timestamp, offsets"));
    }
    if ("timestamp".equals(to) != (request.timestamp() != null)) {
      problems.add(
          new FieldProblem(
              "timestamp",
              request.timestamp() == null
                  ? "is required with to=timestamp"
                  : "is only used with to=timestamp"));
    }
    boolean offsetsGiven = request.offsets() != null && !request.offsets().isEmpty();
    if ("offsets".equals(to) != offsetsGiven) {
      problems.add(
          new FieldProblem(
              "offsets",
              offsetsGiven
                  ? "are only used with to=offsets"
                  : "are required with to=offsets: {\"topic:partition\": offset, ...}"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidPipelineException(problems);
    }
    return to;
  }

  private Map<String, Long> targets(
      String to,
      PositionMoveRequest request,
      Properties client,
      List<String> topics,
      Map<String, OffsetRange> ranges) {
    Map<String, Long> targets = new TreeMap<>();
    switch (to) {
      case "earliest" ->
          ranges.forEach((partition, range) -> targets.put(partition, range.earliest()));
      case "latest" -> ranges.forEach((partition, range) -> targets.put(partition, range.end()));
      case "timestamp" -> targets.putAll(kafka.offsetsAt(client, topics, request.timestamp()));
      default -> {
        List<FieldProblem> problems = new ArrayList<>();
        for (Map.Entry<String, Long> given : new TreeMap<>(request.offsets()).entrySet()) {
          OffsetRange range = ranges.get(given.getKey());
          String field = "offsets." + given.getKey();
          if (range == null) {
            problems.add(
                new FieldProblem(
                    field,
                    "is not a partition the pipeline reads (topic:partition, one of "
                        + ranges.keySet()
                        + ")"));
          } else if (given.getValue() == null
              || given.getValue() < range.earliest()
              || given.getValue() > range.end()) {
            problems.add(
                new FieldProblem(
                    field,
                    given.getValue()
                        + " is outside what the partition holds: from "
                        + range.earliest()
                        + " to its end "
                        + range.end()));
          } else {
            targets.put(given.getKey(), given.getValue());
          }
        }
        if (!problems.isEmpty()) {
          throw new UnresolvablePipelineException(problems);
        }
      }
    }
    return targets;
  }
}
