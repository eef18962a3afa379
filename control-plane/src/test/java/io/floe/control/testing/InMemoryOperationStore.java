package io.floe.control.testing;

import io.floe.control.model.Event;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationState;
import io.floe.control.store.OperationStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.dao.DuplicateKeyException;

/**
 * Operations and events in memory, for unit tests: it passes the store contract the databases pass,
 * and tells a listener of every write it made, e.g. to let a test stop the control plane right
 * after one.
 */
public final class InMemoryOperationStore implements OperationStore {
  /** In insertion order, which orders operations as the database's sequence does. */
  private final Map<String, Operation> operations = new LinkedHashMap<>();

  private final List<Event> events = new ArrayList<>();
  private long lastEventId;
  private volatile Consumer<String> afterWrite = write -> {};

  /** Called after every write, with what was written. */
  public void afterWrite(Consumer<String> listener) {
    this.afterWrite = listener;
  }

  @Override
  public void insert(Operation operation) {
    synchronized (this) {
      if (operations.containsKey(operation.id())) {
        throw new DuplicateKeyException("Operation " + operation.id() + " exists");
      }
      operations.put(operation.id(), operation);
    }
    afterWrite.accept("insert " + operation.type() + " " + operation.id());
  }

  /** Stores what an update may change (state, progress, outcome, times), as the database does. */
  @Override
  public void update(Operation operation) {
    synchronized (this) {
      Operation stored = operations.get(operation.id());
      if (stored == null) {
        return;
      }
      operations.put(
          operation.id(),
          new Operation(
              stored.id(),
              stored.pipeline(),
              stored.type(),
              operation.state(),
              stored.parameters(),
              operation.progress(),
              stored.requestId(),
              stored.actor(),
              operation.outcome(),
              stored.createdAt(),
              operation.updatedAt(),
              operation.finishedAt()));
    }
    afterWrite.accept(
        "update " + operation.type() + " " + operation.state() + " " + operation.progress());
  }

  @Override
  public synchronized Optional<Operation> find(String id) {
    return Optional.ofNullable(operations.get(id));
  }

  @Override
  public synchronized List<Operation> list(String pipeline, int limit) {
    List<Operation> of = new ArrayList<>();
    for (Operation operation : operations.values()) {
      if (operation.pipeline().equals(pipeline)) {
        of.add(0, operation);
      }
    }
    return List.copyOf(of.subList(0, Math.min(limit, of.size())));
  }

  @Override
  public synchronized Optional<Operation> nextUnfinished(String pipeline) {
    return operations.values().stream()
        .filter(operation -> operation.pipeline().equals(pipeline))
        .filter(
            operation ->
                operation.state() == OperationState.PENDING
                    || operation.state() == OperationState.RUNNING)
        .findFirst();
  }

  @Override
  public synchronized Set<String> pipelinesWithUnfinished() {
    Set<String> pipelines = new HashSet<>();
    for (Operation operation : operations.values()) {
      if (operation.state() == OperationState.PENDING
          || operation.state() == OperationState.RUNNING) {
        pipelines.add(operation.pipeline());
      }
    }
    return pipelines;
  }

  @Override
  public synchronized Map<String, Operation> findAll(Collection<String> ids) {
    Map<String, Operation> found = new HashMap<>();
    for (String id : ids) {
      Operation operation = operations.get(id);
      if (operation != null) {
        found.put(id, operation);
      }
    }
    return found;
  }

  @Override
  public void append(Event event) {
    synchronized (this) {
      events.add(
          new Event(
              ++lastEventId,
              event.pipeline(),
              event.at(),
              event.type(),
              event.message(),
              event.operationId(),
              event.requestId(),
              event.actor()));
    }
    afterWrite.accept("event " + event.type());
  }

  @Override
  public synchronized List<Event> events(String pipeline, int limit) {
    List<Event> of = new ArrayList<>();
    for (Event event : events) {
      if (event.pipeline().equals(pipeline)) {
        of.add(0, event);
      }
    }
    return List.copyOf(of.subList(0, Math.min(limit, of.size())));
  }

  @Override
  public void deleteAll(String pipeline) {
    synchronized (this) {
      operations.values().removeIf(operation -> operation.pipeline().equals(pipeline));
      events.removeIf(event -> event.pipeline().equals(pipeline));
    }
    afterWrite.accept("delete all of " + pipeline);
  }
}
