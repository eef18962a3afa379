package io.floe.benchmarks.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.loader.sample.SamplePayload;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {
  @Test
  void sourceReadsOffsetTimestampsAsStringsAndEveryColumnAsNullable() {
    String ddl =
        SqlStatements.createSource(
            "source", SamplePayload.SAMPLE.schema(), "localhost:9092", "topic-1", "group-1");

    assertThat(ddl)
        .contains("`id` BIGINT,")
        .contains("`timestamp` STRING")
        .contains("`integer` BIGINT")
        .contains("`nested` ROW<`key` VARCHAR(2147483647), `value` BIGINT>")
        .contains("'format'='json'")
        .contains("'topic'='topic-1'")
        .contains("'scan.startup.mode'='earliest-offset'")
        .doesNotContain("BIGINT NOT NULL"); // map keys stay NOT NULL, as in Iceberg
  }

  @Test
  void insertConvertsEveryTimestampColumnAndNothingElse() {
    String insert =
        SqlStatements.insert("`ice`.`bench`.`t`", "source", SamplePayload.WIDE.schema());

    assertThat(insert).startsWith("INSERT INTO `ice`.`bench`.`t`\nSELECT\n  `id`,");
    assertThat(insert.split("AS TIMESTAMP_LTZ\\(6\\)", -1)).hasSize(7); // 6 timestamp columns
    assertThat(insert).contains(" AS `c08_ts`").endsWith("FROM `source`");
  }

  @Test
  void offsetConversionShiftsByTheSignedOffset() {
    String expression = SqlStatements.offsetTimestamp("`ts`");

    assertThat(expression)
        .contains("SUBSTRING(`ts` FROM 27 FOR 1) = '-' THEN 1 ELSE -1")
        .contains("CAST(SUBSTRING(`ts` FROM 28 FOR 2) AS INT) * 60")
        .contains("SUBSTRING(`ts` FROM 12 FOR 15)) AS TIMESTAMP(6)");
  }

  @Test
  void quotesIdentifiers() {
    assertThat(SqlStatements.quote("a`b")).isEqualTo("`a``b`");
  }
}
