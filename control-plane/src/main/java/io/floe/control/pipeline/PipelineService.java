package io.floe.control.pipeline;

import static java.util.Objects.requireNonNull;

import io.floe.control.artifact.ArtifactService;
import io.floe.control.catalog.Catalogs;
import io.floe.control.model.DesiredState;
import io.floe.control.model.EventView;
import io.floe.control.model.FieldProblem;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.MaintenancePolicy;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationNotFoundException;
import io.floe.control.model.OperationType;
import io.floe.control.model.OperationView;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineConflictException;
import io.floe.control.model.PipelineExistsException;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.RequestContext;
import io.floe.control.model.StaleVersionException;
import io.floe.control.model.UnresolvablePipelineException;
import io.floe.control.reconcile.Reconciler;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.store.Events;
import io.floe.control.store.OperationQueue;
import io.floe.control.store.OperationStore;
import io.floe.control.store.PipelineStore;
import io.floe.control.validation.PipelineChecks;
import io.floe.loader.settings.LoaderSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.Catalog;
import org.springframework.stereotype.Service;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the API does: validate requests against the loader's model and the real world, store the
 * user's intent, and queue the operations that the reconciler carries out.
 */
@Service
public class PipelineService {
  private final PipelineStore store;
  private final OperationStore operations;
  private final LoaderSettingsRenderer renderer;
  private final PipelineChecks checks;
  private final Catalogs catalogs;
  private final RuntimeRegistry runtimes;
  private final Events events;
  private final Reconciler reconciler;
  private final OperationQueue queue;
  private final Clock clock;
  private final JsonMapper canonicalJson;
  private final ArtifactService artifacts;

  public PipelineService(
      PipelineStore store,
      OperationStore operations,
      LoaderSettingsRenderer renderer,
      PipelineChecks checks,
      Catalogs catalogs,
      RuntimeRegistry runtimes,
      Events events,
      Reconciler reconciler,
      OperationQueue queue,
      Clock clock,
      JsonMapper json,
      ArtifactService artifacts) {
    this.store = requireNonNull(store, "store is null");
    this.operations = requireNonNull(operations, "operations is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.checks = requireNonNull(checks, "checks is null");
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
    this.runtimes = requireNonNull(runtimes, "runtimes is null");
    this.events = requireNonNull(events, "events is null");
    this.reconciler = requireNonNull(reconciler, "reconciler is null");
    this.queue = requireNonNull(queue, "queue is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.canonicalJson =
        json.rebuild().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
  }

  /** The outcome of a create or replace. */
  public record Saved(PipelineView view, boolean created, Optional<OperationView> operation) {}

  /** A page of pipelines. */
  public record Page(List<PipelineView> items, int page, int size, int total) {}

  /** POST: create a new pipeline; with an idempotency key, a retry returns the first result. */
  public Saved create(
      PipelineRequest request,
      Optional<String> idempotencyKey,
      boolean dryRun,
      RequestContext context) {
    String name = requireName(request.name());
    if (idempotencyKey.isPresent()) {
      String hash = hash(request);
      Optional<PipelineStore.IdempotentRequest> earlier =
          store.idempotencyKey(idempotencyKey.get());
      if (earlier.isPresent()) {
        if (!earlier.get().requestHash().equals(hash)) {
          throw new UnresolvablePipelineException(
              "Idempotency-Key",
              "was used before for a different request (pipeline "
                  + earlier.get().pipeline()
                  + ")");
        }
        return new Saved(get(earlier.get().pipeline()), true, Optional.empty());
      }
    }
    if (store.find(name).isPresent()) {
      throw new PipelineExistsException(name);
    }
    Saved saved = createNew(name, request, dryRun, context);
    if (idempotencyKey.isPresent() && !dryRun) {
      store.saveIdempotencyKey(
          idempotencyKey.get(), new PipelineStore.IdempotentRequest(hash(request), name));
    }
    return saved;
  }

  /** PUT: create, or replace (conditionally with If-Match); the same body twice changes nothing. */
  public Saved put(
      String name,
      PipelineRequest request,
      Optional<Long> ifMatch,
      boolean dryRun,
      RequestContext context) {
    requireName(name);
    if (request.name() != null && !request.name().equals(name)) {
      throw new InvalidPipelineException(
          "name", "'" + request.name() + "' differs from the path's '" + name + "'");
    }
    Optional<Pipeline> existing = store.find(name);
    if (existing.isEmpty()) {
      if (ifMatch.isPresent()) {
        throw new StaleVersionException(
            "Pipeline " + name + " does not exist (If-Match was given)");
      }
      return createNew(name, request, dryRun, context);
    }
    Pipeline current = existing.get();
    if (ifMatch.isPresent() && ifMatch.get() != current.generation()) {
      throw new StaleVersionException(
          "Pipeline " + name + " is at version " + current.generation() + ", not " + ifMatch.get());
    }
    PipelineSpec spec = request.spec();
    DesiredState desired = request.desiredStateOrDefault();
    Map<String, String> labels = request.labelsOrEmpty();
    if (current.spec().equals(spec)
        && current.desiredState() == desired
        && current.labels().equals(labels)) {
      return new Saved(get(name), false, Optional.empty());
    }
    Map<String, String> oldSettings = renderer.render(name, current.spec());
    Map<String, String> newSettings = validate(name, spec);
    PipelineChecks.Findings findings = check(spec, newSettings, false);
    Pipeline next =
        new Pipeline(
            name,
            spec,
            desired,
            labels,
            current.generation() + 1,
            current.createdAt(),
            clock.instant());
    if (dryRun) {
      return new Saved(view(next, statusOf(name)), false, Optional.empty());
    }
    createTable(findings, name, context);
    store.update(next, current.generation());
    events.record(
        name,
        "UPDATED",
        describeChange(current, next, oldSettings, newSettings),
        Optional.empty(),
        Optional.of(context.requestId()),
        context.actor());
    Optional<Operation> operation = operationFor(current, next, oldSettings, newSettings, context);
    return new Saved(get(name), false, operation.map(OperationView::of));
  }

  private Saved createNew(
      String name, PipelineRequest request, boolean dryRun, RequestContext context) {
    PipelineSpec spec = request.spec();
    Map<String, String> settings = validate(name, spec);
    PipelineChecks.Findings findings = check(spec, settings, false);
    Instant now = clock.instant();
    Pipeline pipeline =
        new Pipeline(
            name, spec, request.desiredStateOrDefault(), request.labelsOrEmpty(), 1, now, now);
    if (dryRun) {
      return new Saved(view(pipeline, PipelineStatus.pending(name, now)), true, Optional.empty());
    }
    createTable(findings, name, context);
    store.insert(pipeline, PipelineStatus.pending(name, now));
    events.record(
        name,
        "CREATED",
        "Pipeline created (version 1)",
        Optional.empty(),
        Optional.of(context.requestId()),
        context.actor());
    Optional<Operation> operation =
        pipeline.desiredState() == DesiredState.RUNNING
            ? Optional.of(enqueue(name, OperationType.START, Map.of(), context))
            : Optional.empty();
    return new Saved(get(name), true, operation.map(OperationView::of));
  }

  private Optional<Operation> operationFor(
      Pipeline before,
      Pipeline after,
      Map<String, String> oldSettings,
      Map<String, String> newSettings,
      RequestContext context) {
    String name = after.name();
    if (before.desiredState() != after.desiredState()) {
      return Optional.of(
          enqueue(
              name,
              after.desiredState() == DesiredState.RUNNING
                  ? OperationType.START
                  : OperationType.STOP,
              Map.of(),
              context));
    }
    if (after.desiredState() != DesiredState.RUNNING) {
      return Optional.empty();
    }
    if (!withoutParallelism(oldSettings).equals(withoutParallelism(newSettings))
        || !Objects.equals(artifactOf(before), artifactOf(after))) {
      return Optional.of(enqueue(name, OperationType.UPDATE, Map.of(), context));
    }
    if (!Objects.equals(oldSettings.get("job.parallelism"), newSettings.get("job.parallelism"))) {
      return Optional.of(
          enqueue(
              name,
              OperationType.RESCALE,
              Map.of("parallelism", Integer.toString(parallelismOf(after))),
              context));
    }
    return Optional.empty();
  }

  private static String artifactOf(Pipeline pipeline) {
    return pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().artifact();
  }

  private static Map<String, String> withoutParallelism(Map<String, String> settings) {
    Map<String, String> copy = new TreeMap<>(settings);
    copy.remove("job.parallelism");
    return copy;
  }

  public PipelineView get(String name) {
    Pipeline pipeline = store.find(name).orElseThrow(() -> new PipelineNotFoundException(name));
    return view(pipeline, statusOf(name));
  }

  public Page list(
      Optional<ObservedState> state,
      Optional<DesiredState> desired,
      Map<String, String> labels,
      int page,
      int size) {
    if (page < 0) {
      throw new InvalidPipelineException("page", "must be 0 or more");
    }
    if (size < 1 || size > 500) {
      throw new InvalidPipelineException("size", "must be between 1 and 500");
    }
    List<PipelineView> matching =
        store.list().stream()
            .map(pipeline -> view(pipeline, statusOf(pipeline.name())))
            .filter(view -> state.map(s -> s == view.status().observedState()).orElse(true))
            .filter(view -> desired.map(d -> d == view.desiredState()).orElse(true))
            .filter(view -> view.labels().entrySet().containsAll(labels.entrySet()))
            .collect(Collectors.toList());
    int from = Math.min(page * size, matching.size());
    int to = Math.min(from + size, matching.size());
    return new Page(matching.subList(from, to), page, size, matching.size());
  }

  public OperationView start(String name, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    setDesired(pipeline, DesiredState.RUNNING, context);
    return OperationView.of(enqueue(name, OperationType.START, Map.of(), context));
  }

  public OperationView stop(String name, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    setDesired(pipeline, DesiredState.STOPPED, context);
    return OperationView.of(enqueue(name, OperationType.STOP, Map.of(), context));
  }

  public OperationView restart(String name, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    if (pipeline.desiredState() != DesiredState.RUNNING) {
      throw new PipelineConflictException("Pipeline " + name + " is stopped: start it instead");
    }
    return OperationView.of(enqueue(name, OperationType.RESTART, Map.of(), context));
  }

  public OperationView parallelism(
      String name, int parallelism, boolean force, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    PipelineSpec.Runtime runtime = pipeline.spec().runtime();
    PipelineSpec.Runtime changed =
        new PipelineSpec.Runtime(
            runtime == null ? null : runtime.target(),
            parallelism,
            runtime == null ? null : runtime.maxParallelism(),
            runtime == null ? null : runtime.flushInterval(),
            runtime == null ? null : runtime.artifact());
    PipelineSpec spec =
        new PipelineSpec(
            pipeline.spec().source(),
            pipeline.spec().table(),
            pipeline.spec().badMessages(),
            pipeline.spec().parsing(),
            changed,
            pipeline.spec().health(),
            pipeline.spec().maintenance());
    Map<String, String> settings;
    try {
      settings = validate(name, spec);
    } catch (InvalidPipelineException e) {
      throw new InvalidPipelineException(
          e.problems().stream()
              .map(
                  p ->
                      p.field().equals("runtime.parallelism")
                          ? new FieldProblem("parallelism", p.message())
                          : p)
              .collect(Collectors.toList()));
    }
    try {
      check(spec, settings, force);
    } catch (UnresolvablePipelineException e) {
      throw new UnresolvablePipelineException(
          e.problems().stream()
              .map(
                  p ->
                      p.field().equals("runtime.parallelism")
                          ? new FieldProblem("parallelism", p.message())
                          : p)
              .collect(Collectors.toList()));
    }
    Pipeline next =
        new Pipeline(
            name,
            spec,
            pipeline.desiredState(),
            pipeline.labels(),
            pipeline.generation() + 1,
            pipeline.createdAt(),
            clock.instant());
    store.update(next, pipeline.generation());
    return OperationView.of(
        enqueue(
            name,
            OperationType.RESCALE,
            Map.of("parallelism", Integer.toString(parallelism)),
            context));
  }

  public OperationView delete(String name, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    setDesired(pipeline, DesiredState.STOPPED, context);
    PipelineStatus status = statusOf(name);
    store.saveStatus(status.withState(ObservedState.DELETING, status.lastError(), clock.instant()));
    return OperationView.of(enqueue(name, OperationType.DELETE, Map.of(), context));
  }

  public List<OperationView> operations(String name, int limit) {
    return operations.list(name, limit).stream()
        .map(OperationView::of)
        .collect(Collectors.toList());
  }

  public OperationView operation(String id) {
    return operations
        .find(id)
        .map(OperationView::of)
        .orElseThrow(() -> new OperationNotFoundException(id));
  }

  public List<EventView> events(String name, int limit) {
    if (store.find(name).isEmpty() && operations.list(name, 1).isEmpty()) {
      throw new PipelineNotFoundException(name);
    }
    return operations.events(name, limit).stream().map(EventView::of).collect(Collectors.toList());
  }

  private Pipeline current(String name, Optional<Long> ifMatch) {
    Pipeline pipeline = store.find(name).orElseThrow(() -> new PipelineNotFoundException(name));
    if (ifMatch.isPresent() && ifMatch.get() != pipeline.generation()) {
      throw new StaleVersionException(
          "Pipeline "
              + name
              + " is at version "
              + pipeline.generation()
              + ", not "
              + ifMatch.get());
    }
    return pipeline;
  }

  private void setDesired(Pipeline pipeline, DesiredState desired, RequestContext context) {
    if (pipeline.desiredState() == desired) {
      return;
    }
    store.update(
        new Pipeline(
            pipeline.name(),
            pipeline.spec(),
            desired,
            pipeline.labels(),
            pipeline.generation() + 1,
            pipeline.createdAt(),
            clock.instant()),
        pipeline.generation());
  }

  private Operation enqueue(
      String name, OperationType type, Map<String, String> parameters, RequestContext context) {
    Operation operation = queue.enqueue(name, type, parameters, context);
    reconciler.wake(name);
    return operation;
  }

  /** Renders and validates the spec with the loader's model; 400 problems name API fields. */
  private Map<String, String> validate(String name, PipelineSpec spec) {
    List<FieldProblem> problems = new ArrayList<>();
    Map<String, String> settings = Map.of();
    try {
      settings = renderer.render(name, spec);
    } catch (InvalidPipelineException e) {
      problems.addAll(e.problems());
    }
    try {
      MaintenancePolicy.of(spec.maintenance());
    } catch (InvalidPipelineException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new InvalidPipelineException(problems);
    }
    String target =
        spec.runtime() == null || spec.runtime().target() == null
            ? runtimes.defaultTarget()
            : spec.runtime().target();
    if (runtimes.find(target).isEmpty()) {
      throw new InvalidPipelineException(
          "runtime.target",
          "no runtime '" + target + "' is configured here; configured: " + runtimes.targets());
    }
    return settings;
  }

  private PipelineChecks.Findings check(
      PipelineSpec spec, Map<String, String> settings, boolean force) {
    PipelineChecks.Findings findings = checks.check(spec, LoaderSettings.parse(settings), force);
    checkRuntime(spec, settings);
    return findings;
  }

  /** The target runtime's own limits, and the artifact the spec pins (422 naming each field). */
  private void checkRuntime(PipelineSpec spec, Map<String, String> settings) {
    String target =
        spec.runtime() == null || spec.runtime().target() == null
            ? runtimes.defaultTarget()
            : spec.runtime().target();
    List<FieldProblem> problems = new ArrayList<>();
    String artifact = spec.runtime() == null ? null : spec.runtime().artifact();
    if (artifact != null) {
      if (!target.equals("managed-flink")) {
        problems.add(
            new FieldProblem(
                "runtime.artifact", "applies to the managed-flink target only, not " + target));
      } else if (artifacts.find(artifact).isEmpty()) {
        problems.add(
            new FieldProblem(
                "runtime.artifact", "no artifact " + artifact + " is registered (GET /artifacts)"));
      }
    }
    int parallelism =
        spec.runtime() == null || spec.runtime().parallelism() == null
            ? 1
            : spec.runtime().parallelism();
    for (String limit : runtimes.forTarget(target).limits(settings, parallelism)) {
      FieldProblem problem = LoaderSettingsRenderer.toFieldProblem(limit);
      problems.add(
          new FieldProblem(
              problem.field(), problem.message() + " (a limit of the " + target + " target)"));
    }
    if (!problems.isEmpty()) {
      throw new UnresolvablePipelineException(problems);
    }
  }

  private void createTable(
      PipelineChecks.Findings findings, String pipeline, RequestContext context) {
    if (findings.tableToCreate().isEmpty()) {
      return;
    }
    PipelineChecks.TableToCreate table = findings.tableToCreate().get();
    Catalog catalog = catalogs.catalog(table.catalog());
    if (catalog instanceof org.apache.iceberg.catalog.SupportsNamespaces namespaces
        && !namespaces.namespaceExists(table.identifier().namespace())) {
      namespaces.createNamespace(table.identifier().namespace());
    }
    if (!catalog.tableExists(table.identifier())) {
      catalog.createTable(table.identifier(), table.schema(), table.spec(), table.properties());
      events.record(
          pipeline,
          "TABLE_CREATED",
          "Created table " + table.identifier() + " in catalog " + table.catalog(),
          Optional.empty(),
          Optional.of(context.requestId()),
          context.actor());
    }
  }

  private PipelineStatus statusOf(String name) {
    return store.status(name).orElse(PipelineStatus.pending(name, clock.instant()));
  }

  private PipelineView view(Pipeline pipeline, PipelineStatus status) {
    Optional<Operation> last = status.lastOperationId().flatMap(operations::find);
    return PipelineView.of(pipeline, status, last);
  }

  private static int parallelismOf(Pipeline pipeline) {
    Integer parallelism =
        pipeline.spec().runtime() == null ? null : pipeline.spec().runtime().parallelism();
    return parallelism == null ? 1 : parallelism;
  }

  private static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidPipelineException("name", "is required");
    }
    if (!LoaderSettings.PIPELINE_NAME_PATTERN.matcher(name).matches()) {
      throw new InvalidPipelineException(
          "name",
          "'"
              + name
              + "' is not a pipeline name: 1-63 lowercase letters, digits and"
              + " hyphens, starting with a letter and not ending with a hyphen");
    }
    return name;
  }

  private String describeChange(
      Pipeline before,
      Pipeline after,
      Map<String, String> oldSettings,
      Map<String, String> newSettings) {
    StringBuilder text = new StringBuilder("Pipeline updated to version " + after.generation());
    if (before.desiredState() != after.desiredState()) {
      text.append("; desired state ")
          .append(before.desiredState())
          .append(" -> ")
          .append(after.desiredState());
    }
    TreeMap<String, String> changed = new TreeMap<>();
    newSettings.forEach(
        (key, value) -> {
          if (!value.equals(oldSettings.get(key))) {
            changed.put(key, value);
          }
        });
    oldSettings.keySet().stream()
        .filter(key -> !newSettings.containsKey(key))
        .forEach(key -> changed.put(key, "(default)"));
    changed.keySet().removeIf(key -> key.startsWith("table.catalog."));
    if (!changed.isEmpty()) {
      text.append("; changed ").append(changed.keySet());
    }
    if (!before.labels().equals(after.labels())) {
      text.append("; labels ").append(after.labels());
    }
    return text.toString();
  }

  private String hash(PipelineRequest request) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonicalJson.writeValueAsString(request).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
