package io.floe.control.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommitHistoryTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static CommitHistory.Commit commit(String jobId, Optional<Integer> schemaId) {
    return new CommitHistory.Commit(T0, jobId, 10, 0, 0, 1, 1024, schemaId, 0);
  }

  private static CommitHistory history(int tableSchemaId, CommitHistory.Commit... commits) {
    return new CommitHistory(List.of(commits), 1, 1024, 1024, tableSchemaId);
  }

  @Test
  void theRunsLastCommitWrittenWithAnOlderSchemaDrifts() {
    assertThat(history(1, commit("run-1", Optional.of(0))).schemaDrift("run-1"))
        .contains("the table's schema is now 1, the loader writes with 0");
  }

  @Test
  void noDriftWhenTheRunWritesTheTablesSchema() {
    assertThat(history(1, commit("run-1", Optional.of(1))).schemaDrift("run-1")).isEmpty();
  }

  @Test
  void noDriftWhenAnotherRunCommittedLastOrNoneDid() {
    assertThat(
            history(1, commit("run-1", Optional.of(0)), commit("run-0", Optional.of(0)))
                .schemaDrift("run-1"))
        .isEmpty();
    assertThat(history(1).schemaDrift("run-1")).isEmpty();
  }

  @Test
  void noDriftWhenTheCommitDoesNotSayItsSchema() {
    assertThat(history(1, commit("run-1", Optional.empty())).schemaDrift("run-1")).isEmpty();
  }
}
