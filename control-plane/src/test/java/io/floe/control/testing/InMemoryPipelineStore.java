package io.floe.control.testing;

import io.floe.control.model.ObservedState;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineExistsException;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.StaleVersionException;
import io.floe.control.store.PipelineStore;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;

/**
 * The pipeline store in memory, for unit tests: it passes the store contract the databases pass
 * (the same exceptions included), and tells a listener of every write it made, e.g. to let a test
 * stop the control plane right after one.
 */
public final class InMemoryPipelineStore implements PipelineStore {
  private final Map<String, Pipeline> pipelines = new TreeMap<>();
  private final Map<String, PipelineStatus> statuses = new HashMap<>();
  private final Map<String, IdempotentRequest> keys = new HashMap<>();
  private volatile Consumer<String> afterWrite = write -> {};

  /** Called after every write, with what was written. */
  public void afterWrite(Consumer<String> listener) {
    this.afterWrite = listener;
  }

  @Override
  public synchronized Optional<Pipeline> find(String name) {
    return Optional.ofNullable(pipelines.get(name));
  }

  @Override
  public synchronized List<Pipeline> list() {
    return List.copyOf(pipelines.values());
  }

  @Override
  public synchronized List<Listed> listing() {
    return pipelines.values().stream()
        .map(
            pipeline ->
                new Listed(
                    pipeline.name(),
                    pipeline.desiredState(),
                    pipeline.labels(),
                    status(pipeline.name())
                        .map(PipelineStatus::observedState)
                        .orElse(ObservedState.PENDING)))
        .sorted(Comparator.comparing(Listed::name))
        .toList();
  }

  @Override
  public synchronized Map<String, PipelineStatus> statuses(Collection<String> names) {
    Map<String, PipelineStatus> found = new HashMap<>();
    for (String name : names) {
      status(name).ifPresent(status -> found.put(name, status));
    }
    return found;
  }

  @Override
  public synchronized List<Pipeline> findAll(java.util.Collection<String> names) {
    return pipelines.values().stream().filter(p -> names.contains(p.name())).toList();
  }

  @Override
  public synchronized List<String> names() {
    return pipelines.keySet().stream().sorted().toList();
  }

  @Override
  public void insert(Pipeline pipeline, PipelineStatus status) {
    synchronized (this) {
      if (pipelines.containsKey(pipeline.name())) {
        throw new PipelineExistsException(pipeline.name());
      }
      if (!status.name().equals(pipeline.name())) {
        throw new DataIntegrityViolationException(
            "The status of " + status.name() + " is not the status of " + pipeline.name());
      }
      pipelines.put(pipeline.name(), pipeline);
      statuses.put(status.name(), status);
    }
    afterWrite.accept("insert " + pipeline.name());
  }

  @Override
  public void update(Pipeline pipeline, long expectedGeneration) {
    synchronized (this) {
      Pipeline stored = pipelines.get(pipeline.name());
      if (stored == null) {
        throw new PipelineNotFoundException(pipeline.name());
      }
      if (stored.generation() != expectedGeneration) {
        throw new StaleVersionException(
            "Pipeline " + pipeline.name() + " is no longer at version " + expectedGeneration);
      }
      pipelines.put(pipeline.name(), pipeline);
    }
    afterWrite.accept("update " + pipeline.name());
  }

  @Override
  public void delete(String name) {
    synchronized (this) {
      keys.values().removeIf(request -> request.pipeline().equals(name));
      statuses.remove(name);
      pipelines.remove(name);
    }
    afterWrite.accept("delete " + name);
  }

  @Override
  public synchronized Optional<PipelineStatus> status(String name) {
    return Optional.ofNullable(statuses.get(name));
  }

  @Override
  public void saveStatus(PipelineStatus status) {
    synchronized (this) {
      if (!pipelines.containsKey(status.name())) {
        throw new DataIntegrityViolationException("No pipeline " + status.name());
      }
      statuses.put(status.name(), status);
    }
    afterWrite.accept("status " + status.name() + " " + status.observedState());
  }

  @Override
  public synchronized Optional<IdempotentRequest> idempotencyKey(String key) {
    return Optional.ofNullable(keys.get(key));
  }

  @Override
  public void saveIdempotencyKey(String key, IdempotentRequest request) {
    synchronized (this) {
      if (keys.containsKey(key)) {
        throw new DuplicateKeyException("Idempotency key " + key + " is taken");
      }
      keys.put(key, request);
    }
    afterWrite.accept("idempotency key " + key);
  }
}
