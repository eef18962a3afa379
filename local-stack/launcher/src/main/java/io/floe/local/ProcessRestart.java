package io.floe.local;

import static java.util.Objects.requireNonNull;

/**
 * A supervised process of the local stack exited without being asked to and was started again: what
 * its owner hears, to tell whoever depends on it.
 *
 * @param process which process, e.g. {@code jobmanager}, {@code taskmanager}, {@code kafka}
 * @param exitedPid the pid of the process that exited
 * @param exitCode its exit code (137 after a SIGKILL)
 * @param attempt the number of this restart in a row, 1 after a process that had stayed up
 * @param pid the pid of the process started in its place
 */
public record ProcessRestart(String process, long exitedPid, int exitCode, int attempt, long pid) {
  public ProcessRestart {
    requireNonNull(process, "process is null");
  }

  /** One line for a log or an event. */
  public String describe() {
    return process
        + " (pid "
        + exitedPid
        + ") exited with "
        + exitCode
        + " and was started again as pid "
        + pid
        + " (restart "
        + attempt
        + " in a row)";
  }
}
