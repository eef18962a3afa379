package io.floe.benchmarks.jobs;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.Schema;
import org.apache.iceberg.flink.FlinkSchemaUtil;

/**
 * The Flink SQL a user would write to load the topic into the table without Floe: a Kafka table in
 * the {@code json} format, an Iceberg catalog, and one {@code INSERT INTO ... SELECT}. Columns come
 * from the Iceberg schema. The {@code json} format cannot read offset timestamps such as {@code
 * 2022-07-26T00:41:48.046773-07:00} into TIMESTAMP_LTZ, so those columns are read as STRING and
 * converted in the SELECT with built-in functions only (see {@link #offsetTimestamp}).
 */
public final class SqlStatements {
  /** The session time zone the conversion relies on (TIMESTAMP to TIMESTAMP_LTZ casts use it). */
  public static final String SESSION_TIME_ZONE = "UTC";

  private SqlStatements() {}

  /** The properties of {@code CREATE CATALOG ... WITH (...)} for a Hadoop catalog. */
  public static Map<String, String> catalogProperties(String warehouse) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("type", "iceberg");
    properties.put("catalog-type", "hadoop");
    properties.put("warehouse", warehouse);
    return properties;
  }

  /** The Kafka source table: every column nullable, timestamp-with-zone columns as STRING. */
  public static String createSource(
      String name, Schema schema, String bootstrapServers, String topic, String groupId) {
    requireNonNull(schema, "schema is null");
    RowType row = FlinkSchemaUtil.convert(schema);
    List<String> columns = new ArrayList<>();
    for (RowType.RowField field : row.getFields()) {
      String type =
          isZonedTimestamp(field) ? "STRING" : field.getType().copy(true).asSerializableString();
      columns.add(quote(field.getName()) + " " + type);
    }
    return "CREATE TEMPORARY TABLE "
        + quote(name)
        + " (\n  "
        + String.join(",\n  ", columns)
        + "\n) WITH (\n  'connector'='kafka',\n  'topic'='"
        + literal(topic)
        + "',\n  'properties.bootstrap.servers'='"
        + literal(bootstrapServers)
        + "',\n  'properties.group.id'='"
        + literal(groupId)
        + "',\n  'scan.startup.mode'='earliest-offset',\n  'format'='json'\n)";
  }

  /** {@code INSERT INTO target SELECT ... FROM source}, converting the offset timestamps. */
  public static String insert(String target, String source, Schema schema) {
    RowType row = FlinkSchemaUtil.convert(schema);
    List<String> select = new ArrayList<>();
    for (RowType.RowField field : row.getFields()) {
      String column = quote(field.getName());
      select.add(isZonedTimestamp(field) ? offsetTimestamp(column) + " AS " + column : column);
    }
    return "INSERT INTO "
        + target
        + "\nSELECT\n  "
        + String.join(",\n  ", select)
        + "\nFROM "
        + quote(source);
  }

  /**
   * The workaround: {@code yyyy-MM-ddTHH:mm:ss.SSSSSS±hh:mm} (the payloads' fixed layout) read as
   * the local date-time at microseconds, shifted by the offset to UTC, then cast to
   * TIMESTAMP_LTZ(6) in a UTC session. Built-in functions only, exact to the microsecond. ({@code
   * UNIX_TIMESTAMP} with {@code XXX} misreads the microseconds; {@code TO_TIMESTAMP} stops at
   * milliseconds.)
   */
  static String offsetTimestamp(String column) {
    return "CAST(TIMESTAMPADD(MINUTE, (CASE WHEN SUBSTRING("
        + column
        + " FROM 27 FOR 1) = '-' THEN 1 ELSE -1 END) * (CAST(SUBSTRING("
        + column
        + " FROM 28 FOR 2) AS INT) * 60 + CAST(SUBSTRING("
        + column
        + " FROM 31 FOR 2) AS INT)), CAST(CONCAT(SUBSTRING("
        + column
        + " FROM 1 FOR 10), ' ', SUBSTRING("
        + column
        + " FROM 12 FOR 15)) AS TIMESTAMP(6))) AS TIMESTAMP_LTZ(6))";
  }

  private static boolean isZonedTimestamp(RowType.RowField field) {
    return field.getType().getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  private static String literal(String text) {
    return text.replace("'", "''");
  }
}
