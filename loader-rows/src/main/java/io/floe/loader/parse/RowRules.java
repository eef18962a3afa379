package io.floe.loader.parse;

import io.floe.loader.schema.RuleTypes;
import io.floe.loader.settings.ColumnRule;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The pipeline's data-quality rules, compiled once against the table's columns and checked on each
 * parsed row. A row that passes costs one comparison per rule and allocates nothing (a pattern
 * reads the value as a Java string); a null value passes every rule but notNull.
 */
final class RowRules {
  private static final RowRules NONE = new RowRules(new Check[0]);

  private final Check[] checks;

  private RowRules(Check[] checks) {
    this.checks = checks;
  }

  /**
   * Compiles the rules for the table.
   *
   * @param clock the time freshness bounds are measured from
   * @param problems where a rule that does not fit the table is described
   */
  static RowRules compile(
      Schema schema, List<ColumnRule> rules, Clock clock, List<String> problems) {
    if (rules.isEmpty()) {
      return NONE;
    }
    for (RuleTypes.Problem problem : RuleTypes.problems(schema, rules)) {
      problems.add("parse.rules: " + problem.rule().describe() + ": " + problem.message());
    }
    if (!problems.isEmpty()) {
      return NONE;
    }
    List<Types.NestedField> columns = schema.columns();
    List<Check> checks = new ArrayList<>();
    for (ColumnRule rule : rules) {
      Types.NestedField field = RuleTypes.column(schema, rule);
      checks.add(check(columns.indexOf(field), field.type(), rule, clock));
    }
    return new RowRules(checks.toArray(new Check[0]));
  }

  /** Throws for the first rule the row breaks, naming the rule and the column. */
  void check(GenericRowData row) throws BadMessageException {
    for (Check check : checks) {
      Object value = row.getField(check.position);
      String violation =
          value == null
              ? check.rule.kind() == ColumnRule.Kind.NOT_NULL ? "the value is null" : null
              : check.violation(value);
      if (violation != null) {
        throw new BadMessageException(
            BadMessageException.Reason.RULE_VIOLATION,
            check.rule.column(),
            check.rule.describe() + ": " + violation);
      }
    }
  }

  private static Check check(int position, Type type, ColumnRule rule, Clock clock) {
    switch (rule.kind()) {
      case NOT_NULL:
        return new Check(position, rule) {
          @Override
          String violation(Object value) {
            return null;
          }
        };
      case MIN:
      case MAX:
        return numberBound(position, type, rule);
      case NOT_BEFORE:
      case NOT_AFTER:
        Instant bound = rule.instant();
        long millis = bound.toEpochMilli();
        int nanos = bound.getNano() % 1_000_000;
        boolean lower = rule.kind() == ColumnRule.Kind.NOT_BEFORE;
        return new Check(position, rule) {
          @Override
          String violation(Object value) {
            TimestampData time = (TimestampData) value;
            int order = Long.compare(time.getMillisecond(), millis);
            if (order == 0) {
              order = Integer.compare(time.getNanoOfMillisecond(), nanos);
            }
            return (lower ? order < 0 : order > 0)
                ? value + (lower ? " is before " : " is after ") + bound
                : null;
          }
        };
      case MAX_AGE:
      case MAX_AHEAD:
        long boundMillis = rule.duration().toMillis();
        boolean age = rule.kind() == ColumnRule.Kind.MAX_AGE;
        return new Check(position, rule) {
          @Override
          String violation(Object value) {
            long at = ((TimestampData) value).getMillisecond();
            long now = clock.millis();
            if (age && at < now - boundMillis) {
              return value + " is older than " + rule.argument();
            }
            if (!age && at > now + boundMillis) {
              return value + " is more than " + rule.argument() + " ahead";
            }
            return null;
          }
        };
      case MIN_LENGTH:
      case MAX_LENGTH:
        int length = rule.length();
        boolean shortest = rule.kind() == ColumnRule.Kind.MIN_LENGTH;
        return new Check(position, rule) {
          @Override
          String violation(Object value) {
            // The readers make strings from Java strings: counting them allocates nothing.
            String text = value.toString();
            int chars = text.codePointCount(0, text.length());
            if (shortest ? chars < length : chars > length) {
              return "the value has " + chars + " characters";
            }
            return null;
          }
        };
      case PATTERN:
        Pattern pattern = rule.pattern();
        return new Check(position, rule) {
          @Override
          String violation(Object value) {
            return pattern.matcher(value.toString()).matches()
                ? null
                : "'" + value + "' does not match";
          }
        };
      default:
        Set<String> allowed = new HashSet<>(rule.allowedValues());
        return new Check(position, rule) {
          @Override
          String violation(Object value) {
            return allowed.contains(value.toString()) ? null : "'" + value + "' is not allowed";
          }
        };
    }
  }

  /** min or max of a number column, compared in the column's own representation. */
  private static Check numberBound(int position, Type type, ColumnRule rule) {
    BigDecimal bound = rule.number();
    boolean min = rule.kind() == ColumnRule.Kind.MIN;
    String below = min ? " is below " : " is above ";
    switch (type.typeId()) {
      case INTEGER:
      case LONG:
        BigDecimal whole = bound.setScale(0, min ? RoundingMode.CEILING : RoundingMode.FLOOR);
        long limit =
            whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0
                ? Long.MAX_VALUE
                : whole.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0
                    ? Long.MIN_VALUE
                    : whole.longValueExact();
        return new Check(position, rule) {
          @Override
          String violation(Object value) {
            long number = ((Number) value).longValue();
            return (min ? number < limit : number > limit) ? value + below + bound : null;
          }
        };
      case FLOAT:
      case DOUBLE:
        double limitDouble = bound.doubleValue();
        return new Check(position, rule) {
          @Override
          String violation(Object value) {
            double number = ((Number) value).doubleValue();
            return (min ? number < limitDouble : number > limitDouble)
                ? value + below + bound
                : null;
          }
        };
      default:
        int scale = ((Types.DecimalType) type).scale();
        BigDecimal scaled = bound.setScale(scale, min ? RoundingMode.CEILING : RoundingMode.FLOOR);
        boolean compactBound = scaled.unscaledValue().bitLength() < 64;
        long unscaledBound = scaled.unscaledValue().longValue();
        return new Check(position, rule) {
          @Override
          String violation(Object value) {
            DecimalData decimal = (DecimalData) value;
            int order =
                decimal.isCompact() && compactBound
                    ? Long.compare(decimal.toUnscaledLong(), unscaledBound)
                    : decimal.toBigDecimal().compareTo(scaled);
            return (min ? order < 0 : order > 0) ? value + below + bound : null;
          }
        };
    }
  }

  /** One compiled rule: the column's position and the test of a non-null value. */
  private abstract static class Check {
    final int position;
    final ColumnRule rule;

    Check(int position, ColumnRule rule) {
      this.position = position;
      this.rule = rule;
    }

    /** Why the value breaks the rule, or null when it passes. */
    abstract String violation(Object value);
  }
}
