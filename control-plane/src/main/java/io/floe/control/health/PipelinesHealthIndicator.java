package io.floe.control.health;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The pipelines in {@code /actuator/health}: each one's status and reasons. A failing pipeline
 * shows as {@code PIPELINES_FAILING}, which the health endpoint answers with 200 and which is in
 * neither the liveness nor the readiness group: one bad pipeline must not take the control plane
 * out of its load balancer, since the control plane is what fixes it.
 */
@Component("pipelines")
public class PipelinesHealthIndicator implements HealthIndicator {
  public static final Status DEGRADED = new Status("PIPELINES_DEGRADED");
  public static final Status FAILING = new Status("PIPELINES_FAILING");

  private final HealthMonitor monitor;

  public PipelinesHealthIndicator(HealthMonitor monitor) {
    this.monitor = requireNonNull(monitor, "monitor is null");
  }

  @Override
  public Health health() {
    Map<String, Object> details = new TreeMap<>();
    Status status = Status.UP;
    for (PipelineHealth pipeline : monitor.all().values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("status", pipeline.status());
      entry.put("reasons", pipeline.reasons());
      details.put(pipeline.pipeline(), entry);
      if (pipeline.status() == HealthStatus.FAILING) {
        status = FAILING;
      } else if (pipeline.status() == HealthStatus.DEGRADED && status == Status.UP) {
        status = DEGRADED;
      }
    }
    return Health.status(status).withDetails(details).build();
  }
}
