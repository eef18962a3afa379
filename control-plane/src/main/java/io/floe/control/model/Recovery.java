package io.floe.control.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Where the reconciler is in bringing back a pipeline whose run failed or disappeared while it
 * should run.
 *
 * @param attempts recoveries started since the pipeline last ran steadily (a run that completed a
 *     checkpoint) or since the last operation someone asked for
 * @param nextAttemptAt the earliest time of the next attempt, spaced by a bounded backoff
 * @param halted the run was cancelled outside Floe: it is not resurrected until someone starts it
 */
public record Recovery(int attempts, Optional<Instant> nextAttemptAt, boolean halted) {
  public static final Recovery NONE = new Recovery(0, Optional.empty(), false);

  public Recovery {
    requireNonNull(nextAttemptAt, "nextAttemptAt is null");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must not be negative");
    }
  }

  /** One more attempt, the next one not before {@code next}. */
  public Recovery attempted(Instant next) {
    return new Recovery(attempts + 1, Optional.of(next), false);
  }

  public static Recovery haltedOutsideFloe() {
    return new Recovery(0, Optional.empty(), true);
  }

  /** Whether an attempt may start at {@code now}. */
  public boolean due(Instant now) {
    return !halted && nextAttemptAt.map(at -> !now.isBefore(at)).orElse(true);
  }
}
