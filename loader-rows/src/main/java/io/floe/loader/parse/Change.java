package io.floe.loader.parse;

import static java.util.Objects.requireNonNull;

import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

/**
 * What one message does to an upserted table: replace its key's row with a new one, or delete its
 * key's row. The row carries the matching Flink row kind (INSERT, DELETE), as Iceberg's delta
 * writers read it; a delete's row has values in its key columns only.
 */
public final class Change {
  /** Upsert or delete. */
  public enum Kind {
    UPSERT,
    DELETE
  }

  private final Kind kind;
  private final RowData row;

  private Change(Kind kind, RowData row) {
    this.kind = requireNonNull(kind, "kind is null");
    this.row = requireNonNull(row, "row is null");
    row.setRowKind(kind == Kind.UPSERT ? RowKind.INSERT : RowKind.DELETE);
  }

  /** The row that replaces its key's row. */
  public static Change upsert(RowData row) {
    return new Change(Kind.UPSERT, row);
  }

  /** Deletes the row of the key in {@code keyRow}'s key columns (its other columns are null). */
  public static Change delete(RowData keyRow) {
    return new Change(Kind.DELETE, keyRow);
  }

  public Kind kind() {
    return kind;
  }

  /** The table's row (upsert) or a row of the table's columns with only the key set (delete). */
  public RowData row() {
    return row;
  }

  @Override
  public String toString() {
    return kind + " " + row;
  }
}
