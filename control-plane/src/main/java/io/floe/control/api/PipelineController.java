package io.floe.control.api;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.DesiredState;
import io.floe.control.model.EventView;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.ObservedState;
import io.floe.control.model.OperationView;
import io.floe.control.pipeline.ParallelismRequest;
import io.floe.control.pipeline.PipelineDefinitions;
import io.floe.control.pipeline.PipelineLifecycle;
import io.floe.control.pipeline.PipelineQueries;
import io.floe.control.pipeline.PipelineRequest;
import io.floe.control.pipeline.PipelineView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The pipelines API: create, read, update and delete pipelines, and run their lifecycle. */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Pipelines", description = "Kafka topics to Iceberg tables, and their loaders")
public class PipelineController {
  private final PipelineDefinitions definitions;
  private final PipelineLifecycle lifecycle;
  private final PipelineQueries queries;

  public PipelineController(
      PipelineDefinitions definitions, PipelineLifecycle lifecycle, PipelineQueries queries) {
    this.definitions = requireNonNull(definitions, "definitions is null");
    this.lifecycle = requireNonNull(lifecycle, "lifecycle is null");
    this.queries = requireNonNull(queries, "queries is null");
  }

  @PostMapping("/pipelines")
  @Operation(
      summary = "Create a pipeline",
      description = "Idempotent with an Idempotency-Key header.")
  public ResponseEntity<PipelineView> create(
      @RequestBody PipelineRequest body,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
      @Parameter(description = "Validate only; save nothing") @RequestParam(defaultValue = "false")
          boolean dryRun,
      HttpServletRequest request) {
    PipelineDefinitions.Saved saved =
        definitions.create(
            body, Optional.ofNullable(idempotencyKey), dryRun, RequestIds.context(request));
    return saved(saved, dryRun);
  }

  @PutMapping("/pipelines/{name}")
  @Operation(
      summary = "Create or replace a pipeline",
      description =
          "Without If-Match: create, or replace unconditionally; the same body twice changes"
              + " nothing. With If-Match: replace only that version (412 otherwise).")
  public ResponseEntity<PipelineView> put(
      @PathVariable String name,
      @RequestBody PipelineRequest body,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      @RequestParam(defaultValue = "false") boolean dryRun,
      HttpServletRequest request) {
    PipelineDefinitions.Saved saved =
        definitions.put(name, body, version(ifMatch), dryRun, RequestIds.context(request));
    return saved(saved, dryRun);
  }

  @GetMapping("/pipelines")
  @Operation(
      summary = "List pipelines",
      description =
          "Filter by observed state, desired state and labels (key=value, repeatable). A"
              + " replica's list shows its own changes at once and other replicas' within"
              + " floe.store.listing-max-age (1 s); GET /pipelines/{name} is always current.")
  public PipelineQueries.Page list(
      @RequestParam(required = false) ObservedState state,
      @RequestParam(required = false) DesiredState desiredState,
      @RequestParam(name = "label", required = false) List<String> labels,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    Map<String, String> wanted = new LinkedHashMap<>();
    for (String label : labels == null ? List.<String>of() : labels) {
      int eq = label.indexOf('=');
      if (eq <= 0) {
        throw new InvalidPipelineException("label", "'" + label + "' is not key=value");
      }
      wanted.put(label.substring(0, eq), label.substring(eq + 1));
    }
    return queries.list(
        Optional.ofNullable(state), Optional.ofNullable(desiredState), wanted, page, size);
  }

  @GetMapping("/pipelines/{name}")
  @Operation(summary = "Get a pipeline, its desired and its observed state")
  public ResponseEntity<PipelineView> get(@PathVariable String name) {
    PipelineView view = queries.get(name);
    return ResponseEntity.ok().eTag(etag(view)).body(view);
  }

  @DeleteMapping("/pipelines/{name}")
  @Operation(
      summary = "Delete a pipeline",
      description = "Stops its loader with a savepoint, then removes it; the table is kept.")
  @Accepted("The operation, running in the background; follow it at Location (/operations/{id})")
  public ResponseEntity<OperationView> delete(
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      HttpServletRequest request) {
    return accepted(lifecycle.delete(name, version(ifMatch), RequestIds.context(request)));
  }

  @PostMapping("/pipelines/{name}/start")
  @Operation(summary = "Start the loader", description = "Restores the last savepoint, if any.")
  @Accepted("The operation, running in the background; follow it at Location (/operations/{id})")
  public ResponseEntity<OperationView> start(
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      HttpServletRequest request) {
    return accepted(lifecycle.start(name, version(ifMatch), RequestIds.context(request)));
  }

  @PostMapping("/pipelines/{name}/stop")
  @Operation(summary = "Stop the loader with a savepoint")
  @Accepted("The operation, running in the background; follow it at Location (/operations/{id})")
  public ResponseEntity<OperationView> stop(
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      HttpServletRequest request) {
    return accepted(lifecycle.stop(name, version(ifMatch), RequestIds.context(request)));
  }

  @PostMapping("/pipelines/{name}/restart")
  @Operation(
      summary = "Restart the loader, restoring its state",
      description = "Stop with a savepoint, then start from it.")
  @Accepted("The operation, running in the background; follow it at Location (/operations/{id})")
  public ResponseEntity<OperationView> restart(
      @PathVariable String name,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      HttpServletRequest request) {
    return accepted(lifecycle.restart(name, version(ifMatch), RequestIds.context(request)));
  }

  @PostMapping("/pipelines/{name}/parallelism")
  @Operation(
      summary = "Change the parallelism",
      description = "Refused above the topics' partition count unless force is true.")
  @Accepted("The operation, running in the background; follow it at Location (/operations/{id})")
  public ResponseEntity<OperationView> parallelism(
      @PathVariable String name,
      @RequestBody ParallelismRequest body,
      @RequestHeader(name = "If-Match", required = false) String ifMatch,
      HttpServletRequest request) {
    if (body.parallelism() == null) {
      throw new InvalidPipelineException("parallelism", "is required");
    }
    if (body.parallelism() < 1) {
      throw new InvalidPipelineException("parallelism", body.parallelism() + " is below 1");
    }
    return accepted(
        lifecycle.parallelism(
            name,
            body.parallelism(),
            Boolean.TRUE.equals(body.force()),
            version(ifMatch),
            RequestIds.context(request)));
  }

  @GetMapping("/pipelines/{name}/operations")
  @Operation(summary = "The pipeline's operations, newest first")
  public List<OperationView> operations(
      @PathVariable String name, @RequestParam(defaultValue = "50") int limit) {
    return queries.operations(name, Math.max(1, Math.min(limit, 500)));
  }

  @GetMapping("/operations/{id}")
  @Operation(summary = "One operation: poll until it SUCCEEDED or FAILED")
  public OperationView operation(@PathVariable String id) {
    return queries.operation(id);
  }

  @GetMapping("/pipelines/{name}/events")
  @Operation(summary = "What happened to the pipeline, newest first")
  public List<EventView> events(
      @PathVariable String name, @RequestParam(defaultValue = "100") int limit) {
    return queries.events(name, Math.max(1, Math.min(limit, 1000)));
  }

  private static ResponseEntity<PipelineView> saved(
      PipelineDefinitions.Saved saved, boolean dryRun) {
    PipelineView view = saved.view();
    if (saved.created() && !dryRun) {
      return ResponseEntity.created(URI.create("/pipelines/" + view.name()))
          .eTag(etag(view))
          .body(view);
    }
    return ResponseEntity.ok().eTag(etag(view)).body(view);
  }

  private static ResponseEntity<OperationView> accepted(OperationView operation) {
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/operations/" + operation.id()))
        .body(operation);
  }

  private static String etag(PipelineView view) {
    return "\"" + view.generation() + "\"";
  }

  /** Parses an If-Match ETag ("3", W/"3" or 3); an unparseable one is a 400. */
  static Optional<Long> version(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank()) {
      return Optional.empty();
    }
    String text = ifMatch.trim();
    if (text.startsWith("W/")) {
      text = text.substring(2);
    }
    text = text.replace("\"", "");
    try {
      return Optional.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw new InvalidPipelineException(
          "If-Match", "'" + ifMatch + "' is not an ETag of this API");
    }
  }
}
