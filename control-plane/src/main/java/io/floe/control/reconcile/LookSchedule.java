package io.floe.control.reconcile;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the reconciler looks at each pipeline next, so that its cost follows change rather than the
 * number of pipelines: at once when it has an operation to carry out or its runtime's list of runs
 * shows its run in another state, at every pass while it is on the move (starting, failing,
 * recovering), and every {@code floe.reconcile.steady-interval} while it holds still. The steady
 * looks of pipelines are spread over the last quarter of that interval, each by its name, so that
 * pipelines created together are not all looked at in the same pass ever after.
 */
final class LookSchedule {
  private final Duration steadyInterval;
  private final Map<String, Look> looks = new ConcurrentHashMap<>();

  /**
   * A look at a pipeline.
   *
   * @param at when it ended
   * @param steady whether it left the pipeline holding still: nothing to carry out, its run where
   *     it should be
   * @param target the runtime target the pipeline runs on
   * @param runId its run, if any
   * @param runtimeState the run's state in the runtime's own words as seen then, if it was
   */
  record Look(
      Instant at,
      boolean steady,
      String target,
      Optional<String> runId,
      Optional<String> runtimeState) {
    Look {
      requireNonNull(at, "at is null");
      requireNonNull(target, "target is null");
      requireNonNull(runId, "runId is null");
      requireNonNull(runtimeState, "runtimeState is null");
    }
  }

  LookSchedule(Duration steadyInterval) {
    this.steadyInterval = requireNonNull(steadyInterval, "steadyInterval is null");
  }

  void looked(String pipeline, Look look) {
    looks.put(pipeline, look);
  }

  /** Forgets the look, so that the pipeline is looked at in the next pass. */
  void forget(String pipeline) {
    looks.remove(pipeline);
  }

  /** Forgets the pipelines that are gone. */
  void retain(Collection<String> pipelines) {
    Set<String> kept = Set.copyOf(pipelines);
    looks.keySet().removeIf(name -> !kept.contains(name));
  }

  /** The target of the pipeline's last steady look, if its last look was steady. */
  Optional<String> steadyTarget(String pipeline) {
    Look look = looks.get(pipeline);
    return look != null && look.steady() ? Optional.of(look.target()) : Optional.empty();
  }

  /** Whether a pipeline is looked at in this pass, and how soon. */
  enum Due {
    /** Not in this pass. */
    NO,
    /** Before any steady look: something changed, or the pipeline is on the move. */
    NOW,
    /** Its steady interval passed. */
    STEADY
  }

  /**
   * Whether the pipeline is looked at in this pass.
   *
   * @param operationPending whether it has an operation that has not finished
   * @param runStates the runs its runtime holds with their states, when the runtime lists them in
   *     one call (empty when it cannot, or the listing failed)
   */
  Due due(
      String pipeline,
      Instant now,
      boolean operationPending,
      Optional<Map<String, String>> runStates) {
    Look look = looks.get(pipeline);
    if (look == null || operationPending || !look.steady()) {
      return Due.NOW;
    }
    if (look.runId().isPresent() && runStates.isPresent()) {
      String listed = runStates.get().get(look.runId().get());
      if (listed == null || !look.runtimeState().equals(Optional.of(listed))) {
        return Due.NOW;
      }
    }
    return now.isBefore(look.at().plus(steadyWait(pipeline))) ? Due.NO : Due.STEADY;
  }

  /** The wait after a steady look: the steady interval less a spread of up to a quarter. */
  Duration steadyWait(String pipeline) {
    long quarter = steadyInterval.toMillis() / 4;
    long spread = quarter == 0 ? 0 : Math.floorMod(pipeline.hashCode() * 31L, quarter);
    return steadyInterval.minusMillis(spread);
  }
}
