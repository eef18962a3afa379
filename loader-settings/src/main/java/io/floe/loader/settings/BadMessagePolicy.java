package io.floe.loader.settings;

/** What the loader does with a message it cannot turn into a row. */
public enum BadMessagePolicy {
  /**
   * Fail the job, so that nothing is skipped unnoticed (the default without a dead-letter topic).
   */
  FAIL,
  /** Drop the message and count it. */
  SKIP,
  /** Write it to the dead-letter topic, transactionally with the table commit. */
  DEAD_LETTER
}
