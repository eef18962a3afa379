package io.floe.control.api;

import static java.util.Objects.requireNonNull;

import io.floe.control.maintenance.MaintenanceRunView;
import io.floe.control.maintenance.MaintenanceService;
import io.floe.control.maintenance.MaintenanceView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A pipeline's table maintenance: its schedule and runs, and a run now. */
@RestController
@Tag(
    name = "Maintenance",
    description = "Compaction, snapshot expiry, retention and orphan-file cleanup of a table")
public class MaintenanceController {
  private final MaintenanceService maintenance;

  public MaintenanceController(MaintenanceService maintenance) {
    this.maintenance = requireNonNull(maintenance, "maintenance is null");
  }

  @GetMapping("/pipelines/{name}/maintenance")
  @Operation(
      summary = "The pipeline's maintenance tasks",
      description =
          "Each task's effective settings (defaults filled in), when it runs next and its last"
              + " run. Settings are changed in the pipeline's maintenance block.")
  public MaintenanceView overview(@PathVariable String name) {
    return maintenance.overview(name);
  }

  @PostMapping("/pipelines/{name}/maintenance/{task}/run")
  @Operation(
      summary = "Run a maintenance task now",
      description =
          "task is compaction, snapshot-expiry, retention or orphan-files. The run starts as soon"
              + " as no other maintenance runs on the table; poll it until SUCCEEDED or FAILED.")
  @Accepted("The run, queued; follow it at Location")
  public ResponseEntity<MaintenanceRunView> run(
      @PathVariable String name, @PathVariable String task, HttpServletRequest request) {
    MaintenanceRunView run = maintenance.request(name, task, RequestIds.context(request));
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/pipelines/" + name + "/maintenance/runs/" + run.id()))
        .body(run);
  }

  @GetMapping("/pipelines/{name}/maintenance/runs")
  @Operation(summary = "The pipeline's maintenance runs, newest first, optionally of one task")
  public List<MaintenanceRunView> runs(
      @PathVariable String name,
      @RequestParam(required = false) String task,
      @RequestParam(defaultValue = "50") int limit) {
    return maintenance.runs(name, Optional.ofNullable(task), Math.max(1, Math.min(limit, 500)));
  }

  @GetMapping("/pipelines/{name}/maintenance/runs/{id}")
  @Operation(summary = "One maintenance run, with its figures")
  public MaintenanceRunView run(@PathVariable String name, @PathVariable String id) {
    return maintenance.run(name, id);
  }
}
