package io.floe.control.store;

import io.floe.control.model.DesiredState;
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
   * Every pipeline's name, desired state and labels with its status, by name, in one query and
   * without its spec: what a page of the API is filtered from.
   */
  List<Listed> listWithStatus();

  /** The pipelines of these names that exist, by name, in one query: a page's specs. */
  List<Pipeline> findAll(Collection<String> names);

  /** Every pipeline's name, sorted: the cheapest look at which pipelines exist. */
  List<String> names();

  /** A pipeline's name, desired state and labels with its status, empty when none was saved yet. */
  record Listed(
      String name,
      DesiredState desiredState,
      Map<String, String> labels,
      Optional<PipelineStatus> status) {}

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
