package io.floe.control.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A runtime behind a {@link ThrottleGate}: while the gate is open, every call fails at once with a
 * {@link RuntimeThrottledException} and never reaches the service; a throttled answer opens it, a
 * successful call closes it. What else a call throws passes unchanged. Applied to every runtime
 * where the registry is built, so that the reconciler and the health monitor need not know.
 */
public final class ThrottledRuntime implements PipelineRuntime {
  private final PipelineRuntime runtime;
  private final ThrottleGate gate;

  public ThrottledRuntime(PipelineRuntime runtime, ThrottleGate gate) {
    this.runtime = requireNonNull(runtime, "runtime is null");
    this.gate = requireNonNull(gate, "gate is null");
  }

  /** The runtime behind the gate. */
  public PipelineRuntime runtime() {
    return runtime;
  }

  public ThrottleGate gate() {
    return gate;
  }

  @Override
  public Optional<RunObservation> observe(String runId) {
    return call(() -> runtime.observe(runId));
  }

  @Override
  public Optional<Map<String, String>> runStates() {
    return call(runtime::runStates);
  }

  @Override
  public void submit(RunSubmission submission) {
    run(() -> runtime.submit(submission));
  }

  @Override
  public void stopWithSavepoint(String runId, String triggerId) {
    run(() -> runtime.stopWithSavepoint(runId, triggerId));
  }

  @Override
  public SavepointOutcome savepoint(String runId, String triggerId) {
    return call(() -> runtime.savepoint(runId, triggerId));
  }

  @Override
  public List<String> liveRuns(String pipeline) {
    return call(() -> runtime.liveRuns(pipeline));
  }

  @Override
  public void cancel(String runId) {
    run(() -> runtime.cancel(runId));
  }

  @Override
  public List<String> retainedCheckpoints(String runId) {
    return call(() -> runtime.retainedCheckpoints(runId));
  }

  @Override
  public Optional<String> resumePoint(String runId, Optional<String> startedFrom) {
    return call(() -> runtime.resumePoint(runId, startedFrom));
  }

  @Override
  public boolean rescaleInPlace(String runId, int parallelism) {
    return call(() -> runtime.rescaleInPlace(runId, parallelism));
  }

  /** The service's limits are checked without calling it: never held back. */
  @Override
  public List<String> limits(Map<String, String> settings, int parallelism) {
    return runtime.limits(settings, parallelism);
  }

  @Override
  public boolean remove(String pipeline) {
    return call(() -> runtime.remove(pipeline));
  }

  private void run(Runnable call) {
    call(
        () -> {
          call.run();
          return null;
        });
  }

  private <T> T call(Supplier<T> call) {
    gate.admit();
    T result;
    try {
      result = call.get();
    } catch (RuntimeThrottledException e) {
      gate.throttled(e);
      throw e;
    } catch (RuntimeException | Error e) {
      gate.failed();
      throw e;
    }
    gate.succeeded();
    return result;
  }
}
