package io.floe.control.schema;

/**
 * A column to add: optional (existing rows read NULL), at the end unless {@code after} names a
 * column or {@code first} is true. A dotted name adds a field to a struct column.
 */
public record AddColumnRequest(String name, String type, String doc, String after, Boolean first) {}
