package io.floe.loader.settings;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One data-quality rule on a column, checked by the loader after a message parsed into a row: its
 * kind, its argument as text, and the index of the pipeline's rule entry it came from. Rendered as
 * {@code parse.rules.<index>.column} and {@code parse.rules.<index>.<kind>} settings.
 */
public final class ColumnRule {
  /** Prefix of the rule settings: {@code parse.rules.<index>.column}, {@code .<kind>}. */
  public static final String PREFIX = "parse.rules.";

  /** The suffix naming the column of a rule entry. */
  public static final String COLUMN = "column";

  /** The kinds of rule; {@link #ruleName()} is how the pipeline spec and dead letters name it. */
  public enum Kind {
    NOT_NULL("notNull"),
    MIN("min"),
    MAX("max"),
    NOT_BEFORE("notBefore"),
    NOT_AFTER("notAfter"),
    MIN_LENGTH("minLength"),
    MAX_LENGTH("maxLength"),
    PATTERN("pattern"),
    ALLOWED_VALUES("allowedValues"),
    MAX_AGE("freshness.maxAge"),
    MAX_AHEAD("freshness.maxAhead");

    private final String ruleName;

    Kind(String ruleName) {
      this.ruleName = ruleName;
    }

    /** The rule's name in the pipeline spec, e.g. minLength or freshness.maxAge. */
    public String ruleName() {
      return ruleName;
    }

    /** The setting suffix, e.g. min-length. */
    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final int index;
  private final String column;
  private final Kind kind;
  private final String argument;

  private ColumnRule(int index, String column, Kind kind, String argument) {
    this.index = index;
    this.column = requireNonNull(column, "column is null");
    this.kind = requireNonNull(kind, "kind is null");
    this.argument = requireNonNull(argument, "argument is null");
  }

  /**
   * A rule, its argument checked for its kind.
   *
   * @throws IllegalArgumentException saying what is wrong with the argument
   */
  public static ColumnRule of(int index, String column, Kind kind, String argument) {
    ColumnRule rule = new ColumnRule(index, column, kind, argument);
    rule.check();
    return rule;
  }

  /** The setting key of one part of a rule entry: {@code parse.rules.<index>.<suffix>}. */
  public static String key(int index, String suffix) {
    return PREFIX + index + "." + suffix;
  }

  /** The setting key of a rule of this kind in the entry at index. */
  public static String key(int index, Kind kind) {
    return key(index, kind.key());
  }

  private void check() {
    switch (kind) {
      case NOT_NULL:
        if (!argument.equals("true")) {
          throw new IllegalArgumentException("notNull is true or absent");
        }
        break;
      case MIN:
      case MAX:
        number();
        break;
      case NOT_BEFORE:
      case NOT_AFTER:
        instant();
        break;
      case MIN_LENGTH:
      case MAX_LENGTH:
        if (length() < 0) {
          throw new IllegalArgumentException("a length is 0 or more");
        }
        break;
      case PATTERN:
        // Compiled where it is used: the control plane refuses a bad one at save (422), the
        // loader at start.
        break;
      case ALLOWED_VALUES:
        if (allowedValues().isEmpty()) {
          throw new IllegalArgumentException("the list of allowed values is empty");
        }
        break;
      default:
        if (duration().isNegative() || duration().isZero()) {
          throw new IllegalArgumentException("'" + argument + "' is not a positive duration");
        }
    }
  }

  /** The index of the pipeline's rule entry this rule came from. */
  public int index() {
    return index;
  }

  public String column() {
    return column;
  }

  public Kind kind() {
    return kind;
  }

  /** The argument as rendered in the settings. */
  public String argument() {
    return argument;
  }

  /** The bound of MIN and MAX. */
  public BigDecimal number() {
    try {
      return new BigDecimal(argument);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + argument + "' is not a number", e);
    }
  }

  /** The bound of NOT_BEFORE and NOT_AFTER. */
  public Instant instant() {
    return SettingValues.instant(argument);
  }

  /** The bound of MIN_LENGTH and MAX_LENGTH, in characters. */
  public int length() {
    try {
      return Integer.parseInt(argument);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + argument + "' is not a length", e);
    }
  }

  /** The compiled PATTERN; the whole value must match it. */
  public Pattern pattern() {
    return SettingValues.regex(argument);
  }

  /** The bound of MAX_AGE and MAX_AHEAD. */
  public Duration duration() {
    return SettingValues.duration(argument);
  }

  /** The values of ALLOWED_VALUES. */
  public List<String> allowedValues() {
    return decodeValues(argument);
  }

  /** How a dead letter names the rule: {@code rules[1].min 0}. */
  public String describe() {
    return "rules[" + index + "]." + kind.ruleName() + " " + argument;
  }

  /**
   * Encodes allowed values as one setting value: comma-separated, with {@code \} escaping a comma
   * or a backslash inside a value.
   */
  public static String encodeValues(List<String> values) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (i > 0) {
        out.append(',');
      }
      out.append(value.replace("\\", "\\\\").replace(",", "\\,"));
    }
    return out.toString();
  }

  static List<String> decodeValues(String text) {
    List<String> values = new ArrayList<>();
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        value.append(text.charAt(++i));
      } else if (c == ',') {
        values.add(value.toString());
        value.setLength(0);
      } else {
        value.append(c);
      }
    }
    values.add(value.toString());
    return Collections.unmodifiableList(values);
  }

  /** Reads the rules under {@link #PREFIX}, recording a problem for each bad one. */
  static List<ColumnRule> read(SettingsReader reader) {
    Map<Integer, Map<String, String>> entries = new TreeMap<>();
    for (Map.Entry<String, String> raw : reader.withPrefix(PREFIX).entrySet()) {
      int dot = raw.getKey().indexOf('.');
      Integer index = dot < 0 ? null : parseIndex(raw.getKey().substring(0, dot));
      if (index == null) {
        reader.problem(PREFIX + raw.getKey(), "unknown setting");
        continue;
      }
      entries
          .computeIfAbsent(index, i -> new TreeMap<>())
          .put(raw.getKey().substring(dot + 1), raw.getValue());
    }
    List<ColumnRule> rules = new ArrayList<>();
    entries.forEach(
        (index, parts) -> {
          String column = parts.get(COLUMN);
          if (column == null || column.isBlank()) {
            reader.problem(key(index, COLUMN), "is required");
            return;
          }
          parts.forEach(
              (suffix, argument) -> {
                if (suffix.equals(COLUMN)) {
                  return;
                }
                Kind kind = kind(suffix);
                if (kind == null) {
                  reader.problem(key(index, suffix), "unknown setting");
                  return;
                }
                try {
                  rules.add(of(index, column.trim(), kind, argument));
                } catch (IllegalArgumentException e) {
                  reader.problem(key(index, suffix), e.getMessage());
                }
              });
        });
    return rules;
  }

  private static Integer parseIndex(String text) {
    try {
      int index = Integer.parseInt(text);
      return index < 0 ? null : index;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Kind kind(String suffix) {
    for (Kind kind : Kind.values()) {
      if (kind.key().equals(suffix)) {
        return kind;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return column + ": " + describe();
  }
}
