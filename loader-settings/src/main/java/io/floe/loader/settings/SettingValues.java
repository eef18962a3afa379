package io.floe.loader.settings;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The value syntaxes settings share (durations, sizes, lists, maps, enums), so that every key with
 * the same kind of value reads the same way and fails with the same kind of message. Public for the
 * control plane's own settings that share these syntaxes.
 */
public final class SettingValues {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|kib|mib|gib|kb|mb|gb)");

  private SettingValues() {}

  static String text(String value) {
    return value;
  }

  static Function<String, String> matching(Pattern pattern, String expected) {
    return value -> {
      if (!pattern.matcher(value).matches()) {
        throw new IllegalArgumentException("'" + value + "' is not " + expected);
      }
      return value;
    };
  }

  static boolean bool(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException("'" + value + "' is not true or false");
    }
  }

  static Function<String, Integer> intAtLeast(int min) {
    return value -> {
      int parsed;
      try {
        parsed = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + value + "' is not a whole number", e);
      }
      if (parsed < min) {
        throw new IllegalArgumentException(parsed + " is below the minimum of " + min);
      }
      return parsed;
    };
  }

  /**
   * Durations such as {@code 500ms}, {@code 60s}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT1M}.
   */
  public static Duration duration(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(lower);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(amount);
        case "s":
          return Duration.ofSeconds(amount);
        case "m":
          return Duration.ofMinutes(amount);
        case "h":
          return Duration.ofHours(amount);
        default:
          return Duration.ofDays(amount);
      }
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a duration (examples: 500ms, 60s, 5m, 1h, PT1M)", e);
    }
  }

  static Function<String, Duration> durationAtLeast(Duration min) {
    return value -> {
      Duration parsed = duration(value);
      if (parsed.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            value + " is below the minimum of " + min.toMillis() + "ms");
      }
      return parsed;
    };
  }

  /** Sizes in bytes, with optional binary (KiB, MiB, GiB) or decimal (KB, MB, GB) units. */
  public static long bytes(String value) {
    Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a size (examples: 1048576, 512KiB, 1MiB, 128MB)");
    }
    long amount = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "kib":
        return amount * 1024;
      case "mib":
        return amount * 1024 * 1024;
      case "gib":
        return amount * 1024 * 1024 * 1024;
      case "kb":
        return amount * 1000;
      case "mb":
        return amount * 1000 * 1000;
      case "gb":
        return amount * 1000 * 1000 * 1000;
      default:
        return amount;
    }
  }

  static Function<String, Long> bytesAtLeast(long min) {
    return value -> {
      long parsed = bytes(value);
      if (parsed < min) {
        throw new IllegalArgumentException(value + " is below the minimum of " + min + " bytes");
      }
      return parsed;
    };
  }

  /** An instant as epoch milliseconds or an ISO-8601 instant such as 2024-05-01T00:00:00Z. */
  static Instant instant(String value) {
    if (value.chars().allMatch(Character::isDigit)) {
      return Instant.ofEpochMilli(Long.parseLong(value));
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + value + "' is neither epoch milliseconds nor an ISO-8601 instant", e);
    }
  }

  static Pattern regex(String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("'" + value + "' is not a valid regular expression", e);
    }
  }

  /** A comma-separated list with blanks removed; an empty list is refused. */
  static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      String trimmed = item.trim();
      if (!trimmed.isEmpty()) {
        items.add(trimmed);
      }
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("the list is empty");
    }
    return Collections.unmodifiableList(items);
  }

  /** Comma-separated {@code name=value} pairs, in the order given; names must be unique. */
  static Map<String, String> pairs(String value) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String item : list(value)) {
      int eq = item.indexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw new IllegalArgumentException("'" + item + "' is not of the form name=value");
      }
      String name = item.substring(0, eq).trim();
      if (pairs.put(name, item.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException("'" + name + "' is given twice");
      }
    }
    return Collections.unmodifiableMap(pairs);
  }

  /** An enum constant written in lower-kebab case, e.g. {@code dead-letter} for DEAD_LETTER. */
  static <E extends Enum<E>> Function<String, E> enumValue(Class<E> type) {
    return value -> {
      String normalized = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equals(normalized)) {
          return constant;
        }
      }
      throw new IllegalArgumentException(
          "'" + value + "' is not one of " + String.join(", ", enumNames(type)));
    };
  }

  static <E extends Enum<E>> List<String> enumNames(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(kebab(constant));
    }
    return names;
  }

  static String kebab(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static String formatDuration(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    return (millis / 1000) + "s";
  }
}
