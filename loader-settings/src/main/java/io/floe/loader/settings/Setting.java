package io.floe.loader.settings;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Function;

/**
 * One loader setting declared once: its key, how its text becomes a value, its default and what it
 * means. Parsing failures name the key, so a user always knows which line to fix.
 */
public final class Setting<T> {
  private final String key;
  private final Function<String, T> parser;
  private final Optional<String> defaultText;
  private final String description;

  Setting(
      String key, Function<String, T> parser, Optional<String> defaultText, String description) {
    this.key = requireNonNull(key, "key is null");
    this.parser = requireNonNull(parser, "parser is null");
    this.defaultText = requireNonNull(defaultText, "defaultText is null");
    this.description = requireNonNull(description, "description is null");
  }

  static <T> Setting<T> optional(String key, Function<String, T> parser, String description) {
    return new Setting<>(key, parser, Optional.empty(), description);
  }

  static <T> Setting<T> withDefault(
      String key, Function<String, T> parser, String defaultText, String description) {
    return new Setting<>(key, parser, Optional.of(defaultText), description);
  }

  public String key() {
    return key;
  }

  /** The default as a user would write it, or empty when the setting has none. */
  public Optional<String> defaultText() {
    return defaultText;
  }

  public String description() {
    return description;
  }

  /**
   * Parses the given text (or the default when the text is absent).
   *
   * @throws IllegalArgumentException with a message that names this key
   */
  Optional<T> parse(Optional<String> text) {
    Optional<String> effective = text.map(String::trim).filter(t -> !t.isEmpty());
    if (effective.isEmpty()) {
      effective = defaultText;
    }
    if (effective.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(effective.get()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return key;
  }
}
