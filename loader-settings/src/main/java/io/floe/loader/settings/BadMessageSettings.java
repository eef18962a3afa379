package io.floe.loader.settings;

import static io.floe.loader.settings.SettingValues.enumValue;
import static java.util.Objects.requireNonNull;

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

  static final List<Setting<?>> ALL = List.of(POLICY, DEAD_LETTER_TOPIC);

  private final BadMessagePolicy policy;
  private final Optional<String> deadLetterTopic;

  public BadMessageSettings(BadMessagePolicy policy, Optional<String> deadLetterTopic) {
    this.policy = requireNonNull(policy, "policy is null");
    this.deadLetterTopic = requireNonNull(deadLetterTopic, "deadLetterTopic is null");
    if ((policy == BadMessagePolicy.DEAD_LETTER) != deadLetterTopic.isPresent()) {
      throw new IllegalArgumentException("a dead-letter topic goes with the dead-letter policy");
    }
  }

  static Optional<BadMessageSettings> read(SettingsReader reader) {
    Optional<String> topic = reader.optional(DEAD_LETTER_TOPIC);
    Optional<BadMessagePolicy> given = reader.optional(POLICY);
    if (reader.isGiven(POLICY) && given.isEmpty()) {
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
    return Optional.of(new BadMessageSettings(policy, topic));
  }

  public BadMessagePolicy policy() {
    return policy;
  }

  public Optional<String> deadLetterTopic() {
    return deadLetterTopic;
  }
}
