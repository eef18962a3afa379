package io.floe.control.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.control.model.FieldProblem;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class UpsertKeyTest {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.required(2, "region", Types.StringType.get()),
          Types.NestedField.optional(3, "name", Types.StringType.get()),
          Types.NestedField.required(4, "score", Types.DoubleType.get()),
          Types.NestedField.required(
              5,
              "meta",
              Types.StructType.of(Types.NestedField.required(6, "seq", Types.LongType.get()))),
          Types.NestedField.required(7, "ts", Types.TimestampType.withZone()));

  @Test
  void aGoodKeyOnATableWithoutIdentifierFieldsIsSetOnSave() {
    UpsertKey.Check check =
        UpsertKey.check(
            SCHEMA, PartitionSpec.unpartitioned(), 2, Optional.of(List.of("id")), "table.name");
    assertThat(check.problems()).isEmpty();
    assertThat(check.identifierFieldsToSet()).contains(List.of("id"));
    assertThat(UpsertKey.withIdentifier(SCHEMA, List.of("id", "region")).identifierFieldNames())
        .containsExactlyInAnyOrder("id", "region");
  }

  @Test
  void theTablesIdentifierFieldsAreTheKeyWhenNoneIsGiven() {
    Schema withKey = new Schema(SCHEMA.columns(), Set.of(1, 2));
    UpsertKey.Check check =
        UpsertKey.check(withKey, PartitionSpec.unpartitioned(), 2, Optional.empty(), "table.name");
    assertThat(check.problems()).isEmpty();
    assertThat(check.identifierFieldsToSet()).isEmpty();

    UpsertKey.Check other =
        UpsertKey.check(
            withKey, PartitionSpec.unpartitioned(), 2, Optional.of(List.of("id")), "table.name");
    assertThat(other.problems())
        .containsExactly(
            new FieldProblem(
                "table.write.key",
                "is id but the table's identifier fields are id, region; give those, or change"
                    + " the table's identifier fields"));
  }

  @Test
  void everyBadKeyColumnIsNamed() {
    UpsertKey.Check check =
        UpsertKey.check(
            SCHEMA,
            PartitionSpec.unpartitioned(),
            2,
            Optional.of(List.of("missing", "name", "score", "meta", "meta.seq")),
            "table.name");
    assertThat(check.problems())
        .containsExactly(
            new FieldProblem("table.write.key[0]", "the table has no column missing"),
            new FieldProblem(
                "table.write.key[1]", "name is optional; a key column must be required"),
            new FieldProblem(
                "table.write.key[2]",
                "score is a double; a key column is a primitive but float or double"),
            new FieldProblem(
                "table.write.key[3]",
                "meta is a struct<6: seq: required long>; a key column is a primitive but float or"
                    + " double"),
            new FieldProblem(
                "table.write.key[4]", "meta.seq is nested; a key is of top-level columns"));
    assertThat(check.identifierFieldsToSet()).isEmpty();
  }

  @Test
  void theKeyMustHoldThePartitionColumnsAndTheTableBeVersionTwo() {
    PartitionSpec byDay = PartitionSpec.builderFor(SCHEMA).day("ts").build();
    UpsertKey.Check check =
        UpsertKey.check(SCHEMA, byDay, 1, Optional.of(List.of("id")), "table.name");
    assertThat(check.problems())
        .containsExactly(
            new FieldProblem(
                "table.name",
                "the table has Iceberg format version 1; upserts (equality deletes) need format"
                    + " version 2"),
            new FieldProblem(
                "table.write.key",
                "must include ts: the table is partitioned by it (ts_day), and a row whose ts"
                    + " changed would keep its old copy in the old partition"));
  }

  @Test
  void withoutAKeyOrIdentifierFieldsTheKeyIsRequired() {
    UpsertKey.Check check =
        UpsertKey.check(SCHEMA, PartitionSpec.unpartitioned(), 2, Optional.empty(), "table.name");
    assertThat(check.problems())
        .containsExactly(
            new FieldProblem(
                "table.write.key", "is required: the table has no identifier fields to upsert by"));
  }
}
