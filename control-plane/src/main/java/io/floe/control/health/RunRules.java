package io.floe.control.health;

import io.floe.control.model.HealthThresholds;
import io.floe.control.model.ObservedState;
import io.floe.control.model.Recovery;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The health rules on the run and its recovery: what the runtime and the reconciler's account of
 * the run say (ended, recovering, restarting in a loop, unknown to the runtime, not running yet).
 */
final class RunRules {
  private RunRules() {}

  /** What the runtime says of the run, as health reports it. */
  static PipelineHealth.Runtime figures(HealthAssessor.Inputs in) {
    return in.run()
        .map(
            r ->
                new PipelineHealth.Runtime(
                    r.runtimeState(),
                    boxed(r.restarts()),
                    r.restarts().isPresent() ? in.restartsInWindow() : null,
                    boxed(r.failedCheckpoints()),
                    r.failure().orElse(null)))
        .orElse(new PipelineHealth.Runtime(null, null, null, null, null));
  }

  /** Adds the run's reasons to fail or degrade, in the order health reports them. */
  static void judge(HealthAssessor.Inputs in, List<String> failing, List<String> degraded) {
    HealthThresholds t = in.thresholds();
    ObservedState observed = in.status().observedState();
    boolean stoppedByFloe = observed == ObservedState.STOPPING || observed == ObservedState.STOPPED;
    Optional<RunObservation> ended =
        in.run()
            .filter(
                r ->
                    r.state() == RunState.FAILED
                        || (r.state() == RunState.STOPPED && !stoppedByFloe));
    Recovery recovery = in.status().recovery();
    Optional<String> endedReason =
        in.status()
            .lastError()
            .filter(
                error ->
                    observed == ObservedState.FAILED
                        || (observed == ObservedState.RESTARTING && recovery.attempts() > 0))
            .or(() -> ended.map(RunRules::endedOutsideFloe));
    boolean cancelledOutside =
        recovery.halted() || ended.filter(r -> r.state() == RunState.STOPPED).isPresent();
    boolean recovering =
        !cancelledOutside
            && (observed == ObservedState.FAILED
                || ended.isPresent()
                || (observed == ObservedState.RESTARTING && recovery.attempts() > 0));
    if (recovering && recovery.attempts() >= t.restartLoop()) {
      failing.add(
          "recovering in a loop: "
              + recovery.attempts()
              + " attempts"
              + endedReason.map(e -> ", the last ended: " + e).orElse(""));
    } else if (recovering) {
      // The reconciler brings the run back on its own: degraded, not failing, while it does.
      degraded.add(
          "recovering"
              + (recovery.attempts() > 0 ? " (attempt " + recovery.attempts() + ")" : "")
              + endedReason.map(e -> ": " + e).orElse("")
              + recovery
                  .nextAttemptAt()
                  .filter(at -> observed == ObservedState.FAILED && at.isAfter(in.now()))
                  .map(at -> "; next attempt at " + at)
                  .orElse(""));
    } else if (observed == ObservedState.FAILED || ended.isPresent()) {
      // The reconciler's account of the end, if it wrote one: one reason, whoever saw the end
      // first.
      failing.add(endedReason.orElse("the loader is not running"));
    }
    if (in.run().isPresent()) {
      // An ended run is reported above (unless Floe stopped it, which is no failure).
      RunObservation run = in.run().get();
      boolean over = run.state() == RunState.FAILED || run.state() == RunState.STOPPED;
      if (!over && in.restartsInWindow() >= t.restartLoop()) {
        failing.add(
            "restarting in a loop: "
                + in.restartsInWindow()
                + " restarts in the last "
                + t.window().toMinutes()
                + " min"
                + run.failure().map(f -> " (" + f + ")").orElse(""));
      } else if (run.state() == RunState.RESTARTING) {
        degraded.add("restarting after a failure" + run.failure().map(f -> ": " + f).orElse(""));
      }
    } else if (observed == ObservedState.RUNNING) {
      // Gone, or a JobManager failing over: the reconciler recovers it if that lasts.
      degraded.add(
          "the runtime does not know run "
              + in.status().runId().orElse("")
              + " (it is recovered if that lasts)");
    }
    if (observed == ObservedState.STARTING
        || observed == ObservedState.PENDING
        || observed == ObservedState.STOPPING
        || observed == ObservedState.STOPPED) {
      degraded.add("the loader is " + observed.name().toLowerCase());
    }
  }

  /**
   * The end of a run that Floe did not stop, in the reconciler's words ("Run &lt;id&gt; ended
   * CANCELED outside Floe"): the health monitor and the reconciler each observe the runtime, and
   * the reason reads the same whichever sees the end first.
   */
  static String endedOutsideFloe(RunObservation run) {
    return "Run "
        + run.runId()
        + " ended "
        + run.runtimeState()
        + (run.state() == RunState.STOPPED ? " outside Floe" : "")
        + run.failure().map(f -> ": " + f).orElse("");
  }

  private static Long boxed(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }
}
