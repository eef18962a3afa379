package io.floe.loader.settings;

import java.util.Locale;

/**
 * How JSON field names are rewritten, recursively, before they are matched to column names: for
 * producers whose naming differs from the table's.
 */
public enum FieldNameCase {
  /** Names are matched as they are. */
  NONE,
  /** {@code userId}, {@code UserID} and {@code user-id} become {@code user_id}. */
  LOWER_UNDERSCORE,
  /** {@code user_id} and {@code user-id} become {@code userId}. */
  LOWER_CAMEL,
  /** {@code UserId} becomes {@code userid}. */
  LOWER;

  /** Converts one field name. */
  public String convert(String name) {
    switch (this) {
      case LOWER_UNDERSCORE:
        return toLowerUnderscore(name);
      case LOWER_CAMEL:
        return toLowerCamel(name);
      case LOWER:
        return name.toLowerCase(Locale.ROOT);
      default:
        return name;
    }
  }

  private static String toLowerUnderscore(String name) {
    StringBuilder out = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '-' || c == ' ') {
        out.append('_');
      } else if (Character.isUpperCase(c)) {
        boolean previousIsLowerOrDigit =
            i > 0
                && (Character.isLowerCase(name.charAt(i - 1))
                    || Character.isDigit(name.charAt(i - 1)));
        boolean startsWord =
            i > 0
                && Character.isUpperCase(name.charAt(i - 1))
                && i + 1 < name.length()
                && Character.isLowerCase(name.charAt(i + 1));
        if ((previousIsLowerOrDigit || startsWord)
            && out.length() > 0
            && out.charAt(out.length() - 1) != '_') {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String toLowerCamel(String name) {
    StringBuilder out = new StringBuilder(name.length());
    boolean upperNext = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_' || c == '-' || c == ' ') {
        upperNext = out.length() > 0;
      } else if (upperNext) {
        out.append(Character.toUpperCase(c));
        upperNext = false;
      } else {
        out.append(out.length() == 0 ? Character.toLowerCase(c) : c);
      }
    }
    return out.toString();
  }
}
