package io.floe.loader.settings;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed values out of raw key/value settings while collecting every problem, so that one
 * start with several bad settings reports all of them instead of the first.
 */
final class SettingsReader {
  private final Map<String, String> raw;
  private final Set<String> consumed = new TreeSet<>();
  private final List<String> problems = new ArrayList<>();

  SettingsReader(Map<String, String> raw) {
    this.raw = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(raw, "raw is null")));
  }

  <T> Optional<T> optional(Setting<T> setting) {
    consumed.add(setting.key());
    try {
      return setting.parse(Optional.ofNullable(raw.get(setting.key())));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return Optional.empty();
    }
  }

  /** The value, or empty with a "missing" problem recorded when neither given nor defaulted. */
  <T> Optional<T> required(Setting<T> setting) {
    boolean present =
        raw.containsKey(setting.key()) && !raw.get(setting.key()).trim().isEmpty()
            || setting.defaultText().isPresent();
    Optional<T> value = optional(setting);
    if (!present) {
      problems.add(setting.key() + ": is required (" + setting.description() + ")");
    }
    return value;
  }

  boolean isGiven(Setting<?> setting) {
    String value = raw.get(setting.key());
    return value != null && !value.trim().isEmpty();
  }

  /** Every raw setting under a prefix, keyed by the rest of the key; these are passed through. */
  Map<String, String> withPrefix(String prefix) {
    Map<String, String> found = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : raw.entrySet()) {
      if (entry.getKey().startsWith(prefix) && entry.getKey().length() > prefix.length()) {
        consumed.add(entry.getKey());
        found.put(entry.getKey().substring(prefix.length()), entry.getValue());
      }
    }
    return Collections.unmodifiableMap(found);
  }

  void problem(String key, String message) {
    problems.add(key + ": " + message);
  }

  boolean hasProblems() {
    return !problems.isEmpty();
  }

  /** Records unknown keys, then throws if anything was wrong. */
  void finish() {
    for (String key : new TreeSet<>(raw.keySet())) {
      if (!consumed.contains(key)) {
        problems.add(key + ": unknown setting");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(problems);
    }
  }
}
