package io.floe.loader.schema;

import io.floe.loader.settings.ColumnRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Which column types each kind of data-quality rule applies to, in one place: the control plane
 * refuses a pipeline whose rules do not fit its table, the loader refuses to start with them.
 */
public final class RuleTypes {
  private static final Set<Type.TypeID> NUMBERS =
      Set.of(
          Type.TypeID.INTEGER,
          Type.TypeID.LONG,
          Type.TypeID.FLOAT,
          Type.TypeID.DOUBLE,
          Type.TypeID.DECIMAL);

  /** A rule that does not fit the table, with why. */
  public static final class Problem {
    private final ColumnRule rule;
    private final String message;

    Problem(ColumnRule rule, String message) {
      this.rule = rule;
      this.message = message;
    }

    public ColumnRule rule() {
      return rule;
    }

    public String message() {
      return message;
    }
  }

  private RuleTypes() {}

  /** The top-level column a rule names, or null. */
  public static Types.NestedField column(Schema schema, ColumnRule rule) {
    for (Types.NestedField field : schema.columns()) {
      if (field.name().equals(rule.column())) {
        return field;
      }
    }
    return null;
  }

  /**
   * Every rule that names no top-level column of the table, does not apply to its type, or whose
   * pattern is not a regular expression.
   */
  public static List<Problem> problems(Schema schema, List<ColumnRule> rules) {
    List<Problem> problems = new ArrayList<>();
    for (ColumnRule rule : rules) {
      Types.NestedField field = column(schema, rule);
      if (field == null) {
        problems.add(new Problem(rule, "the table has no top-level column " + rule.column()));
        continue;
      }
      if (rule.kind() == ColumnRule.Kind.PATTERN) {
        try {
          rule.pattern();
        } catch (IllegalArgumentException e) {
          problems.add(new Problem(rule, e.getMessage()));
          continue;
        }
      }
      String expected = expected(rule.kind(), field.type().typeId());
      if (expected != null) {
        problems.add(
            new Problem(
                rule,
                "column "
                    + rule.column()
                    + " is a "
                    + field.type()
                    + "; "
                    + rule.kind().ruleName()
                    + " applies to "
                    + expected));
      }
    }
    return problems;
  }

  /** What the kind applies to when the type is not one of them, else null. */
  private static String expected(ColumnRule.Kind kind, Type.TypeID type) {
    switch (kind) {
      case NOT_NULL:
        return null;
      case MIN:
      case MAX:
        return NUMBERS.contains(type)
            ? null
            : "numbers (minLength/maxLength for strings, notBefore/notAfter for timestamps)";
      case NOT_BEFORE:
      case NOT_AFTER:
      case MAX_AGE:
      case MAX_AHEAD:
        return type == Type.TypeID.TIMESTAMP ? null : "timestamp and timestamptz columns";
      default:
        return type == Type.TypeID.STRING ? null : "string columns";
    }
  }
}
