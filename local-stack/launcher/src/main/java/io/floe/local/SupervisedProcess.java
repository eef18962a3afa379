package io.floe.local;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process that is started again, with the same command, when it exits without its owner
 * asking: a crash or a {@code kill -9} from outside. Restarts follow a {@link RestartPolicy}, each
 * is logged once and reported to a listener. The owner can still take the process away on purpose
 * ({@link #kill()}, which suspends supervision until {@link #start()}), and stops supervision
 * before it stops the process, so that a shutdown never restarts anything.
 */
final class SupervisedProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisedProcess.class);
  private static final Duration WATCHER_STOP_TIMEOUT = Duration.ofMinutes(2);

  private final String name;
  private final Supplier<LocalProcess> launch;
  private final Consumer<LocalProcess> awaitReady;
  private final RestartPolicy policy;
  private final Consumer<ProcessRestart> listener;
  private final Object lock = new Object();
  private final Thread watcher;

  // Guarded by lock.
  private LocalProcess current;
  private Instant startedAt;
  private boolean killedOnPurpose;
  private boolean supervising = true;

  private SupervisedProcess(
      String name,
      Supplier<LocalProcess> launch,
      Consumer<LocalProcess> awaitReady,
      RestartPolicy policy,
      Consumer<ProcessRestart> listener,
      LocalProcess first) {
    this.name = name;
    this.launch = launch;
    this.awaitReady = awaitReady;
    this.policy = policy;
    this.listener = listener;
    this.current = first;
    this.startedAt = Instant.now();
    this.watcher = new Thread(this::watch, "floe-supervise-" + name);
    this.watcher.setDaemon(true);
  }

  /**
   * Starts the process in this thread (its failure goes to the caller), then supervises it.
   *
   * @param name the process, in log lines and restarts
   * @param launch starts the process (same command every time)
   * @param awaitReady waits until a started process serves, failing if it does not
   * @param policy when to start it again
   * @param listener told of each restart, in the supervising thread
   */
  static SupervisedProcess start(
      String name,
      Supplier<LocalProcess> launch,
      Consumer<LocalProcess> awaitReady,
      RestartPolicy policy,
      Consumer<ProcessRestart> listener) {
    requireNonNull(name, "name is null");
    requireNonNull(launch, "launch is null");
    requireNonNull(awaitReady, "awaitReady is null");
    requireNonNull(policy, "policy is null");
    requireNonNull(listener, "listener is null");
    LocalProcess first = launchReady(launch, awaitReady);
    SupervisedProcess supervised =
        new SupervisedProcess(name, launch, awaitReady, policy, listener, first);
    supervised.watcher.start();
    return supervised;
  }

  private static LocalProcess launchReady(
      Supplier<LocalProcess> launch, Consumer<LocalProcess> awaitReady) {
    LocalProcess process = launch.get();
    try {
      awaitReady.accept(process);
      return process;
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  /** The pid of the current process (the newest one while a restart is under way). */
  long pid() {
    synchronized (lock) {
      return current.pid();
    }
  }

  /** Where the current process logs (a restarted process appends to the same file). */
  Path logFile() {
    synchronized (lock) {
      return current.logFile();
    }
  }

  boolean isAlive() {
    synchronized (lock) {
      return current.isAlive();
    }
  }

  /**
   * Kills the process at once (SIGKILL), as a crash would, and leaves it down: supervision resumes
   * with {@link #start()}. For tests that decide themselves when the process comes back.
   */
  void kill() {
    LocalProcess process;
    synchronized (lock) {
      killedOnPurpose = true;
      process = current;
      lock.notifyAll();
    }
    process.kill();
  }

  /** Starts the process again after {@link #kill()}, in this thread, and resumes supervision. */
  void start() {
    synchronized (lock) {
      if (!supervising) {
        throw new IllegalStateException(name + " is closed");
      }
      if (!killedOnPurpose) {
        throw new IllegalStateException(name + " is running (and supervised); kill() it first");
      }
    }
    LocalProcess process = launchReady(launch, awaitReady);
    synchronized (lock) {
      current = process;
      startedAt = Instant.now();
      killedOnPurpose = false;
      lock.notifyAll();
    }
  }

  /** Stops supervising: from now on, an exit of the process is final. Idempotent. */
  void stopSupervising() {
    synchronized (lock) {
      supervising = false;
      lock.notifyAll();
    }
    if (Thread.currentThread() == watcher) {
      return;
    }
    watcher.interrupt();
    try {
      watcher.join(WATCHER_STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops supervising, then stops the process gracefully. */
  @Override
  public void close() {
    stopSupervising();
    LocalProcess process;
    synchronized (lock) {
      process = current;
    }
    process.close();
  }

  private void watch() {
    int attempt = 0;
    while (true) {
      LocalProcess watched;
      Instant started;
      synchronized (lock) {
        while (supervising && killedOnPurpose) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            // stopSupervising() interrupts: the loop condition tells.
          }
        }
        if (!supervising) {
          return;
        }
        watched = current;
        started = startedAt;
      }
      int exitCode;
      try {
        exitCode = watched.waitFor();
      } catch (InterruptedException e) {
        continue;
      }
      synchronized (lock) {
        if (!supervising) {
          return;
        }
        if (killedOnPurpose || watched != current) {
          // Taken away on purpose: whoever starts it again starts the count over.
          attempt = 0;
          continue;
        }
      }
      if (Duration.between(started, Instant.now()).compareTo(policy.stableAfter()) >= 0) {
        attempt = 0;
      }
      attempt = restart(watched, exitCode, attempt + 1);
    }
  }

  /**
   * Starts the process again after the policy's delay, retrying a start that fails with the next
   * delay, until one succeeds or supervision stops; returns the attempt that succeeded.
   */
  private int restart(LocalProcess exited, int exitCode, int firstAttempt) {
    int attempt = firstAttempt;
    while (true) {
      Duration delay = policy.delay(attempt);
      if (attempt == firstAttempt) {
        LOG.warn(
            "Local {} (pid {}) exited with {} without being asked to stop; starting it again in"
                + " {} ms (restart {} in a row)",
            name,
            exited.pid(),
            exitCode,
            delay.toMillis(),
            attempt);
      }
      if (!awaitUnlessTakenAway(delay)) {
        return attempt;
      }
      LocalProcess started;
      try {
        started = launchReady(launch, awaitReady);
      } catch (RuntimeException e) {
        if (!stillSupervised()) {
          return attempt;
        }
        LOG.warn(
            "Local {} did not start again (restart {} in a row): {}; trying again in {} ms",
            name,
            attempt,
            e.getMessage(),
            policy.delay(attempt + 1).toMillis());
        attempt++;
        continue;
      }
      synchronized (lock) {
        if (supervising && !killedOnPurpose) {
          current = started;
          startedAt = Instant.now();
          started = null;
        }
      }
      if (started != null) {
        // Shut down or taken away on purpose while it was starting.
        started.close();
        return attempt;
      }
      ProcessRestart restart = new ProcessRestart(name, exited.pid(), exitCode, attempt, pid());
      try {
        listener.accept(restart);
      } catch (RuntimeException e) {
        LOG.warn("The listener of {} failed on {}", name, restart, e);
      }
      return attempt;
    }
  }

  /** Waits for the delay; false when supervision stopped or the process was taken away. */
  private boolean awaitUnlessTakenAway(Duration delay) {
    Instant deadline = Instant.now().plus(delay);
    synchronized (lock) {
      while (supervising && !killedOnPurpose) {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0) {
          return true;
        }
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          // stopSupervising() interrupts: the loop condition tells.
        }
      }
      return false;
    }
  }

  private boolean stillSupervised() {
    synchronized (lock) {
      return supervising && !killedOnPurpose;
    }
  }
}
