package io.floe.control.testing;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.runtime.SavepointOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A runtime whose runs a test steers: they start (after a delay, or never), run, checkpoint, fail,
 * get cancelled behind the control plane's back, disappear with their JobManager, or are unknown
 * for a few observations. It records every call, and every submit made while another run of the
 * same pipeline was still alive (which must never happen). Installed as the target {@link #TARGET}
 * (and the default one) by {@link #initializer}.
 */
public final class TestingRuntime implements PipelineRuntime {
  public static final String TARGET = "testing";

  /** What a test does to a run. */
  public enum Phase {
    STARTING,
    RUNNING,
    FAILED,
    CANCELED,
    FINISHED
  }

  /** One run as this runtime holds it. */
  public static final class Run {
    private final RunSubmission submission;
    private final Instant submittedAt;
    private final Duration startDelay;
    private final List<String> checkpoints = new CopyOnWriteArrayList<>();
    private final AtomicInteger observations = new AtomicInteger();
    private final AtomicInteger hidden = new AtomicInteger();
    private volatile Phase phase = Phase.STARTING;
    private volatile boolean lost;
    private volatile String failure;

    Run(RunSubmission submission, Instant submittedAt, Duration startDelay) {
      this.submission = submission;
      this.submittedAt = submittedAt;
      this.startDelay = startDelay;
    }

    public String id() {
      return submission.runId();
    }

    public Optional<String> restoredFrom() {
      return submission.restorePath();
    }

    public Phase phase() {
      if (phase == Phase.STARTING
          && startDelay != null
          && !Instant.now().isBefore(submittedAt.plus(startDelay))) {
        phase = Phase.RUNNING;
      }
      return phase;
    }

    public int observations() {
      return observations.get();
    }

    public int parallelism() {
      return submission.parallelism();
    }

    boolean live() {
      Phase now = phase();
      return !lost && (now == Phase.STARTING || now == Phase.RUNNING);
    }
  }

  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<String> cancelled = new CopyOnWriteArrayList<>();
  private volatile Duration startDelay = Duration.ZERO;
  private final AtomicInteger failAtStart = new AtomicInteger();

  /** Puts this runtime in place of every configured one, as target {@link #TARGET}. */
  public ApplicationContextInitializer<ConfigurableApplicationContext> initializer() {
    TestingRuntime runtime = this;
    return context ->
        context
            .getBeanFactory()
            .addBeanPostProcessor(
                new BeanPostProcessor() {
                  @Override
                  public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof RuntimeRegistry
                        ? new RuntimeRegistry(Map.of(TARGET, runtime), TARGET)
                        : bean;
                  }
                });
  }

  /** New runs stay STARTING this long (null: until the test says otherwise). */
  public void startDelay(Duration delay) {
    this.startDelay = delay;
  }

  /** The next {@code count} runs fail as soon as they are submitted. */
  public void failNextStarts(int count) {
    failAtStart.set(count);
  }

  public List<Run> runsOf(String pipeline) {
    List<Run> of = new ArrayList<>();
    runs.values().stream()
        .filter(run -> run.submission.pipeline().equals(pipeline))
        .sorted((a, b) -> a.submittedAt.compareTo(b.submittedAt))
        .forEach(of::add);
    return of;
  }

  public Run run(String runId) {
    return requireNonNull(runs.get(runId), "no run " + runId);
  }

  /** Submits made while another run of the pipeline was alive. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  public List<String> cancelled() {
    return List.copyOf(cancelled);
  }

  /** The run completes a checkpoint, retained under a path of its own. */
  public String checkpoint(String runId) {
    Run run = run(runId);
    String path = "file:/testing/checkpoints/" + runId + "/chk-" + (run.checkpoints.size() + 1);
    run.checkpoints.add(path);
    return path;
  }

  /** The runtime answers "unknown" for the run's next {@code observations} observations. */
  public void hide(String runId, int observations) {
    run(runId).hidden.set(observations);
  }

  /** The run disappears with its JobManager; its retained checkpoints stay on disk. */
  public void lose(String runId) {
    run(runId).lost = true;
  }

  public void fail(String runId, String failure) {
    Run run = run(runId);
    run.failure = failure;
    run.phase = Phase.FAILED;
  }

  /** Someone cancels the run with the runtime's own tools. */
  public void cancelOutside(String runId) {
    run(runId).phase = Phase.CANCELED;
  }

  @Override
  public Optional<RunObservation> observe(String runId) {
    Run run = runs.get(runId);
    if (run == null || run.lost) {
      return Optional.empty();
    }
    run.observations.incrementAndGet();
    if (run.hidden.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Optional.empty();
    }
    Phase phase = run.phase();
    RunState state =
        switch (phase) {
          case STARTING -> RunState.STARTING;
          case RUNNING -> RunState.RUNNING;
          case FAILED -> RunState.FAILED;
          case CANCELED, FINISHED -> RunState.STOPPED;
        };
    return Optional.of(
        new RunObservation(
            runId,
            state,
            phase.name(),
            run.parallelism(),
            OptionalLong.of(0),
            run.checkpoints.isEmpty()
                ? Optional.empty()
                : Optional.of(run.checkpoints.get(run.checkpoints.size() - 1)),
            Optional.ofNullable(run.failure),
            run.checkpoints.size(),
            OptionalLong.of(0)));
  }

  @Override
  public synchronized void submit(RunSubmission submission) {
    if (runs.containsKey(submission.runId())) {
      return;
    }
    for (Run other : runsOf(submission.pipeline())) {
      if (other.live()) {
        violations.add(
            "run " + submission.runId() + " submitted while run " + other.id() + " was alive");
      }
    }
    Run run = new Run(submission, Instant.now(), startDelay);
    runs.put(submission.runId(), run);
    if (failAtStart.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      run.failure = "failed at start (testing)";
      run.phase = Phase.FAILED;
    }
  }

  @Override
  public void stopWithSavepoint(String runId, String triggerId) {
    Run run = runs.get(runId);
    if (run != null && run.live()) {
      run.phase = Phase.FINISHED;
    }
  }

  @Override
  public SavepointOutcome savepoint(String runId, String triggerId) {
    return SavepointOutcome.completed("file:/testing/savepoints/savepoint-" + triggerId);
  }

  @Override
  public boolean rescaleInPlace(String runId, int parallelism) {
    return false;
  }

  @Override
  public List<String> liveRuns(String pipeline) {
    List<String> live = new ArrayList<>();
    for (Run run : runsOf(pipeline)) {
      if (run.live()) {
        live.add(run.id());
      }
    }
    return live;
  }

  @Override
  public void cancel(String runId) {
    Run run = runs.get(runId);
    if (run != null && run.live()) {
      cancelled.add(runId);
      run.phase = Phase.CANCELED;
    }
  }

  @Override
  public List<String> retainedCheckpoints(String runId) {
    Run run = runs.get(runId);
    if (run == null) {
      return List.of();
    }
    List<String> newestFirst = new ArrayList<>(run.checkpoints);
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  /** For messages: the runs of a pipeline in brief. */
  public Map<String, String> describe(String pipeline) {
    Map<String, String> described = new HashMap<>();
    for (Run run : runsOf(pipeline)) {
      described.put(run.id(), run.phase() + (run.lost ? " (lost)" : ""));
    }
    return described;
  }
}
