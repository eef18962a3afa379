package io.floe.control.store;

import io.floe.control.model.DesiredState;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Pipeline;
import io.floe.control.model.PipelineExistsException;
import io.floe.control.model.PipelineStatus;
import io.floe.control.model.StaleVersionException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where pipelines, their status and idempotency keys live: the database, behind one seam. */
public interface PipelineStore {
  Optional<Pipeline> find(String name);

  /** Every pipeline, by name. */
  List<Pipeline> list();

  /**
   * Every pipeline's name, desired state, labels and observed state, by name, in one query and
   * without its spec or the rest of its status: what a page of the API is chosen from.
   */
  List<Listed> listing();

  /** The saved statuses of the pipelines of these names, by name, in one query: a page's. */
  Map<String, PipelineStatus> statuses(Collection<String> names);

  /** The pipelines of these names that exist, by name, in one query: a page's specs. */
  List<Pipeline> findAll(Collection<String> names);

  /** Every pipeline's name, sorted: the cheapest look at which pipelines exist. */
  List<String> names();

  /**
   * A pipeline as a page is chosen from.
   *
   * @param observedState its saved observed state, PENDING when no status was saved yet
   */
  record Listed(
      String name,
      DesiredState desiredState,
      Map<String, String> labels,
      ObservedState observedState) {}

  /**
   * Stores a new pipeline with its initial status.
   *
   * @throws PipelineExistsException when the name is taken
   */
  void insert(Pipeline pipeline, PipelineStatus status);

  /**
   * Replaces a pipeline if its stored generation is still {@code expectedGeneration}.
   *
   * @throws StaleVersionException when someone else changed it first
   */
  void update(Pipeline pipeline, long expectedGeneration);

  void delete(String name);

  Optional<PipelineStatus> status(String name);

  void saveStatus(PipelineStatus status);

  /** The pipeline an idempotency key created, and the hash of the request that used it. */
  Optional<IdempotentRequest> idempotencyKey(String key);

  void saveIdempotencyKey(String key, IdempotentRequest request);

  /** A request made with an {@code Idempotency-Key}. */
  record IdempotentRequest(String requestHash, String pipeline) {}
}
