package io.floe.control.pipeline;

import static java.util.Objects.requireNonNull;

import io.floe.control.model.DesiredState;
import io.floe.control.model.EventView;
import io.floe.control.model.InvalidPipelineException;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationNotFoundException;
import io.floe.control.model.OperationView;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineNotFoundException;
import io.floe.control.model.PipelineStatus;
import io.floe.control.store.OperationStore;
import io.floe.control.store.PipelineStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/** What the API reads: pipelines as views with their observed state, operations and events. */
@Service
public class PipelineQueries {
  private final PipelineStore store;
  private final OperationStore operations;
  private final Clock clock;

  public PipelineQueries(PipelineStore store, OperationStore operations, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.operations = requireNonNull(operations, "operations is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * A page of pipelines.
   *
   * @param items the pipelines of this page, by name
   * @param page the page's number, from 0
   * @param size the most pipelines a page holds
   * @param total how many pipelines match, on all pages
   */
  public record Page(List<PipelineView> items, int page, int size, int total) {}

  public PipelineView get(String name) {
    Pipeline pipeline = store.find(name).orElseThrow(() -> new PipelineNotFoundException(name));
    return view(pipeline, statusOf(name));
  }

  public Page list(
      Optional<ObservedState> state,
      Optional<DesiredState> desired,
      Map<String, String> labels,
      int page,
      int size) {
    if (page < 0) {
      throw new InvalidPipelineException("page", "must be 0 or more");
    }
    if (size < 1 || size > 500) {
      throw new InvalidPipelineException("size", "must be between 1 and 500");
    }
    // One query for every pipeline's name, states and labels, then one each for the page's specs,
    // statuses and last operations: a page costs the same whatever the number of pipelines.
    List<PipelineStore.Listed> matching =
        store.listing().stream()
            .filter(listed -> state.map(s -> s == listed.observedState()).orElse(true))
            .filter(listed -> desired.map(d -> d == listed.desiredState()).orElse(true))
            .filter(listed -> labels.isEmpty() || hasLabels(listed, labels))
            .toList();
    int from = Math.min(page * size, matching.size());
    int to = Math.min(from + size, matching.size());
    List<String> onPage =
        matching.subList(from, to).stream().map(PipelineStore.Listed::name).toList();
    Map<String, Pipeline> specs = new HashMap<>();
    store.findAll(onPage).forEach(pipeline -> specs.put(pipeline.name(), pipeline));
    Map<String, PipelineStatus> statuses = store.statuses(onPage);
    Map<String, Operation> last =
        operations.findAll(
            statuses.values().stream()
                .map(PipelineStatus::lastOperationId)
                .flatMap(Optional::stream)
                .toList());
    List<PipelineView> items = new ArrayList<>();
    for (String name : onPage) {
      Pipeline pipeline = specs.get(name);
      if (pipeline != null) { // deleted between the queries
        PipelineStatus status =
            statuses.getOrDefault(name, PipelineStatus.pending(name, clock.instant()));
        items.add(PipelineView.of(pipeline, status, status.lastOperationId().map(last::get)));
      }
    }
    return new Page(items, page, size, matching.size());
  }

  private static boolean hasLabels(PipelineStore.Listed listed, Map<String, String> labels) {
    return listed.labels().entrySet().containsAll(labels.entrySet());
  }

  public List<OperationView> operations(String name, int limit) {
    return operations.list(name, limit).stream()
        .map(OperationView::of)
        .collect(Collectors.toList());
  }

  public OperationView operation(String id) {
    return operations
        .find(id)
        .map(OperationView::of)
        .orElseThrow(() -> new OperationNotFoundException(id));
  }

  public List<EventView> events(String name, int limit) {
    if (store.find(name).isEmpty() && operations.list(name, 1).isEmpty()) {
      throw new PipelineNotFoundException(name);
    }
    return operations.events(name, limit).stream().map(EventView::of).collect(Collectors.toList());
  }

  /** The pipeline's observed state, pending when nothing was observed yet. */
  PipelineStatus statusOf(String name) {
    return store.status(name).orElse(PipelineStatus.pending(name, clock.instant()));
  }

  /** The view of a pipeline (stored or about to be) with the given status. */
  PipelineView view(Pipeline pipeline, PipelineStatus status) {
    Optional<Operation> last = status.lastOperationId().flatMap(operations::find);
    return PipelineView.of(pipeline, status, last);
  }
}
