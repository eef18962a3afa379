package io.floe.loader.settings;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which table of the pipeline's namespace each message goes to, chosen by a value of the message (a
 * JSON field, a header or the topic): through a table-name template such as {@code
 * events_${event_type}}, or a map from values to tables with a default. Without routing every
 * message goes to the pipeline's table.
 */
public final class RouteSettings {
  /** Table names a route may produce: what every catalog and Trino accept unquoted. */
  public static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,127}");

  private static final Pattern TEMPLATE = Pattern.compile("([a-z0-9_]*)\\$\\{([^}]+)}([a-z0-9_]*)");
  private static final Pattern VALUE_IN_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  public static final Setting<String> TABLE_TEMPLATE =
      Setting.optional(
          "route.table",
          SettingValues::text,
          "Routes each message to the table this template names, e.g. events_${event_type}: one"
              + " ${source} (a JSON field path, header:<name> or topic) between lowercase letters,"
              + " digits and underscores; the value is lowercased, '-' becomes '_'");
  public static final Setting<String> BY =
      Setting.optional(
          "route.by",
          SettingValues::text,
          "Routes each message by this value (a JSON field path, header:<name> or topic) through"
              + " the route.tables.<value> map, else route.default");
  public static final Setting<String> DEFAULT_TABLE =
      Setting.optional(
          "route.default",
          SettingValues.matching(TABLE_NAME, "a table name (lowercase letters, digits, '_')"),
          "With route.by: the table of a value the map does not name; without it, such a message"
              + " is a bad message (NO_ROUTE)");
  public static final Setting<Boolean> CREATE_TABLES =
      Setting.withDefault(
          "route.create-tables",
          SettingValues::bool,
          "false",
          "true: a routed table that does not exist is created like the pipeline's table (schema,"
              + " partitioning, properties); false: its messages are bad messages (NO_ROUTE)");

  /** Prefix of the map from values to tables: {@code route.tables.click=clicks}. */
  public static final String TABLES_PREFIX = "route.tables.";

  static final List<Setting<?>> ALL = List.of(TABLE_TEMPLATE, BY, DEFAULT_TABLE, CREATE_TABLES);

  /** Where the value that routes a message comes from. */
  public enum Source {
    FIELD,
    HEADER,
    TOPIC
  }

  private final Source source;
  private final String name;
  private final Optional<String> prefix;
  private final String suffix;
  private final Map<String, String> tables;
  private final Optional<String> defaultTable;
  private final boolean createTables;

  private RouteSettings(
      Source source,
      String name,
      Optional<String> prefix,
      String suffix,
      Map<String, String> tables,
      Optional<String> defaultTable,
      boolean createTables) {
    this.source = requireNonNull(source, "source is null");
    this.name = requireNonNull(name, "name is null");
    this.prefix = requireNonNull(prefix, "prefix is null");
    this.suffix = requireNonNull(suffix, "suffix is null");
    this.tables = Map.copyOf(tables);
    this.defaultTable = requireNonNull(defaultTable, "defaultTable is null");
    this.createTables = createTables;
  }

  /** A template route: {@code prefix + value + suffix}. */
  public static RouteSettings template(
      String source, String prefix, String suffix, boolean createTables) {
    String[] parsed = source(source);
    return new RouteSettings(
        Source.valueOf(parsed[0]),
        parsed[1],
        Optional.of(prefix),
        suffix,
        Map.of(),
        Optional.empty(),
        createTables);
  }

  /** A map route: the table a value maps to, else the default, else none. */
  public static RouteSettings map(
      String source,
      Map<String, String> tables,
      Optional<String> defaultTable,
      boolean createTables) {
    String[] parsed = source(source);
    return new RouteSettings(
        Source.valueOf(parsed[0]),
        parsed[1],
        Optional.empty(),
        "",
        tables,
        defaultTable,
        createTables);
  }

  static Optional<RouteSettings> read(SettingsReader reader) {
    Optional<String> template = reader.optional(TABLE_TEMPLATE);
    Optional<String> by = reader.optional(BY);
    Optional<String> defaultTable = reader.optional(DEFAULT_TABLE);
    Optional<Boolean> create = reader.optional(CREATE_TABLES);
    Map<String, String> tables = new TreeMap<>(reader.withPrefix(TABLES_PREFIX));
    tables.forEach(
        (value, table) -> {
          if (!TABLE_NAME.matcher(table).matches()) {
            reader.problem(
                TABLES_PREFIX + value,
                "'" + table + "' is not a table name (lowercase letters, digits, '_')");
          }
        });
    if (template.isPresent() && by.isPresent()) {
      reader.problem(TABLE_TEMPLATE.key(), "give either route.table or route.by, not both");
      return Optional.empty();
    }
    if (by.isEmpty() && (!tables.isEmpty() || reader.isGiven(DEFAULT_TABLE))) {
      reader.problem(BY.key(), "is required with route.tables.* and route.default");
      return Optional.empty();
    }
    if (by.isPresent() && tables.isEmpty() && !reader.isGiven(DEFAULT_TABLE)) {
      reader.problem(TABLES_PREFIX + "<value>", "route.by needs at least one table or a default");
      return Optional.empty();
    }
    if (create.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (template.isPresent()) {
        Matcher matcher = TEMPLATE.matcher(template.get());
        if (!matcher.matches()) {
          reader.problem(
              TABLE_TEMPLATE.key(),
              "'"
                  + template.get()
                  + "' is not a template such as events_${event_type}: one ${source} between"
                  + " lowercase letters, digits and underscores");
          return Optional.empty();
        }
        return Optional.of(
            template(matcher.group(2), matcher.group(1), matcher.group(3), create.get()));
      }
      if (by.isPresent()) {
        return Optional.of(map(by.get(), tables, defaultTable, create.get()));
      }
    } catch (IllegalArgumentException e) {
      reader.problem(template.isPresent() ? TABLE_TEMPLATE.key() : BY.key(), e.getMessage());
    }
    return Optional.empty();
  }

  /** {@code [SOURCE, name]} of "topic", "header:x", "field:a.b" or "a.b". */
  private static String[] source(String text) {
    String trimmed = requireNonNull(text, "source is null").trim();
    if (trimmed.equals("topic")) {
      return new String[] {Source.TOPIC.name(), ""};
    }
    if (trimmed.startsWith("header:")) {
      return new String[] {Source.HEADER.name(), nonEmpty(trimmed.substring(7), trimmed)};
    }
    String path = trimmed.startsWith("field:") ? trimmed.substring(6) : trimmed;
    for (String part : nonEmpty(path, trimmed).split("\\.", -1)) {
      nonEmpty(part, trimmed);
    }
    return new String[] {Source.FIELD.name(), path};
  }

  private static String nonEmpty(String part, String whole) {
    if (part.isBlank()) {
      throw new IllegalArgumentException(
          "'"
              + whole
              + "' is not a route source: a JSON field path (a.b), field:<path>, header:<name> or"
              + " topic");
    }
    return part;
  }

  public Source source() {
    return source;
  }

  /** The field path (dotted) or header name; empty for the topic. */
  public String name() {
    return name;
  }

  /** The field path's parts, outermost first. */
  public List<String> fieldPath() {
    return List.of(name.split("\\."));
  }

  public boolean createTables() {
    return createTables;
  }

  /** The explicit map of values to tables (empty for a template). */
  public Map<String, String> tables() {
    return tables;
  }

  public Optional<String> defaultTable() {
    return defaultTable;
  }

  /**
   * The table a routing value names; empty when it names none (the reason is then {@link
   * #whyNoTable}).
   */
  public Optional<String> tableFor(String value) {
    if (prefix.isEmpty()) {
      String table = tables.get(value);
      return table != null ? Optional.of(table) : defaultTable;
    }
    if (!VALUE_IN_NAME.matcher(value).matches()) {
      return Optional.empty();
    }
    String table = prefix.get() + value.toLowerCase(Locale.ROOT).replace('-', '_') + suffix;
    return TABLE_NAME.matcher(table).matches() ? Optional.of(table) : Optional.empty();
  }

  /** Whether some routing value names this table: the tables a routed pipeline may write. */
  public boolean canName(String table) {
    if (prefix.isEmpty()) {
      return tables.containsValue(table) || defaultTable.filter(table::equals).isPresent();
    }
    return table.length() > prefix.get().length() + suffix.length()
        && table.startsWith(prefix.get())
        && table.endsWith(suffix)
        && TABLE_NAME.matcher(table).matches();
  }

  /** Why {@link #tableFor} named no table for the value. */
  public String whyNoTable(String value) {
    if (prefix.isEmpty()) {
      return "'" + shorten(value) + "' is in no route (no route.tables entry, no route.default)";
    }
    return "'"
        + shorten(value)
        + "' cannot be part of a table name (1-128 letters, digits, '_' or '-')";
  }

  /** What the route reads, as a user wrote it: "topic", "header:x" or the field path. */
  public String describeSource() {
    if (source == Source.TOPIC) {
      return "topic";
    }
    return source == Source.HEADER ? "header:" + name : name;
  }

  private static String shorten(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }
}
