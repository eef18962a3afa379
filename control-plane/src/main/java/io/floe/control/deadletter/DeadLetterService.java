package io.floe.control.deadletter;

import static java.util.Objects.requireNonNull;

import io.floe.control.kafka.KafkaTopics;
import io.floe.control.kafka.KafkaUnavailableException;
import io.floe.control.kafka.TopicReader;
import io.floe.control.model.FieldProblem;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationNotFoundException;
import io.floe.control.model.OperationType;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineConflictException;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.RequestContext;
import io.floe.control.reconcile.Reconciler;
import io.floe.control.store.OperationQueue;
import io.floe.control.store.OperationStore;
import io.floe.control.store.PipelineStore;
import io.floe.loader.credentials.CredentialsResolver;
import io.floe.loader.credentials.KafkaSecurityProperties;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.WriteMode;
import io.floe.loader.source.KafkaMessage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Service;

/**
 * A pipeline's dead letters through the API: counted and sampled over a window, and loaded again by
 * a REDRIVE operation ({@link DeadLetterRedrive} carries it out).
 */
@Service
public class DeadLetterService {
  /** The most records one look at the topic reads; beyond it the oldest are left out. */
  static final int MAX_SCANNED = 100_000;

  static final int MAX_SAMPLES = 50;
  private static final int CHUNK = 5_000;

  private final PipelineStore pipelines;
  private final OperationStore operations;
  private final OperationQueue queue;
  private final Reconciler reconciler;
  private final LoaderSettingsRenderer renderer;
  private final KafkaTopics kafka;
  private final TopicReader reader;
  private final CredentialsResolver credentials;
  private final DeadLetterRedrive redrive;

  public DeadLetterService(
      PipelineStore pipelines,
      OperationStore operations,
      OperationQueue queue,
      Reconciler reconciler,
      LoaderSettingsRenderer renderer,
      KafkaTopics kafka,
      TopicReader reader,
      CredentialsResolver credentials,
      DeadLetterRedrive redrive) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.operations = requireNonNull(operations, "operations is null");
    this.queue = requireNonNull(queue, "queue is null");
    this.reconciler = requireNonNull(reconciler, "reconciler is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.kafka = requireNonNull(kafka, "kafka is null");
    this.reader = requireNonNull(reader, "reader is null");
    this.credentials = requireNonNull(credentials, "credentials is null");
    this.redrive = requireNonNull(redrive, "redrive is null");
  }

  /**
   * Counts the pipeline's dead letters whose original message falls in the window, per error class
   * and path, with the newest {@code samples} of them.
   */
  public DeadLetterSummary browse(
      String name,
      Optional<Instant> from,
      Optional<Instant> to,
      Optional<String> errorClass,
      int samples) {
    List<FieldProblem> problems = new ArrayList<>();
    if (samples < 0 || samples > MAX_SAMPLES) {
      problems.add(new FieldProblem("samples", "must be between 0 and " + MAX_SAMPLES));
    }
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      problems.add(new FieldProblem("to", "must be after from"));
    }
    if (errorClass.isPresent()
        && Arrays.stream(BadMessageException.Reason.values())
            .noneMatch(reason -> reason.name().equals(errorClass.get()))) {
      problems.add(
          new FieldProblem(
              "errorClass",
              "'"
                  + errorClass.get()
                  + "' is not an error class; one of "
                  + Arrays.toString(BadMessageException.Reason.values())));
    }
    if (!problems.isEmpty()) {
      throw new InvalidPipelineException(problems);
    }
    Pipeline pipeline = pipeline(name);
    LoaderSettings settings = renderer.settings(name, pipeline.spec());
    String topic = topic(pipeline, settings);
    Properties client = new KafkaSecurityProperties(credentials).forClient(settings.source());
    RedriveFilter window =
        new RedriveFilter(
            name,
            from,
            to,
            errorClass.map(Set::of).orElse(Set.of()),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            true);
    try {
      Map<Integer, Long> position = new TreeMap<>();
      Map<Integer, Long> until = new TreeMap<>();
      long total = 0;
      for (Map.Entry<String, KafkaTopics.OffsetRange> entry :
          kafka.offsetRanges(client, List.of(topic)).entrySet()) {
        int partition = Integer.parseInt(entry.getKey().substring(topic.length() + 1));
        KafkaTopics.OffsetRange range = entry.getValue();
        until.put(partition, range.end());
        total += range.end() - range.earliest();
        position.put(partition, range.earliest());
      }
      boolean truncated = total > MAX_SCANNED;
      if (truncated) {
        // Keep the newest: start each partition as far back as its share of the limit allows.
        for (Map.Entry<Integer, Long> entry : until.entrySet()) {
          long share = MAX_SCANNED / until.size();
          position.put(
              entry.getKey(), Math.max(position.get(entry.getKey()), entry.getValue() - share));
        }
      }
      long scanned = 0;
      long matched = 0;
      Map<String, Map<String, Long>> counts = new TreeMap<>();
      Deque<StoredDeadLetter> newest = new ArrayDeque<>();
      while (true) {
        List<ConsumerRecord<byte[], byte[]>> records =
            reader.read(client, topic, position, until, CHUNK);
        for (ConsumerRecord<byte[], byte[]> record : records) {
          scanned++;
          position.put(record.partition(), record.offset() + 1);
          Optional<StoredDeadLetter> letter = StoredDeadLetter.of(record);
          if (letter.isEmpty() || !window.matches(letter.get())) {
            continue;
          }
          matched++;
          counts
              .computeIfAbsent(letter.get().errorClass(), c -> new TreeMap<>())
              .merge(letter.get().errorPath(), 1L, Long::sum);
          newest.addLast(letter.get());
          if (newest.size() > samples) {
            newest.removeFirst();
          }
        }
        if (records.size() < CHUNK) {
          break;
        }
      }
      List<DeadLetterSummary.ErrorClassCount> byClass = new ArrayList<>();
      counts.forEach(
          (errorClassName, byPath) ->
              byClass.add(
                  new DeadLetterSummary.ErrorClassCount(
                      errorClassName,
                      byPath.values().stream().mapToLong(Long::longValue).sum(),
                      byPath)));
      List<DeadLetterSummary.Sample> shown = new ArrayList<>();
      newest.descendingIterator().forEachRemaining(letter -> shown.add(sample(letter)));
      return new DeadLetterSummary(
          name,
          topic,
          from.orElse(null),
          to.orElse(null),
          scanned,
          matched,
          truncated,
          byClass,
          shown);
    } catch (KafkaUnavailableException e) {
      throw new DeadLettersUnavailableException("Cannot read " + topic + ": " + e.getMessage(), e);
    }
  }

  /** Queues a REDRIVE of the pipeline's dead letters in the range. */
  public RedriveView redrive(String name, RedriveRequest request, RequestContext context) {
    RedriveFilter filter = RedriveFilter.of(name, request);
    Pipeline pipeline = pipeline(name);
    LoaderSettings settings = renderer.settings(name, pipeline.spec());
    topic(pipeline, settings);
    if (settings.routing().isPresent()) {
      throw new PipelineConflictException(
          "Pipeline "
              + name
              + " routes its messages to several tables (table.routing): a redrive loads into one"
              + " table and does not route yet");
    }
    if (settings.writing().mode() == WriteMode.UPSERT) {
      throw new PipelineConflictException(
          "Pipeline "
              + name
              + " upserts by key (table.write.mode upsert): a redrive appends the messages it"
              + " loads, which would add second rows for their keys, and does not upsert yet");
    }
    Operation operation = queue.enqueue(name, OperationType.REDRIVE, filter.parameters(), context);
    reconciler.wake(name);
    return view(operation);
  }

  /** A redrive of the pipeline, by its operation id. */
  public RedriveView redriveOf(String name, String id) {
    pipeline(name);
    Operation operation =
        operations
            .find(id)
            .filter(o -> o.pipeline().equals(name) && o.type() == OperationType.REDRIVE)
            .orElseThrow(() -> new OperationNotFoundException(id));
    return view(operation);
  }

  private RedriveView view(Operation operation) {
    Map<Integer, Long> position =
        DeadLetterRedrive.Offsets.parse(operation.progress(DeadLetterRedrive.POSITION).orElse(""));
    Map<Integer, Long> until =
        DeadLetterRedrive.Offsets.parse(operation.progress(DeadLetterRedrive.UNTIL).orElse(""));
    Map<Integer, RedriveView.PartitionProgress> partitions = new TreeMap<>();
    until.forEach(
        (partition, end) ->
            partitions.put(
                partition,
                new RedriveView.PartitionProgress(position.getOrDefault(partition, end), end)));
    Map<String, String> range = new LinkedHashMap<>(operation.parameters());
    boolean dryRun = Boolean.parseBoolean(range.remove("dryRun"));
    return new RedriveView(
        operation.id(),
        operation.pipeline(),
        operation.state(),
        dryRun,
        range,
        partitions,
        redrive.read(operation.progress(DeadLetterRedrive.REPORT).orElse("")),
        operation.outcome().orElse(null),
        operation.createdAt(),
        operation.updatedAt(),
        operation.finishedAt().orElse(null));
  }

  private static DeadLetterSummary.Sample sample(StoredDeadLetter letter) {
    KafkaMessage message = letter.message();
    Map<String, ShownBytes> headers = new LinkedHashMap<>();
    for (KafkaMessage.Header header : message.headers()) {
      headers.put(header.key(), ShownBytes.of(header.value()));
    }
    return new DeadLetterSummary.Sample(
        letter.partition(),
        letter.offset(),
        Instant.ofEpochMilli(message.timestamp()),
        message.topic(),
        message.partition(),
        message.offset(),
        letter.errorClass(),
        letter.errorPath(),
        letter.errorMessage(),
        ShownBytes.of(message.key()),
        ShownBytes.of(message.value()),
        headers);
  }

  private Pipeline pipeline(String name) {
    return pipelines.find(name).orElseThrow(() -> new PipelineNotFoundException(name));
  }

  private static String topic(Pipeline pipeline, LoaderSettings settings) {
    return settings
        .badMessages()
        .deadLetterTopic()
        .orElseThrow(
            () ->
                new PipelineConflictException(
                    "Pipeline "
                        + pipeline.name()
                        + " has no dead-letter topic (badMessages.policy is not dead-letter)"));
  }
}
