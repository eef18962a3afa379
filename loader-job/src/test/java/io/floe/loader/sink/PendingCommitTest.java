package io.floe.loader.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
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

  @Test
  void deleteManifestsAndDeletedKeysSurviveTheState() throws Exception {
    PendingCommit commit =
        new PendingCommit(
            List.of(new byte[] {1}),
            List.of(new byte[] {2, 3}, new byte[] {4}),
            3,
            10,
            4,
            0,
            0,
            0,
            Map.of("events:0", 15L),
            1_000L,
            List.of());

    PendingCommit back =
        PendingCommit.deserialize(PendingCommit.serialize(Map.of(2L, commit))).get(2L);

    assertThat(back.manifests()).hasSize(1);
    assertThat(back.deleteManifests()).hasSize(2);
    assertThat(back.deleteManifests().get(0)).containsExactly(2, 3);
    assertThat(back.allManifests()).hasSize(3);
    assertThat(back.recordsWritten()).isEqualTo(10);
    assertThat(back.recordsDeleted()).isEqualTo(4);
  }

  @Test
  void readsTheStateOfTheVersionBeforeDeletes() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(4); // the state version of loaders before upserts
      out.writeInt(1);
      out.writeLong(7L);
      out.writeInt(1);
      out.writeInt(2);
      out.write(new byte[] {5, 6});
      out.writeInt(2); // schema id
      out.writeLong(30); // written
      out.writeLong(1); // dead-lettered
      out.writeLong(0); // skipped
      out.writeInt(1);
      out.writeUTF("events:0");
      out.writeLong(31L);
      out.writeLong(2_000L); // max record timestamp
      out.writeInt(0); // dead-letter files
      out.writeLong(0); // rule violations
      out.writeInt(0); // routed tables
    }

    PendingCommit back = PendingCommit.deserialize(bytes.toByteArray()).get(7L);

    assertThat(back.manifests()).hasSize(1);
    assertThat(back.manifests().get(0)).containsExactly(5, 6);
    assertThat(back.deleteManifests()).isEmpty();
    assertThat(back.recordsWritten()).isEqualTo(30);
    assertThat(back.recordsDeleted()).isZero();
    assertThat(back.nextOffsets()).containsEntry("events:0", 31L);
    assertThat(back.maxRecordTimestamp()).isEqualTo(2_000L);
  }
}
