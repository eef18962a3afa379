package io.floe.loader.sample;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Deterministic JSON messages and the Iceberg schemas they load into, so that demos, tests and
 * benchmarks all publish the same data; built with a StringBuilder because benchmarks render
 * millions of them.
 */
public final class SampleMessages {
  /** How many kinds {@link #malformed(long, int)} knows: 0 to {@code MALFORMED_KINDS - 1}. */
  public static final int MALFORMED_KINDS = 5;

  /** Columns of {@link #wide(long, Instant)} and {@link #wideSchema()}, {@code id} included. */
  public static final int WIDE_COLUMNS = 50;

  /** The offset timestamps are rendered at, as in the shared sample message. */
  private static final int OFFSET_SECONDS = -7 * 3600;

  private static final String OFFSET_TEXT = "-07:00";
  private static final int SECONDS_PER_DAY = 86_400;

  /** The instant of the shared sample message: 2022-07-26T00:41:48.046773-07:00. */
  private static final Instant MALFORMED_TIMESTAMP = Instant.parse("2022-07-26T07:41:48.046773Z");

  private static final WideType[] WIDE_TYPES = WideType.values();
  private static final String[] WIDE_NAMES = wideNames();
  private static final String[] WIDE_PREFIXES = widePrefixes();

  private SampleMessages() {}

  /**
   * A message in the shape of the shared sample ({@code shared/samples/sample-message.json}) with
   * the given id, values derived from the id, and the timestamp rendered at offset -07:00 with
   * microseconds (the sub-microsecond part is truncated).
   */
  public static byte[] sample(long id, Instant timestamp) {
    requireNonNull(timestamp, "timestamp is null");
    StringBuilder out = new StringBuilder(512);
    appendSampleHead(out, id, true, false);
    appendSampleTail(out, id, timestamp);
    return ascii(out);
  }

  /**
   * A message of {@link #WIDE_COLUMNS} columns of mixed types matching {@link #wideSchema()}:
   * {@code id}, then {@code c01_long}, {@code c02_double}, {@code c03_string}, {@code c04_bool},
   * {@code c05_int}, {@code c06_decimal} (decimal(18,4)), {@code c07_date}, {@code c08_ts}, and so
   * on cyclically; the timestamps derive from the given one.
   */
  public static byte[] wide(long id, Instant timestamp) {
    requireNonNull(timestamp, "timestamp is null");
    StringBuilder out = new StringBuilder(2048);
    out.append("{\"id\":").append(id);
    for (int column = 1; column < WIDE_COLUMNS; column++) {
      out.append(WIDE_PREFIXES[column]);
      WideType type = WIDE_TYPES[(column - 1) % WIDE_TYPES.length];
      switch (type) {
        case LONG:
          out.append(id * 1_000 + column);
          break;
        case DOUBLE: // rendered by hand: Double.toString is slow before Java 19
          out.append(Math.floorMod(id, 1_000_000L)).append('.');
          appendPadded(out, (int) Math.floorMod(id * 13 + column, 100L), 2);
          break;
        case STRING:
          out.append("\"s-").append(id).append('-').append(column).append('"');
          break;
        case BOOL:
          out.append(((id + column / 8) & 1) == 0);
          break;
        case INT:
          out.append((int) Math.floorMod(id, 1_000_000L) * 100 + column);
          break;
        case DECIMAL:
          out.append(Math.floorMod(id, 1_000_000_000_000L)).append('.');
          appendPadded(out, (int) Math.floorMod(id * 31 + column, 10_000L), 4);
          break;
        case DATE:
          out.append('"');
          appendDate(out, LocalDate.ofEpochDay(Math.floorMod(id + column, 36_525L)));
          out.append('"');
          break;
        case TIMESTAMP:
          out.append('"');
          appendTimestamp(out, timestamp.getEpochSecond() - column, timestamp.getNano());
          out.append('"');
          break;
        default:
          throw new AssertionError("Unknown wide type " + type);
      }
    }
    out.append('}');
    return ascii(out);
  }

  /**
   * A bad message of the given kind, carrying the id where the kind allows: 0 = broken JSON, 1 =
   * {@code "integer"} is a string, 2 = required {@code id} missing (the id is in {@code
   * "lost_id"}), 3 = invalid UTF-8 inside the {@code "string"} value, 4 = a JSON array holding a
   * sample instead of an object.
   */
  public static byte[] malformed(long id, int kind) {
    StringBuilder out = new StringBuilder(512);
    switch (kind) {
      case 0:
        return ascii(out.append("{\"id\":").append(id).append(",\"bool\":tru"));
      case 1:
        appendSampleHead(out, id, true, true);
        appendSampleTail(out, id, MALFORMED_TIMESTAMP);
        return ascii(out);
      case 2:
        appendSampleHead(out, id, false, false);
        appendSampleTail(out, id, MALFORMED_TIMESTAMP);
        return ascii(out);
      case 3:
        byte[] head = ascii(appendSampleHead(out, id, true, false));
        byte[] tail = ascii(appendSampleTail(new StringBuilder(256), id, MALFORMED_TIMESTAMP));
        byte[] message = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, message, 0, head.length);
        message[head.length] = (byte) 0xC3; // a UTF-8 lead byte
        message[head.length + 1] = (byte) 0x28; // '(' where a continuation byte must follow
        System.arraycopy(tail, 0, message, head.length + 2, tail.length);
        return message;
      case 4:
        out.append('[');
        appendSampleHead(out, id, true, false);
        appendSampleTail(out, id, MALFORMED_TIMESTAMP);
        return ascii(out.append(']'));
      default:
        throw new IllegalArgumentException(
            "kind must be 0 to " + (MALFORMED_KINDS - 1) + ", got " + kind);
    }
  }

  /**
   * The Iceberg schema of {@link #sample(long, Instant)}, as {@code
   * shared/samples/sample-table.sql} creates it: {@code id} required, everything else optional.
   */
  public static Schema sampleSchema() {
    return new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "bool", Types.BooleanType.get()),
        Types.NestedField.optional(3, "floating", Types.DoubleType.get()),
        Types.NestedField.optional(4, "integer", Types.LongType.get()),
        Types.NestedField.optional(5, "string", Types.StringType.get()),
        Types.NestedField.optional(
            6, "bools", Types.ListType.ofOptional(13, Types.BooleanType.get())),
        Types.NestedField.optional(
            7, "floatings", Types.ListType.ofOptional(14, Types.DoubleType.get())),
        Types.NestedField.optional(
            8, "integers", Types.ListType.ofOptional(15, Types.LongType.get())),
        Types.NestedField.optional(
            9, "strings", Types.ListType.ofOptional(16, Types.StringType.get())),
        Types.NestedField.optional(
            10,
            "string_map",
            Types.MapType.ofOptional(17, 18, Types.StringType.get(), Types.StringType.get())),
        Types.NestedField.optional(
            11,
            "nested",
            Types.StructType.of(
                Types.NestedField.optional(19, "key", Types.StringType.get()),
                Types.NestedField.optional(20, "value", Types.LongType.get()))),
        Types.NestedField.optional(12, "timestamp", Types.TimestampType.withZone()));
  }

  /** The sample table's partitioning: {@code day(timestamp)}. */
  public static PartitionSpec sampleSpec(Schema schema) {
    requireNonNull(schema, "schema is null");
    return PartitionSpec.builderFor(schema).day("timestamp").build();
  }

  /**
   * The Iceberg schema of {@link #wide(long, Instant)}: {@code id} required, the other columns
   * optional; the table is meant to be unpartitioned.
   */
  public static Schema wideSchema() {
    Types.NestedField[] fields = new Types.NestedField[WIDE_COLUMNS];
    fields[0] = Types.NestedField.required(1, "id", Types.LongType.get());
    for (int column = 1; column < WIDE_COLUMNS; column++) {
      WideType type = WIDE_TYPES[(column - 1) % WIDE_TYPES.length];
      fields[column] = Types.NestedField.optional(column + 1, WIDE_NAMES[column], type.icebergType);
    }
    return new Schema(fields);
  }

  /** Everything of a sample up to the {@code "string"} value, whose closing quote is missing. */
  private static StringBuilder appendSampleHead(
      StringBuilder out, long id, boolean withId, boolean integerMistyped) {
    out.append(withId ? "{\"id\":" : "{\"lost_id\":").append(id);
    out.append(",\"bool\":").append(id % 2 == 0);
    out.append(",\"floating\":").append(id / 100.0);
    if (integerMistyped) {
      out.append(",\"integer\":\"not a number\"");
    } else {
      out.append(",\"integer\":").append(id * 7);
    }
    return out.append(",\"string\":\"value-").append(id);
  }

  /** The rest of a sample after {@link #appendSampleHead}, from the closing quote of "string". */
  private static StringBuilder appendSampleTail(StringBuilder out, long id, Instant timestamp) {
    out.append("\",\"bools\":[")
        .append(id % 2 == 0)
        .append(',')
        .append(id % 3 == 0)
        .append(',')
        .append(id % 5 == 0);
    out.append("],\"floatings\":[")
        .append(id / 100.0)
        .append(',')
        .append((id + 1) / 100.0)
        .append(',')
        .append((id + 2) / 100.0);
    out.append("],\"integers\":[").append(id).append(',').append(id * 2).append(',').append(id * 3);
    out.append("],\"strings\":[\"a-")
        .append(id)
        .append("\",\"b-")
        .append(id)
        .append("\",\"c-")
        .append(id);
    out.append("\"],\"string_map\":{\"k1\":\"v1-").append(id).append("\",\"k2\":\"v2-").append(id);
    out.append("\"},\"nested\":{\"key\":\"key-").append(id).append("\",\"value\":").append(id);
    out.append("},\"timestamp\":\"");
    appendTimestamp(out, timestamp.getEpochSecond(), timestamp.getNano());
    return out.append("\"}");
  }

  /** Renders like {@code 2022-07-26T00:41:48.046773-07:00}: always 6 fractional digits. */
  private static void appendTimestamp(StringBuilder out, long epochSecond, int nano) {
    long localSecond = epochSecond + OFFSET_SECONDS;
    appendDate(out, LocalDate.ofEpochDay(Math.floorDiv(localSecond, SECONDS_PER_DAY)));
    int secondOfDay = (int) Math.floorMod(localSecond, SECONDS_PER_DAY);
    out.append('T');
    appendPadded(out, secondOfDay / 3600, 2);
    out.append(':');
    appendPadded(out, secondOfDay / 60 % 60, 2);
    out.append(':');
    appendPadded(out, secondOfDay % 60, 2);
    out.append('.');
    appendPadded(out, nano / 1_000, 6);
    out.append(OFFSET_TEXT);
  }

  private static void appendDate(StringBuilder out, LocalDate date) {
    int year = date.getYear();
    if (year < 0 || year > 9999) {
      throw new IllegalArgumentException("Year " + year + " is outside 0000-9999");
    }
    appendPadded(out, year, 4);
    out.append('-');
    appendPadded(out, date.getMonthValue(), 2);
    out.append('-');
    appendPadded(out, date.getDayOfMonth(), 2);
  }

  /** Appends a non-negative value left-padded with zeros to the given width. */
  private static void appendPadded(StringBuilder out, int value, int width) {
    for (int limit = 10, digits = 1; digits < width; limit *= 10, digits++) {
      if (value < limit) {
        out.append('0');
      }
    }
    out.append(value);
  }

  /** Every character appended here is ASCII, so this is also the UTF-8 encoding. */
  private static byte[] ascii(StringBuilder out) {
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String[] wideNames() {
    String[] names = new String[WIDE_COLUMNS];
    names[0] = "id";
    for (int column = 1; column < WIDE_COLUMNS; column++) {
      names[column] =
          (column < 10 ? "c0" : "c")
              + column
              + "_"
              + WIDE_TYPES[(column - 1) % WIDE_TYPES.length].suffix;
    }
    return names;
  }

  private static String[] widePrefixes() {
    String[] prefixes = new String[WIDE_COLUMNS];
    for (int column = 1; column < WIDE_COLUMNS; column++) {
      prefixes[column] = ",\"" + WIDE_NAMES[column] + "\":";
    }
    return prefixes;
  }

  /** The column types of the wide message, in the order they repeat. */
  private enum WideType {
    LONG("long", Types.LongType.get()),
    DOUBLE("double", Types.DoubleType.get()),
    STRING("string", Types.StringType.get()),
    BOOL("bool", Types.BooleanType.get()),
    INT("int", Types.IntegerType.get()),
    DECIMAL("decimal", Types.DecimalType.of(18, 4)),
    DATE("date", Types.DateType.get()),
    TIMESTAMP("ts", Types.TimestampType.withZone());

    private final String suffix;
    private final Type icebergType;

    WideType(String suffix, Type icebergType) {
      this.suffix = suffix;
      this.icebergType = icebergType;
    }
  }
}
