package io.floe.control.reconcile;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class SchemaDiffTest {
  private static final Schema BEFORE =
      new Schema(
          required(1, "id", Types.LongType.get()),
          optional(2, "name", Types.StringType.get()),
          optional(3, "count", Types.IntegerType.get()),
          optional(
              4,
              "items",
              Types.ListType.ofOptional(
                  5, Types.StructType.of(optional(6, "sku", Types.StringType.get())))));

  @Test
  void describesEachChangeByFieldId() {
    Schema after =
        new Schema(
            optional(1, "id", Types.LongType.get()),
            optional(3, "total", Types.LongType.get()),
            optional(
                4,
                "items",
                Types.ListType.ofOptional(
                    5,
                    Types.StructType.of(
                        optional(6, "sku", Types.StringType.get()),
                        optional(7, "qty", Types.LongType.get())))),
            optional(
                8,
                "geo",
                Types.StructType.of(
                    optional(9, "lat", Types.DoubleType.get()),
                    optional(10, "tags", Types.ListType.ofOptional(11, Types.StringType.get())))));

    assertThat(SchemaDiff.describe(BEFORE, after))
        .isEqualTo(
            "made id optional, renamed count to total, changed total from int to long, added"
                + " items.element.qty (long), added geo (struct<lat: double, tags: list<string>>),"
                + " dropped name");
  }

  @Test
  void noChange() {
    assertThat(SchemaDiff.describe(BEFORE, BEFORE)).isEqualTo("no column changed");
  }
}
