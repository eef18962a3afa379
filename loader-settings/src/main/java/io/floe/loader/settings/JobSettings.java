package io.floe.loader.settings;

import static io.floe.loader.settings.SettingValues.durationAtLeast;
import static io.floe.loader.settings.SettingValues.enumValue;
import static io.floe.loader.settings.SettingValues.intAtLeast;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How the Flink job runs: flush interval, parallelism, restarts. */
public final class JobSettings {
  public static final Setting<Duration> FLUSH_INTERVAL =
      Setting.withDefault(
          "job.flush-interval",
          durationAtLeast(Duration.ofMillis(200)),
          "60s",
          "Checkpoint interval, and so how often rows are committed to the table");
  public static final Setting<Integer> PARALLELISM =
      Setting.optional(
          "job.parallelism",
          intAtLeast(1),
          "Parallelism of the loader; default the runtime's; capped at the topics' partition count");
  public static final Setting<Integer> MAX_PARALLELISM =
      Setting.withDefault(
          "job.max-parallelism",
          intAtLeast(1),
          "128",
          "Upper bound for rescaling with state restored; fixed for the life of the pipeline");
  public static final Setting<RestartStrategy> RESTART_STRATEGY =
      Setting.withDefault(
          "job.restart-strategy",
          enumValue(RestartStrategy.class),
          "exponential-delay",
          "exponential-delay, fixed-delay or none");
  public static final Setting<Duration> RESTART_DELAY =
      Setting.withDefault(
          "job.restart-delay",
          durationAtLeast(Duration.ZERO),
          "1s",
          "First delay of exponential-delay, every delay of fixed-delay");
  public static final Setting<Duration> RESTART_MAX_DELAY =
      Setting.withDefault(
          "job.restart-max-delay",
          durationAtLeast(Duration.ZERO),
          "60s",
          "Longest delay of exponential-delay");
  public static final Setting<Integer> RESTART_ATTEMPTS =
      Setting.withDefault(
          "job.restart-attempts", intAtLeast(1), "10", "Attempts of fixed-delay before failing");
  public static final Setting<Duration> CHECKPOINT_TIMEOUT =
      Setting.withDefault(
          "job.checkpoint-timeout",
          durationAtLeast(Duration.ofSeconds(1)),
          "10m",
          "A checkpoint (and so a commit) taking longer than this fails");

  public static final Setting<Boolean> FOLLOW_SCHEMA_CHANGES =
      Setting.withDefault(
          "job.follow-schema-changes",
          SettingValues::bool,
          "false",
          "true: the writers follow a changed table schema (or partition spec) at a checkpoint,"
              + " without a restart; false: they write the schema they started with");

  static final List<Setting<?>> ALL =
      List.of(
          FLUSH_INTERVAL,
          PARALLELISM,
          MAX_PARALLELISM,
          RESTART_STRATEGY,
          RESTART_DELAY,
          RESTART_MAX_DELAY,
          RESTART_ATTEMPTS,
          CHECKPOINT_TIMEOUT,
          FOLLOW_SCHEMA_CHANGES);

  private final Duration flushInterval;
  private final Optional<Integer> parallelism;
  private final int maxParallelism;
  private final RestartStrategy restartStrategy;
  private final Duration restartDelay;
  private final Duration restartMaxDelay;
  private final int restartAttempts;
  private final Duration checkpointTimeout;
  private final boolean followSchemaChanges;

  private JobSettings(
      Duration flushInterval,
      Optional<Integer> parallelism,
      int maxParallelism,
      RestartStrategy restartStrategy,
      Duration restartDelay,
      Duration restartMaxDelay,
      int restartAttempts,
      Duration checkpointTimeout,
      boolean followSchemaChanges) {
    this.flushInterval = requireNonNull(flushInterval, "flushInterval is null");
    this.parallelism = requireNonNull(parallelism, "parallelism is null");
    this.maxParallelism = maxParallelism;
    this.restartStrategy = requireNonNull(restartStrategy, "restartStrategy is null");
    this.restartDelay = requireNonNull(restartDelay, "restartDelay is null");
    this.restartMaxDelay = requireNonNull(restartMaxDelay, "restartMaxDelay is null");
    this.restartAttempts = restartAttempts;
    this.checkpointTimeout = requireNonNull(checkpointTimeout, "checkpointTimeout is null");
    this.followSchemaChanges = followSchemaChanges;
  }

  static Optional<JobSettings> read(SettingsReader reader) {
    Optional<Duration> flush = reader.optional(FLUSH_INTERVAL);
    Optional<Integer> parallelism = reader.optional(PARALLELISM);
    Optional<Integer> maxParallelism = reader.optional(MAX_PARALLELISM);
    Optional<RestartStrategy> strategy = reader.optional(RESTART_STRATEGY);
    Optional<Duration> delay = reader.optional(RESTART_DELAY);
    Optional<Duration> maxDelay = reader.optional(RESTART_MAX_DELAY);
    Optional<Integer> attempts = reader.optional(RESTART_ATTEMPTS);
    Optional<Duration> timeout = reader.optional(CHECKPOINT_TIMEOUT);
    Optional<Boolean> follow = reader.optional(FOLLOW_SCHEMA_CHANGES);
    if (parallelism.isPresent()
        && maxParallelism.isPresent()
        && parallelism.get() > maxParallelism.get()) {
      reader.problem(
          PARALLELISM.key(),
          parallelism.get() + " is above job.max-parallelism " + maxParallelism.get());
    }
    if (delay.isPresent() && maxDelay.isPresent() && delay.get().compareTo(maxDelay.get()) > 0) {
      reader.problem(RESTART_MAX_DELAY.key(), "is shorter than job.restart-delay");
    }
    if (flush.isPresent() && timeout.isPresent() && timeout.get().compareTo(flush.get()) < 0) {
      reader.problem(CHECKPOINT_TIMEOUT.key(), "is shorter than job.flush-interval");
    }
    if (flush.isEmpty()
        || maxParallelism.isEmpty()
        || strategy.isEmpty()
        || delay.isEmpty()
        || maxDelay.isEmpty()
        || attempts.isEmpty()
        || timeout.isEmpty()
        || follow.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new JobSettings(
            flush.get(),
            parallelism,
            maxParallelism.get(),
            strategy.get(),
            delay.get(),
            maxDelay.get(),
            attempts.get(),
            timeout.get(),
            follow.get()));
  }

  public Duration flushInterval() {
    return flushInterval;
  }

  public Optional<Integer> parallelism() {
    return parallelism;
  }

  public int maxParallelism() {
    return maxParallelism;
  }

  public RestartStrategy restartStrategy() {
    return restartStrategy;
  }

  public Duration restartDelay() {
    return restartDelay;
  }

  public Duration restartMaxDelay() {
    return restartMaxDelay;
  }

  public int restartAttempts() {
    return restartAttempts;
  }

  public Duration checkpointTimeout() {
    return checkpointTimeout;
  }

  /** Whether the writers follow a changed table schema without a restart. */
  public boolean followSchemaChanges() {
    return followSchemaChanges;
  }
}
