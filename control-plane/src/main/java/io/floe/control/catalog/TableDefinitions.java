package io.floe.control.catalog;

import io.floe.control.model.FieldProblem;
import io.floe.control.model.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Turns a pipeline's table definition into an Iceberg schema and partition spec. Types are written
 * as Iceberg prints them ({@code long}, {@code decimal(18,4)}, {@code timestamptz}), with {@code
 * list<T>}, {@code map<K,V>} and {@code struct<name:T,...>} for nested types; partitions as {@code
 * day(ts)}, {@code bucket(16,id)}, {@code truncate(4,name)} or a column name.
 */
public final class TableDefinitions {
  private static final Pattern TRANSFORM =
      Pattern.compile("\\s*(\\w+)\\s*\\(\\s*(?:(\\d+)\\s*,\\s*)?([^)\\s]+)\\s*\\)\\s*");

  private TableDefinitions() {}

  /** A definition that is not valid, with every problem named by its field. */
  public static final class InvalidDefinitionException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<FieldProblem> problems;

    InvalidDefinitionException(List<FieldProblem> problems) {
      super(problems.toString());
      this.problems = List.copyOf(problems);
    }

    public List<FieldProblem> problems() {
      return problems;
    }
  }

  public static Schema schema(PipelineSpec.TableCreation creation) {
    List<FieldProblem> problems = new ArrayList<>();
    if (creation.columns() == null || creation.columns().isEmpty()) {
      throw new InvalidDefinitionException(
          List.of(new FieldProblem("table.createIfMissing.columns", "give at least one column")));
    }
    AtomicInteger ids = new AtomicInteger(1);
    List<Types.NestedField> fields = new ArrayList<>();
    for (int i = 0; i < creation.columns().size(); i++) {
      PipelineSpec.Column column = creation.columns().get(i);
      String field = "table.createIfMissing.columns[" + i + "]";
      if (column.name() == null || column.name().isBlank()) {
        problems.add(new FieldProblem(field + ".name", "is required"));
        continue;
      }
      try {
        Type type = new TypeParser(column.type(), ids).parse();
        int id = ids.getAndIncrement();
        fields.add(
            Boolean.TRUE.equals(column.required())
                ? Types.NestedField.required(id, column.name(), type, column.doc())
                : Types.NestedField.optional(id, column.name(), type, column.doc()));
      } catch (IllegalArgumentException e) {
        problems.add(new FieldProblem(field + ".type", e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new Schema(fields);
  }

  /**
   * One type from its text, e.g. for a column added to a table (the table assigns its ids).
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static Type type(String text) {
    return new TypeParser(text, new AtomicInteger(1)).parse();
  }

  public static PartitionSpec partitionSpec(Schema schema, List<String> partitionBy) {
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    List<FieldProblem> problems = new ArrayList<>();
    for (int i = 0; i < (partitionBy == null ? 0 : partitionBy.size()); i++) {
      String text = partitionBy.get(i);
      try {
        addTransform(builder, text);
      } catch (IllegalArgumentException e) {
        problems.add(
            new FieldProblem("table.createIfMissing.partitionBy[" + i + "]", e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return builder.build();
  }

  private static void addTransform(PartitionSpec.Builder builder, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    Matcher m = TRANSFORM.matcher(text);
    if (!m.matches()) {
      builder.identity(text.trim());
      return;
    }
    String transform = m.group(1).toLowerCase(Locale.ROOT);
    String column = m.group(3);
    Integer argument = m.group(2) == null ? null : Integer.valueOf(m.group(2));
    switch (transform) {
      case "identity":
        builder.identity(column);
        break;
      case "year":
      case "years":
        builder.year(column);
        break;
      case "month":
      case "months":
        builder.month(column);
        break;
      case "day":
      case "days":
        builder.day(column);
        break;
      case "hour":
      case "hours":
        builder.hour(column);
        break;
      case "bucket":
        builder.bucket(column, requireArgument(argument, text));
        break;
      case "truncate":
        builder.truncate(column, requireArgument(argument, text));
        break;
      default:
        throw new IllegalArgumentException(
            "'"
                + transform
                + "' is not a partition transform (identity, year, month, day, hour,"
                + " bucket, truncate)");
    }
  }

  private static int requireArgument(Integer argument, String text) {
    if (argument == null) {
      throw new IllegalArgumentException("'" + text + "' needs a width, e.g. bucket(16, id)");
    }
    return argument;
  }

  /** A small recursive-descent parser for nested type strings. */
  private static final class TypeParser {
    private final String text;
    private final AtomicInteger ids;
    private int pos;

    TypeParser(String text, AtomicInteger ids) {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("is required");
      }
      this.text = text;
      this.ids = ids;
    }

    Type parse() {
      Type type = type();
      skipSpaces();
      if (pos != text.length()) {
        throw error("unexpected '" + text.substring(pos) + "'");
      }
      return type;
    }

    private Type type() {
      skipSpaces();
      String word = word();
      switch (word) {
        case "list":
        case "array":
          expect('<');
          Type element = type();
          expect('>');
          return Types.ListType.ofOptional(ids.getAndIncrement(), element);
        case "map":
          expect('<');
          Type key = type();
          expect(',');
          Type value = type();
          expect('>');
          int keyId = ids.getAndIncrement();
          return Types.MapType.ofOptional(keyId, ids.getAndIncrement(), key, value);
        case "struct":
          expect('<');
          List<Types.NestedField> fields = new ArrayList<>();
          do {
            skipSpaces();
            String name = word();
            expect(':');
            Type fieldType = type();
            fields.add(Types.NestedField.optional(ids.getAndIncrement(), name, fieldType));
          } while (tryConsume(','));
          expect('>');
          return Types.StructType.of(fields);
        default:
          return primitive(word);
      }
    }

    private Type primitive(String word) {
      String rest = "";
      skipSpaces();
      if (pos < text.length() && (text.charAt(pos) == '(' || text.charAt(pos) == '[')) {
        char close = text.charAt(pos) == '(' ? ')' : ']';
        int end = text.indexOf(close, pos);
        if (end < 0) {
          throw error("missing '" + close + "'");
        }
        rest = text.substring(pos, end + 1).replace(" ", "");
        pos = end + 1;
      }
      String name = word.toLowerCase(Locale.ROOT);
      switch (name) {
        case "integer":
          name = "int";
          break;
        case "bigint":
          name = "long";
          break;
        case "varchar":
          name = "string";
          break;
        default:
          break;
      }
      try {
        return Types.fromPrimitiveString(name + rest);
      } catch (IllegalArgumentException e) {
        throw error("'" + word + rest + "' is not an Iceberg type");
      }
    }

    private String word() {
      int start = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      if (start == pos) {
        throw error("expected a type or name");
      }
      return text.substring(start, pos);
    }

    private void expect(char c) {
      skipSpaces();
      if (pos >= text.length() || text.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private boolean tryConsume(char c) {
      skipSpaces();
      if (pos < text.length() && text.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private void skipSpaces() {
      while (pos < text.length() && text.charAt(pos) == ' ') {
        pos++;
      }
    }

    private IllegalArgumentException error(String message) {
      return new IllegalArgumentException("'" + text + "': " + message + " at position " + pos);
    }
  }
}
