package io.floe.control.pipeline;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.DesiredState;
import io.floe.control.model.FieldProblem;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.ObservedState;
import io.floe.control.model.OperationType;
import io.floe.control.model.OperationView;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineConflictException;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.PipelineSpec;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.RequestContext;
import io.floe.control.model.SpecFields;
import io.floe.control.model.StaleVersionException;
import io.floe.control.model.UnresolvablePipelineException;
import io.floe.control.store.PipelineStore;
import io.floe.loader.settings.LoaderSettings;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The lifecycle commands of a stored pipeline (start, stop, restart, rescale, delete): each records
 * the user's intent and queues the operation that carries it out.
 */
@Service
public class PipelineLifecycle {
  /** The request field that a rescale's problems name instead of the spec's. */
  private static final String PARALLELISM = "parallelism";

  private final PipelineStore store;
  private final PipelineValidator validator;
  private final OperationRequests requests;
  private final PipelineQueries queries;
  private final Clock clock;

  public PipelineLifecycle(
      PipelineStore store,
      PipelineValidator validator,
      OperationRequests requests,
      PipelineQueries queries,
      Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.validator = requireNonNull(validator, "validator is null");
    this.requests = requireNonNull(requests, "requests is null");
    this.queries = requireNonNull(queries, "queries is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  public OperationView start(String name, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    setDesired(pipeline, DesiredState.RUNNING);
    return OperationView.of(requests.enqueue(name, OperationType.START, Map.of(), context));
  }

  public OperationView stop(String name, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    setDesired(pipeline, DesiredState.STOPPED);
    return OperationView.of(requests.enqueue(name, OperationType.STOP, Map.of(), context));
  }

  public OperationView restart(String name, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    if (pipeline.desiredState() != DesiredState.RUNNING) {
      throw new PipelineConflictException("Pipeline " + name + " is stopped: start it instead");
    }
    return OperationView.of(requests.enqueue(name, OperationType.RESTART, Map.of(), context));
  }

  /** A new parallelism: checked like a save (problems name the request's field), then RESCALE. */
  public OperationView parallelism(
      String name, int parallelism, boolean force, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    PipelineSpec spec =
        pipeline.spec().withRuntime(pipeline.spec().runtime().withParallelism(parallelism));
    LoaderSettings settings;
    try {
      settings = validator.validate(name, spec);
    } catch (InvalidPipelineException e) {
      throw new InvalidPipelineException(asParallelism(e.problems()));
    }
    try {
      validator.check(spec, settings, force);
    } catch (UnresolvablePipelineException e) {
      throw new UnresolvablePipelineException(asParallelism(e.problems()));
    }
    store.update(
        new Pipeline(
            name,
            spec,
            pipeline.desiredState(),
            pipeline.labels(),
            pipeline.generation() + 1,
            pipeline.createdAt(),
            clock.instant()),
        pipeline.generation());
    return OperationView.of(requests.rescale(name, parallelism, context));
  }

  public OperationView delete(String name, Optional<Long> ifMatch, RequestContext context) {
    Pipeline pipeline = current(name, ifMatch);
    setDesired(pipeline, DesiredState.STOPPED);
    PipelineStatus status = queries.statusOf(name);
    store.saveStatus(status.withState(ObservedState.DELETING, status.lastError(), clock.instant()));
    return OperationView.of(requests.enqueue(name, OperationType.DELETE, Map.of(), context));
  }

  private static List<FieldProblem> asParallelism(List<FieldProblem> problems) {
    return problems.stream()
        .map(
            p ->
                p.field().equals(SpecFields.RUNTIME_PARALLELISM)
                    ? new FieldProblem(PARALLELISM, p.message())
                    : p)
        .collect(Collectors.toList());
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

  private void setDesired(Pipeline pipeline, DesiredState desired) {
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
}
