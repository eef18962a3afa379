package io.floe.loader.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class WritableTypesTest {
  @Test
  void namesEveryColumnTheLoaderCannotWrite() {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "at", Types.TimestampNanoType.withZone()),
            Types.NestedField.optional(
                3,
                "outer",
                Types.StructType.of(
                    Types.NestedField.optional(4, "inner", Types.TimestampNanoType.withoutZone()))),
            Types.NestedField.optional(
                5,
                "by_double",
                Types.MapType.ofOptional(6, 7, Types.DoubleType.get(), Types.StringType.get())),
            Types.NestedField.optional(
                8, "tags", Types.ListType.ofOptional(9, Types.StringType.get())));

    assertThat(WritableTypes.problems(schema))
        .containsExactly(
            "at: the loader cannot write columns of type timestamptz_ns",
            "outer.inner: the loader cannot write columns of type timestamp_ns",
            "by_double: the loader cannot read map keys of type double");
  }
}
