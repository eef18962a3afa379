package io.floe.control.schema;

/**
 * A column to add: optional (existing rows read NULL), at the end unless {@code after} names a
 * column or {@code first} is true. A dotted name adds a field to a struct column.
 *
 * @param name the column's name; a dotted name adds a field to a struct column
 * @param type its Iceberg type: boolean, int, long, float, double, decimal(p,s), date, time,
 *     timestamp, timestamptz, string, uuid, binary, or struct/list/map of those
 * @param doc its comment, if any
 * @param after the column to place it after; at the end if absent
 * @param first true to place it first
 */
public record AddColumnRequest(String name, String type, String doc, String after, Boolean first) {}
