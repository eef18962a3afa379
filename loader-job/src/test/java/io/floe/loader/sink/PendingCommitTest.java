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
}
