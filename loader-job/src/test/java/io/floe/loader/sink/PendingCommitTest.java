package io.floe.loader.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The committer's pending-commit state keeps every counter across a snapshot and a restore. */
class PendingCommitTest {
  @Test
  void ruleViolationsSurviveTheState() throws Exception {
    PendingCommit commit =
        new PendingCommit(
            List.of(new byte[] {1, 2}),
            3,
            100,
            7,
            2,
            5,
            Map.of("events:0", 109L),
            1_000L,
            List.of("file:/tmp/dead-letters"));

    TreeMap<Long, PendingCommit> restored =
        PendingCommit.deserialize(PendingCommit.serialize(Map.of(4L, commit)));

    PendingCommit back = restored.get(4L);
    assertThat(back.recordsWritten()).isEqualTo(100);
    assertThat(back.recordsDeadLettered()).isEqualTo(7);
    assertThat(back.recordsSkipped()).isEqualTo(2);
    assertThat(back.recordsRuleViolations()).isEqualTo(5);
    assertThat(back.nextOffsets()).containsEntry("events:0", 109L);
    assertThat(back.deadLetterFiles()).containsExactly("file:/tmp/dead-letters");
  }

  @Test
  void routedTablesSurviveTheStateWithTheirOwnManifestsAndCounts() throws Exception {
    Map<String, Long> offsets = Map.of("events:0", 109L, "events:1", 50L);
    PendingCommit pipelineTable =
        new PendingCommit(List.of(), 3, 0, 1, 0, offsets, 1_000L, List.of("file:/tmp/dl"));
    PendingCommit clicks =
        new PendingCommit(List.of(new byte[] {9}), 1, 40, 0, 0, offsets, 900L, List.of());
    PendingCommit views =
        new PendingCommit(
            List.of(new byte[] {7}, new byte[] {8}), 2, 60, 0, 0, offsets, 1_000L, List.of());

    PendingCommit back =
        PendingCommit.deserialize(
                PendingCommit.serialize(
                    Map.of(4L, pipelineTable.withRouted(Map.of("clicks", clicks, "views", views)))))
            .get(4L);

    assertThat(back.manifests()).isEmpty();
    assertThat(back.recordsDeadLettered()).isEqualTo(1);
    assertThat(back.routed()).containsOnlyKeys("clicks", "views");
    PendingCommit backViews = back.routed().get("views");
    assertThat(backViews.manifests()).hasSize(2);
    assertThat(backViews.manifests().get(1)).containsExactly(8);
    assertThat(backViews.schemaId()).isEqualTo(2);
    assertThat(backViews.recordsWritten()).isEqualTo(60);
    assertThat(backViews.nextOffsets()).isEqualTo(offsets);
    assertThat(back.routed().get("clicks").recordsWritten()).isEqualTo(40);
    assertThat(back.routed().get("clicks").routed()).isEmpty();
  }
}
