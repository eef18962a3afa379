package io.floe.control.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The latest observation of each pipeline's run, whoever made it: the health monitor reads the
 * reconciler's rather than asking the runtime again, so that a run costs the runtime one
 * observation per interval, not one per feature.
 */
@Component
public class RecentRuns {
  private final Clock clock;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  private record Seen(RunObservation observation, Instant at) {}

  public RecentRuns(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  public void record(String pipeline, RunObservation observation) {
    seen.put(pipeline, new Seen(observation, clock.instant()));
  }

  /** The pipeline's latest observation of run {@code runId}, if made within {@code maxAge}. */
  public Optional<RunObservation> recent(String pipeline, String runId, Duration maxAge) {
    Seen last = seen.get(pipeline);
    if (last == null
        || !last.observation().runId().equals(runId)
        || clock.instant().isAfter(last.at().plus(maxAge))) {
      return Optional.empty();
    }
    return Optional.of(last.observation());
  }

  public void forget(String pipeline) {
    seen.remove(pipeline);
  }
}
