package io.floe.control.testing;

import static java.util.Objects.requireNonNull;

import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.runtime.RuntimeUnavailableException;
import io.floe.control.runtime.SavepointOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A runtime whose runs a test steers: they start (after a delay, or never), run, checkpoint, fail,
 * get cancelled behind the control plane's back, disappear with their JobManager, or are unknown
 * for a few observations; a stop's savepoint takes a number of polls, a rescale happens in place or
 * not. It records every call in order ({@link #calls()}), every savepoint it took, and every submit
 * made while another run of the same pipeline was still alive (which must never happen). Installed
 * as the target {@link #TARGET} (and the default one) by {@link #initializer}, or used directly by
 * unit tests, on a clock they move.
 */
public final class TestingRuntime implements PipelineRuntime {
  public static final String TARGET = "testing";

  /** What a test does to a run. */
  public enum Phase {
    STARTING,
    RUNNING,
    /** Stopping with a savepoint, until the savepoint is polled enough times. */
    STOPPING,
    FAILED,
    CANCELED,
    FINISHED
  }

  /** One call to this runtime: the method's name and its arguments. */
  public record Call(String method, List<String> arguments) {
    @Override
    public String toString() {
      return method + arguments;
    }
  }

  /** One run as this runtime holds it. */
  public static final class Run {
    private static final AtomicLong ORDER = new AtomicLong();

    private final RunSubmission submission;
    private final Clock clock;
    private final Instant submittedAt;
    private final long order;
    private final Duration startDelay;
    private final List<String> checkpoints = new CopyOnWriteArrayList<>();
    private final AtomicInteger observations = new AtomicInteger();
    private final AtomicInteger hidden = new AtomicInteger();
    private volatile Phase phase = Phase.STARTING;
    private volatile boolean lost;
    private volatile String failure;
    private volatile int parallelism;
    private volatile int savepointPolls;

    Run(RunSubmission submission, Clock clock, Duration startDelay) {
      this.submission = submission;
      this.clock = clock;
      this.submittedAt = clock.instant();
      this.order = ORDER.incrementAndGet();
      this.startDelay = startDelay;
      this.parallelism = submission.parallelism();
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
          && !clock.instant().isBefore(submittedAt.plus(startDelay))) {
        phase = Phase.RUNNING;
      }
      return phase;
    }

    public int observations() {
      return observations.get();
    }

    public int parallelism() {
      return parallelism;
    }

    public RunSubmission submission() {
      return submission;
    }

    boolean live() {
      Phase now = phase();
      return !lost && (now == Phase.STARTING || now == Phase.RUNNING || now == Phase.STOPPING);
    }
  }

  private final Clock clock;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<String> cancelled = new CopyOnWriteArrayList<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, String> savepoints = new ConcurrentHashMap<>();
  private volatile Duration startDelay = Duration.ZERO;
  private final AtomicInteger failAtStart = new AtomicInteger();
  private volatile int savepointPolls;
  private volatile boolean rescalesInPlace;
  private volatile String savepointFailure;
  private volatile Consumer<Call> afterCall = call -> {};

  /** A runtime on the system clock, as the integration tests use it. */
  public TestingRuntime() {
    this(Clock.systemUTC());
  }

  /** A runtime whose start delays pass on {@code clock}. */
  public TestingRuntime(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

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

  /**
   * How often a stop's savepoint is polled before it completes: 0 (the default) completes it, and
   * ends the run, with the stop request itself.
   */
  public void savepointPolls(int polls) {
    this.savepointPolls = polls;
  }

  /** Savepoints fail with {@code failure} (null: they succeed), and their runs keep running. */
  public void failSavepoints(String failure) {
    this.savepointFailure = failure;
  }

  /** Whether a rescale happens in place (the default: no, the caller restarts). */
  public void rescalesInPlace(boolean inPlace) {
    this.rescalesInPlace = inPlace;
  }

  /**
   * Called after every call that changes something (submit, stop, cancel, rescale, remove), e.g. to
   * let a test stop the control plane right after one.
   */
  public void afterCall(Consumer<Call> listener) {
    this.afterCall = requireNonNull(listener, "listener is null");
  }

  /** Every call, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The arguments of every call of {@code method}, in order. */
  public List<List<String>> calls(String method) {
    return calls.stream()
        .filter(call -> call.method().equals(method))
        .map(Call::arguments)
        .toList();
  }

  /** The savepoints taken, by the trigger that asked for them. */
  public Map<String, String> savepoints() {
    return Map.copyOf(savepoints);
  }

  /** The next {@code count} runs fail as soon as they are submitted. */
  public void failNextStarts(int count) {
    failAtStart.set(count);
  }

  public List<Run> runsOf(String pipeline) {
    List<Run> of = new ArrayList<>();
    runs.values().stream()
        .filter(run -> run.submission.pipeline().equals(pipeline))
        .sorted(Comparator.comparing((Run run) -> run.submittedAt).thenComparing(run -> run.order))
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

  /** Whether {@link #runStates()} lists the runs (by default), fails, or cannot list them. */
  public enum Listing {
    LISTS,
    FAILS,
    UNSUPPORTED
  }

  private volatile Listing listing = Listing.LISTS;

  public void listing(Listing listing) {
    this.listing = listing;
  }

  /** The runs it holds and has not lost or hidden, in one call, as a Flink cluster lists them. */
  @Override
  public Optional<Map<String, String>> runStates() {
    calls.add(new Call("runStates", List.of()));
    switch (listing) {
      case FAILS:
        throw new RuntimeUnavailableException("the run listing failed");
      case UNSUPPORTED:
        return Optional.empty();
      default:
        Map<String, String> states = new HashMap<>();
        runs.forEach(
            (id, run) -> {
              if (!run.lost && run.hidden.get() == 0) {
                states.put(id, run.phase().name());
              }
            });
        return Optional.of(states);
    }
  }

  @Override
  public Optional<RunObservation> observe(String runId) {
    calls.add(new Call("observe", List.of(runId)));
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
          case STOPPING -> RunState.STOPPING;
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
  public void submit(RunSubmission submission) {
    synchronized (this) {
      calls.add(new Call("submit", List.of(submission.runId())));
      submitOnce(submission);
    }
    afterCall.accept(new Call("submit", List.of(submission.runId())));
  }

  private void submitOnce(RunSubmission submission) {
    if (runs.containsKey(submission.runId())) {
      return;
    }
    for (Run other : runsOf(submission.pipeline())) {
      if (other.live()) {
        violations.add(
            "run " + submission.runId() + " submitted while run " + other.id() + " was alive");
      }
    }
    Run run = new Run(submission, clock, startDelay);
    runs.put(submission.runId(), run);
    if (failAtStart.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      run.failure = "failed at start (testing)";
      run.phase = Phase.FAILED;
    }
  }

  @Override
  public void stopWithSavepoint(String runId, String triggerId) {
    Call call = new Call("stopWithSavepoint", List.of(runId, triggerId));
    calls.add(call);
    Run run = runs.get(runId);
    if (savepointFailure != null) {
      afterCall.accept(call);
      return;
    }
    if (run != null && run.live() && !savepoints.containsKey(triggerId)) {
      savepoints.put(triggerId, "file:/testing/savepoints/savepoint-" + triggerId);
      run.savepointPolls = savepointPolls;
      run.phase = savepointPolls == 0 ? Phase.FINISHED : Phase.STOPPING;
    }
    afterCall.accept(call);
  }

  @Override
  public SavepointOutcome savepoint(String runId, String triggerId) {
    calls.add(new Call("savepoint", List.of(runId, triggerId)));
    if (savepointFailure != null) {
      return SavepointOutcome.failed(savepointFailure);
    }
    Run run = runs.get(runId);
    if (run != null && run.phase == Phase.STOPPING && savepoints.containsKey(triggerId)) {
      if (run.savepointPolls > 0) {
        run.savepointPolls--;
      }
      if (run.savepointPolls > 0) {
        return SavepointOutcome.pending();
      }
      run.phase = Phase.FINISHED;
    }
    return SavepointOutcome.completed("file:/testing/savepoints/savepoint-" + triggerId);
  }

  @Override
  public boolean rescaleInPlace(String runId, int parallelism) {
    Call call = new Call("rescaleInPlace", List.of(runId, Integer.toString(parallelism)));
    calls.add(call);
    Run run = runs.get(runId);
    boolean rescaled = rescalesInPlace && run != null && run.live();
    if (rescaled) {
      run.parallelism = parallelism;
    }
    afterCall.accept(call);
    return rescaled;
  }

  @Override
  public List<String> liveRuns(String pipeline) {
    calls.add(new Call("liveRuns", List.of(pipeline)));
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
    Call call = new Call("cancel", List.of(runId));
    calls.add(call);
    Run run = runs.get(runId);
    if (run != null && run.live()) {
      cancelled.add(runId);
      run.phase = Phase.CANCELED;
    }
    afterCall.accept(call);
  }

  @Override
  public boolean remove(String pipeline) {
    Call call = new Call("remove", List.of(pipeline));
    calls.add(call);
    afterCall.accept(call);
    return true;
  }

  @Override
  public List<String> retainedCheckpoints(String runId) {
    calls.add(new Call("retainedCheckpoints", List.of(runId)));
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
