package io.floe.control.local;

import static java.util.Objects.requireNonNull;

import io.floe.control.api.RequestContext;
import io.floe.control.operation.OperationStore;
import io.floe.control.pipeline.DesiredState;
import io.floe.control.pipeline.Pipeline;
import io.floe.control.pipeline.PipelineService;
import io.floe.control.pipeline.PipelineStore;
import io.floe.control.runtime.RuntimeRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Starts the local runtime's pipelines again when the control plane starts: the local Flink cluster
 * is new each time, so the runs they had are gone. Each start restores the savepoint Floe last
 * took, if any, or else continues from the Kafka offsets its table recorded. Runs before the
 * reconciler's first round, so a restart never shows up as a failure.
 */
@Component
@ConditionalOnProperty(name = "floe.local.flink", havingValue = "true")
public class LocalRestart implements SmartInitializingSingleton {
  static final String LOCAL_TARGET = "local";
  private static final Logger LOG = LoggerFactory.getLogger(LocalRestart.class);

  private final PipelineStore pipelines;
  private final OperationStore operations;
  private final PipelineService service;
  private final RuntimeRegistry runtimes;

  public LocalRestart(
      PipelineStore pipelines,
      OperationStore operations,
      PipelineService service,
      RuntimeRegistry runtimes) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.operations = requireNonNull(operations, "operations is null");
    this.service = requireNonNull(service, "service is null");
    this.runtimes = requireNonNull(runtimes, "runtimes is null");
  }

  @Override
  public void afterSingletonsInstantiated() {
    for (Pipeline pipeline : pipelines.list()) {
      if (runsLocally(pipeline, runtimes)
          && pipeline.desiredState() == DesiredState.RUNNING
          && operations.nextUnfinished(pipeline.name()).isEmpty()) {
        LOG.info("Starting pipeline {} again on the new local Flink cluster", pipeline.name());
        service.start(pipeline.name(), Optional.empty(), RequestContext.system("local-restart"));
      }
    }
  }

  /** Whether the pipeline runs on the local Flink cluster: its target, or the default one. */
  static boolean runsLocally(Pipeline pipeline, RuntimeRegistry runtimes) {
    String target =
        pipeline.spec().runtime() == null || pipeline.spec().runtime().target() == null
            ? runtimes.defaultTarget()
            : pipeline.spec().runtime().target();
    return LOCAL_TARGET.equals(target);
  }
}
