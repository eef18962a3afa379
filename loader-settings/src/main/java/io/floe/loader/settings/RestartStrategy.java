package io.floe.loader.settings;

/** How Flink restarts the loader after a failure. */
public enum RestartStrategy {
  /** Restart with growing delays between attempts, forever (the default). */
  EXPONENTIAL_DELAY,
  /** A fixed number of attempts with a fixed delay, then fail. */
  FIXED_DELAY,
  /** Fail at the first error. */
  NONE
}
