package io.floe.benchmarks.jobs;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds a stage job's first record until the benchmark creates a file: the TaskManager's CPU is
 * read once the job is deployed and idle, so a stage's CPU per record counts neither deployment nor
 * records processed before the measurement began.
 */
final class Gate implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long POLL_MILLIS = 5;

  private final String file;
  private transient boolean open;

  Gate(String file) {
    this.file = file;
  }

  /** Returns at once when open; otherwise waits until the file exists. */
  void pass() throws InterruptedException {
    if (open) {
      return;
    }
    Path path = Path.of(file);
    while (!Files.exists(path)) {
      Thread.sleep(POLL_MILLIS);
    }
    open = true;
  }
}
