package io.floe.control.pipeline;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.Catalogs;
import io.floe.control.model.DesiredState;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.LoaderSettingsRenderer;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationType;
import io.floe.control.model.OperationView;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineExistsException;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.RequestContext;
import io.floe.control.model.SpecFields;
import io.floe.control.model.StaleVersionException;
import io.floe.control.model.UnresolvablePipelineException;
import io.floe.control.store.Events;
import io.floe.control.store.PipelineStore;
import io.floe.control.validation.PipelineChecks;
import io.floe.loader.settings.JobSettings;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.TableSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.springframework.stereotype.Service;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Saves pipeline definitions (create and replace): validates the spec, creates its table when
 * asked, stores the user's intent and queues the operation that a change calls for.
 */
@Service
public class PipelineDefinitions {
  private final PipelineStore store;
  private final PipelineValidator validator;
  private final LoaderSettingsRenderer renderer;
  private final Catalogs catalogs;
  private final Events events;
  private final OperationRequests requests;
  private final PipelineQueries queries;
  private final Clock clock;
  private final JsonMapper canonicalJson;

  public PipelineDefinitions(
      PipelineStore store,
      PipelineValidator validator,
      LoaderSettingsRenderer renderer,
      Catalogs catalogs,
      Events events,
      OperationRequests requests,
      PipelineQueries queries,
      Clock clock,
      JsonMapper json) {
    this.store = requireNonNull(store, "store is null");
    this.validator = requireNonNull(validator, "validator is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
    this.events = requireNonNull(events, "events is null");
    this.requests = requireNonNull(requests, "requests is null");
    this.queries = requireNonNull(queries, "queries is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.canonicalJson =
        json.rebuild().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
  }

  /** The outcome of a create or replace. */
  public record Saved(PipelineView view, boolean created, Optional<OperationView> operation) {}

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
        return new Saved(queries.get(earlier.get().pipeline()), true, Optional.empty());
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
          SpecFields.NAME, "'" + request.name() + "' differs from the path's '" + name + "'");
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
      return new Saved(queries.get(name), false, Optional.empty());
    }
    Map<String, String> oldSettings = renderer.settings(current).asMap();
    LoaderSettings settings = validator.validate(name, spec);
    PipelineChecks.Findings findings = validator.check(spec, settings, false);
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
      return new Saved(queries.view(next, queries.statusOf(name)), false, Optional.empty());
    }
    createTable(findings, name, context);
    store.update(next, current.generation());
    Map<String, String> newSettings = settings.asMap();
    events.record(
        name,
        "UPDATED",
        describeChange(current, next, oldSettings, newSettings),
        Optional.empty(),
        Optional.of(context.requestId()),
        context.actor());
    Optional<Operation> operation = operationFor(current, next, oldSettings, newSettings, context);
    return new Saved(queries.get(name), false, operation.map(OperationView::of));
  }

  private Saved createNew(
      String name, PipelineRequest request, boolean dryRun, RequestContext context) {
    PipelineSpec spec = request.spec();
    LoaderSettings settings = validator.validate(name, spec);
    PipelineChecks.Findings findings = validator.check(spec, settings, false);
    Instant now = clock.instant();
    Pipeline pipeline =
        new Pipeline(
            name, spec, request.desiredStateOrDefault(), request.labelsOrEmpty(), 1, now, now);
    if (dryRun) {
      return new Saved(
          queries.view(pipeline, PipelineStatus.pending(name, now)), true, Optional.empty());
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
            ? Optional.of(requests.enqueue(name, OperationType.START, Map.of(), context))
            : Optional.empty();
    return new Saved(queries.get(name), true, operation.map(OperationView::of));
  }

  /** What a saved change calls for: start or stop, a restart with new settings, or a rescale. */
  private Optional<Operation> operationFor(
      Pipeline before,
      Pipeline after,
      Map<String, String> oldSettings,
      Map<String, String> newSettings,
      RequestContext context) {
    String name = after.name();
    if (before.desiredState() != after.desiredState()) {
      return Optional.of(
          requests.enqueue(
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
        || !before.spec().runtime().artifactPin().equals(after.spec().runtime().artifactPin())) {
      return Optional.of(requests.enqueue(name, OperationType.UPDATE, Map.of(), context));
    }
    String parallelism = JobSettings.PARALLELISM.key();
    if (!Objects.equals(oldSettings.get(parallelism), newSettings.get(parallelism))) {
      return Optional.of(
          requests.rescale(name, after.spec().runtime().parallelismOrDefault(), context));
    }
    return Optional.empty();
  }

  private static Map<String, String> withoutParallelism(Map<String, String> settings) {
    Map<String, String> copy = new TreeMap<>(settings);
    copy.remove(JobSettings.PARALLELISM.key());
    return copy;
  }

  private void createTable(
      PipelineChecks.Findings findings, String pipeline, RequestContext context) {
    findings
        .identifierFieldsToSet()
        .ifPresent(fields -> setIdentifierFields(fields, pipeline, context));
    if (findings.tableToCreate().isEmpty()) {
      return;
    }
    PipelineChecks.TableToCreate table = findings.tableToCreate().get();
    Catalog catalog = catalogs.catalog(table.catalog());
    if (catalog instanceof SupportsNamespaces namespaces) {
      ensureNamespace(namespaces, table.identifier().namespace());
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

  /** Makes an upsert pipeline's key the identifier fields of its table, which had none. */
  private void setIdentifierFields(
      PipelineChecks.IdentifierFields fields, String pipeline, RequestContext context) {
    Table table = catalogs.catalog(fields.catalog()).loadTable(fields.table());
    if (!table.schema().identifierFieldNames().isEmpty()) {
      return;
    }
    table.updateSchema().setIdentifierFields(fields.columns()).commit();
    events.record(
        pipeline,
        "TABLE_CHANGED",
        "Set the identifier fields of table "
            + fields.table()
            + " to "
            + String.join(", ", fields.columns())
            + ": the pipeline upserts by this key",
        Optional.empty(),
        Optional.of(context.requestId()),
        context.actor());
  }

  /**
   * Creates the namespace unless it exists, also when another request creates it at the same time:
   * a JDBC catalog fails the second insert with a duplicate key, not AlreadyExistsException, so
   * only a namespace still missing afterwards is a failure.
   */
  static void ensureNamespace(SupportsNamespaces namespaces, Namespace namespace) {
    if (namespaces.namespaceExists(namespace)) {
      return;
    }
    try {
      namespaces.createNamespace(namespace);
    } catch (RuntimeException e) {
      if (!namespaces.namespaceExists(namespace)) {
        throw e;
      }
    }
  }

  private static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidPipelineException(SpecFields.NAME, "is required");
    }
    if (!LoaderSettings.PIPELINE_NAME_PATTERN.matcher(name).matches()) {
      throw new InvalidPipelineException(
          SpecFields.NAME,
          "'"
              + name
              + "' is not a pipeline name: 1-63 lowercase letters, digits and"
              + " hyphens, starting with a letter and not ending with a hyphen");
    }
    return name;
  }

  private static String describeChange(
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
    changed.keySet().removeIf(key -> key.startsWith(TableSettings.CATALOG_PREFIX));
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
