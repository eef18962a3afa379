package io.floe.loader.settings;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Where the Kafka credentials live, never the credentials themselves: an AWS Secrets Manager
 * secret, a local file, or an environment variable. Written as {@code secretsmanager:<arn or
 * name>}, {@code file:<path>} or {@code env:<VARIABLE>}.
 */
public final class CredentialsReference {
  /** The kinds of credential store the loader can read. */
  public enum Kind {
    SECRETSMANAGER,
    FILE,
    ENV
  }

  private final Kind kind;
  private final String locator;

  public CredentialsReference(Kind kind, String locator) {
    this.kind = requireNonNull(kind, "kind is null");
    this.locator = requireNonNull(locator, "locator is null");
    if (locator.isBlank()) {
      throw new IllegalArgumentException("the " + kind + " locator is empty");
    }
  }

  static CredentialsReference parse(String value) {
    int colon = value.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "' is not of the form secretsmanager:<arn or name>, file:<path> or env:<VAR>");
    }
    String prefix = value.substring(0, colon).toUpperCase(Locale.ROOT);
    Kind kind;
    try {
      kind = Kind.valueOf(prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + value.substring(0, colon) + "' is not one of secretsmanager, file, env", e);
    }
    return new CredentialsReference(kind, value.substring(colon + 1).trim());
  }

  public Kind kind() {
    return kind;
  }

  /** The secret's ARN or name, the file's path, or the variable's name. */
  public String locator() {
    return locator;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CredentialsReference
        && ((CredentialsReference) o).kind == kind
        && ((CredentialsReference) o).locator.equals(locator);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + locator.hashCode();
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + ":" + locator;
  }
}
