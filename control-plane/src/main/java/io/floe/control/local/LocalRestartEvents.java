package io.floe.control.local;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.DesiredState;
import io.floe.control.model.Pipeline;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.store.Events;
import io.floe.control.store.PipelineStore;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Tells the pipelines a restart of a local process touched, so that their events explain a
 * failover: a {@value #TYPE} event on each pipeline meant to run that runs on the local Flink
 * cluster (a JobManager or TaskManager restart) or reads from the local broker (a broker restart).
 */
@Component
public class LocalRestartEvents implements DisposableBean {
  static final String TYPE = "LOCAL_PROCESS_RESTARTED";
  static final String ACTOR = "local-stack";

  private final LocalStack stack;
  private final PipelineStore pipelines;
  private final Events events;
  private final RuntimeRegistry runtimes;
  private final Consumer<LocalStack.Restart> listener = this::record;

  public LocalRestartEvents(
      LocalStack stack, PipelineStore pipelines, Events events, RuntimeRegistry runtimes) {
    this.stack = requireNonNull(stack, "stack is null");
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.events = requireNonNull(events, "events is null");
    this.runtimes = requireNonNull(runtimes, "runtimes is null");
    stack.addRestartListener(listener);
  }

  void record(LocalStack.Restart restart) {
    String message = "Local " + restart.process().describe();
    for (Pipeline pipeline : pipelines.list()) {
      if (pipeline.desiredState() == DesiredState.RUNNING && touches(restart, pipeline)) {
        events.record(
            pipeline.name(), TYPE, message, Optional.empty(), Optional.empty(), Optional.of(ACTOR));
      }
    }
  }

  private boolean touches(LocalStack.Restart restart, Pipeline pipeline) {
    return switch (restart.service()) {
      case FLINK, S3 -> runsLocally(pipeline);
      case KAFKA ->
          pipeline.spec().source() != null
              && stack.isLocalKafka(pipeline.spec().source().bootstrapServers());
    };
  }

  /** Whether the pipeline runs on the local Flink cluster: its target, or the default one. */
  private boolean runsLocally(Pipeline pipeline) {
    String target = pipeline.spec().runtime().targetName().orElse(runtimes.defaultTarget());
    return LocalDemo.LOCAL_TARGET.equals(target);
  }

  @Override
  public void destroy() {
    stack.removeRestartListener(listener);
  }
}
