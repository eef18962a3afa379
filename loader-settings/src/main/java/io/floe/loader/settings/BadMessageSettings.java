package io.floe.loader.settings;

import static io.floe.loader.settings.SettingValues.durationAtLeast;
import static io.floe.loader.settings.SettingValues.enumValue;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where messages that cannot become rows go. */
public final class BadMessageSettings {
  public static final Setting<BadMessagePolicy> POLICY =
      Setting.optional(
          "bad-messages.policy",
          enumValue(BadMessagePolicy.class),
          "fail, skip or dead-letter; default dead-letter with a dead-letter topic, else fail");
  public static final Setting<String> DEAD_LETTER_TOPIC =
      Setting.optional(
          "bad-messages.dead-letter-topic",
          SettingValues::text,
          "Topic for bad messages, with their original key, value and headers plus the reason");

  public static final Setting<Duration> TRANSACTION_TIMEOUT =
      Setting.withDefault(
          "bad-messages.transaction-timeout",
          durationAtLeast(Duration.ofSeconds(1)),
          "60s",
          "How long one publication of a commit's dead letters may take (the producer's"
              + " transaction.timeout.ms); at most the broker's transaction.max.timeout.ms");

  static final List<Setting<?>> ALL = List.of(POLICY, DEAD_LETTER_TOPIC, TRANSACTION_TIMEOUT);

  private final BadMessagePolicy policy;
  private final Optional<String> deadLetterTopic;
  private final Duration transactionTimeout;

  public BadMessageSettings(BadMessagePolicy policy, Optional<String> deadLetterTopic) {
    this(policy, deadLetterTopic, Duration.ofSeconds(60));
  }

  public BadMessageSettings(
      BadMessagePolicy policy, Optional<String> deadLetterTopic, Duration transactionTimeout) {
    this.policy = requireNonNull(policy, "policy is null");
    this.deadLetterTopic = requireNonNull(deadLetterTopic, "deadLetterTopic is null");
    this.transactionTimeout = requireNonNull(transactionTimeout, "transactionTimeout is null");
    if ((policy == BadMessagePolicy.DEAD_LETTER) != deadLetterTopic.isPresent()) {
      throw new IllegalArgumentException("a dead-letter topic goes with the dead-letter policy");
    }
  }

  static Optional<BadMessageSettings> read(SettingsReader reader) {
    Optional<String> topic = reader.optional(DEAD_LETTER_TOPIC);
    Optional<BadMessagePolicy> given = reader.optional(POLICY);
    Optional<Duration> timeout = reader.optional(TRANSACTION_TIMEOUT);
    if ((reader.isGiven(POLICY) && given.isEmpty()) || timeout.isEmpty()) {
      return Optional.empty();
    }
    BadMessagePolicy policy =
        given.orElse(topic.isPresent() ? BadMessagePolicy.DEAD_LETTER : BadMessagePolicy.FAIL);
    if (policy == BadMessagePolicy.DEAD_LETTER && topic.isEmpty()) {
      reader.problem(DEAD_LETTER_TOPIC.key(), "is required with bad-messages.policy=dead-letter");
      return Optional.empty();
    }
    if (policy != BadMessagePolicy.DEAD_LETTER && topic.isPresent()) {
      reader.problem(
          DEAD_LETTER_TOPIC.key(),
          "is only used with bad-messages.policy=dead-letter, not " + SettingValues.kebab(policy));
      return Optional.empty();
    }
    return Optional.of(new BadMessageSettings(policy, topic, timeout.get()));
  }

  public BadMessagePolicy policy() {
    return policy;
  }

  public Optional<String> deadLetterTopic() {
    return deadLetterTopic;
  }

  /** The dead-letter producer's transaction timeout. */
  public Duration transactionTimeout() {
    return transactionTimeout;
  }
}
