package io.floe.control.api;

import static java.util.Objects.requireNonNull;

import io.floe.control.health.HealthMonitor;
import io.floe.control.health.PipelineHealth;
import io.floe.control.model.PipelineNotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A pipeline's health, with its reasons and figures. */
@RestController
@Tag(name = "Health", description = "Whether pipelines load data on time")
public class HealthController {
  private final HealthMonitor monitor;

  public HealthController(HealthMonitor monitor) {
    this.monitor = requireNonNull(monitor, "monitor is null");
  }

  @GetMapping(value = "/pipelines/{name}/health", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "A pipeline's health",
      description =
          "HEALTHY, DEGRADED, FAILING, STOPPED or UNKNOWN with every reason, judged from the"
              + " table's commits (freshness, cadence, rows and dead letters per minute, files),"
              + " Kafka lag and the runtime (state, restarts, failed checkpoints).")
  public PipelineHealth health(@PathVariable String name) {
    return monitor.health(name).orElseThrow(() -> new PipelineNotFoundException(name));
  }
}
