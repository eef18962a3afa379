package io.floe.control.api;

import static java.util.Objects.requireNonNull;

import io.floe.control.schema.AddColumnRequest;
import io.floe.control.schema.SchemaChangeView;
import io.floe.control.schema.SchemaService;
import io.floe.control.schema.SchemaView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A pipeline's table schema: read it, add or drop columns; the loader restarts on its own. */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(
    name = "Schema",
    description = "The pipeline's table schema, changed without bouncing jobs by hand")
public class SchemaController {
  private static final String ROUTED_TABLE =
      "A routed pipeline's table (of the pipeline's namespace, one its route can name) instead of"
          + " the pipeline's own";

  private final SchemaService schemas;

  public SchemaController(SchemaService schemas) {
    this.schemas = requireNonNull(schemas, "schemas is null");
  }

  @GetMapping("/pipelines/{name}/schema")
  @Operation(summary = "The table's current schema")
  public SchemaView schema(
      @PathVariable String name,
      @Parameter(description = ROUTED_TABLE) @RequestParam(required = false) String table) {
    return schemas.schema(name, Optional.ofNullable(table));
  }

  @PostMapping("/pipelines/{name}/schema/columns")
  @Operation(
      summary = "Add a column",
      description =
          "Applied with Iceberg's schema update, retried while the loader's commits race it. A"
              + " running loader then restarts with its state (202 with the restart), or, with"
              + " table.schemaChanges live, follows it at its next checkpoint (200).")
  @Accepted(
      value = "The change, and the loader's restart that applies it (a running pipeline)",
      orOk = "The change, applied with no loader to restart")
  public ResponseEntity<SchemaChangeView> addColumn(
      @PathVariable String name,
      @Parameter(description = ROUTED_TABLE) @RequestParam(required = false) String table,
      @RequestBody AddColumnRequest body,
      HttpServletRequest request) {
    return answer(
        schemas.addColumn(name, Optional.ofNullable(table), body, RequestIds.context(request)));
  }

  @DeleteMapping("/pipelines/{name}/schema/columns/{column}")
  @Operation(
      summary = "Drop a column",
      description =
          "The loader stops writing it after its restart (or, with table.schemaChanges live, at"
              + " its next checkpoint).")
  @Accepted(
      value = "The change, and the loader's restart that applies it (a running pipeline)",
      orOk = "The change, applied with no loader to restart")
  public ResponseEntity<SchemaChangeView> dropColumn(
      @PathVariable String name,
      @PathVariable String column,
      @Parameter(description = ROUTED_TABLE) @RequestParam(required = false) String table,
      HttpServletRequest request) {
    return answer(
        schemas.dropColumn(name, Optional.ofNullable(table), column, RequestIds.context(request)));
  }

  private static ResponseEntity<SchemaChangeView> answer(SchemaChangeView change) {
    return ResponseEntity.status(change.restart() == null ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .body(change);
  }
}
