package io.floe.control.store;

import io.floe.control.model.Event;
import io.floe.control.model.Operation;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where operations and events live. */
public interface OperationStore {
  void insert(Operation operation);

  void update(Operation operation);

  Optional<Operation> find(String id);

  /** The pipeline's operations, newest first. */
  List<Operation> list(String pipeline, int limit);

  /** The oldest operation of the pipeline that has not finished, if any. */
  Optional<Operation> nextUnfinished(String pipeline);

  /** The pipelines with an operation that has not finished: one query for every pipeline. */
  Set<String> pipelinesWithUnfinished();

  /** The operations with these ids that exist, by id: one query for a page of pipelines. */
  Map<String, Operation> findAll(Collection<String> ids);

  void append(Event event);

  /** The pipeline's events, newest first. */
  List<Event> events(String pipeline, int limit);

  /** Forgets a deleted pipeline's operations and events. */
  void deleteAll(String pipeline);
}
