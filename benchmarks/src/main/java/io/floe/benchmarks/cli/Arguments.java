package io.floe.benchmarks.cli;

import static java.util.Objects.requireNonNull;

import io.floe.loader.settings.SettingValues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code --name value} options of one sub-command, read once: every problem (unknown option,
 * missing or malformed value) is collected, so a bad command line is reported in full at once.
 * Sub-commands declare the names they know; each typed getter takes the default it documents.
 */
public final class Arguments {

  private final Map<String, List<String>> values;
  private final Set<String> flags;
  private final List<String> problems = new ArrayList<>();

  private Arguments(Map<String, List<String>> values, Set<String> flags, List<String> problems) {
    this.values = values;
    this.flags = flags;
    this.problems.addAll(problems);
  }

  /**
   * Reads {@code --name value} pairs; names in {@code flagNames} stand alone ({@code --help}),
   * every other name in {@code optionNames} takes one value and may repeat.
   */
  public static Arguments parse(List<String> args, Set<String> optionNames, Set<String> flagNames) {
    requireNonNull(args, "args is null");
    Map<String, List<String>> values = new LinkedHashMap<>();
    Set<String> flags = new LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        problems.add("unexpected argument '" + arg + "'");
        continue;
      }
      String name = arg.substring(2);
      if (flagNames.contains(name)) {
        flags.add(name);
      } else if (!optionNames.contains(name)) {
        problems.add("unknown option --" + name);
      } else if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
        problems.add("--" + name + " needs a value");
      } else {
        values.computeIfAbsent(name, key -> new ArrayList<>()).add(args.get(++i));
      }
    }
    return new Arguments(values, flags, problems);
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  /** A whole number of at least {@code min}. */
  public long longValue(String name, long defaultValue, long min) {
    return single(name)
        .flatMap(
            text ->
                convert(
                    name,
                    text,
                    value -> {
                      long parsed;
                      try {
                        parsed = Long.parseLong(value.replace("_", "").replace(",", ""));
                      } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("not a whole number", e);
                      }
                      if (parsed < min) {
                        throw new IllegalArgumentException("must be at least " + min);
                      }
                      return parsed;
                    }))
        .orElse(defaultValue);
  }

  public int intValue(String name, int defaultValue, int min) {
    long value = longValue(name, defaultValue, min);
    if (value > Integer.MAX_VALUE) {
      problems.add("--" + name + " is too large: " + value);
      return defaultValue;
    }
    return (int) value;
  }

  /** A duration such as 500ms, 10s, 5m or 1h. */
  public Duration duration(String name, Duration defaultValue) {
    return single(name)
        .flatMap(text -> convert(name, text, Arguments::parseDuration))
        .orElse(defaultValue);
  }

  public String text(String name, String defaultValue) {
    return single(name).orElse(defaultValue);
  }

  public Optional<Path> path(String name) {
    return single(name).flatMap(text -> convert(name, text, Path::of));
  }

  /** One of the given words. */
  public String choice(String name, String defaultValue, Set<String> choices) {
    String value = text(name, defaultValue);
    if (!choices.contains(value)) {
      problems.add("--" + name + " must be one of " + String.join(", ", choices) + ": " + value);
      return defaultValue;
    }
    return value;
  }

  /** Every {@code key=value} given to a repeatable option, in order. */
  public Map<String, String> keyValues(String name) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String value : values.getOrDefault(name, List.of())) {
      int eq = value.indexOf('=');
      if (eq <= 0) {
        problems.add("--" + name + " takes key=value: " + value);
      } else {
        pairs.put(value.substring(0, eq), value.substring(eq + 1));
      }
    }
    return Collections.unmodifiableMap(pairs);
  }

  /** Everything wrong with the command line, read so far. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** Parses 500ms, 10s, 5m, 1h or an ISO-8601 duration, as the loader's settings do. */
  public static Duration parseDuration(String text) {
    try {
      return SettingValues.duration(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a duration such as 500ms, 10s, 5m or 1h", e);
    }
  }

  private Optional<String> single(String name) {
    List<String> given = values.getOrDefault(name, List.of());
    if (given.size() > 1) {
      problems.add("--" + name + " is given " + given.size() + " times");
    }
    return given.isEmpty() ? Optional.empty() : Optional.of(given.get(given.size() - 1));
  }

  private <T> Optional<T> convert(String name, String text, Function<String, T> converter) {
    try {
      return Optional.of(converter.apply(text));
    } catch (RuntimeException e) {
      problems.add("--" + name + " '" + text + "': " + e.getMessage());
      return Optional.empty();
    }
  }
}
