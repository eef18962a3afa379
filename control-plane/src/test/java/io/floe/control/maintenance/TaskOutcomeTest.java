package io.floe.control.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskOutcomeTest {
  @Test
  void outcomesOnSeveralTablesNameEachTableAndAddUpTheirFigures() {
    TaskOutcome combined =
        TaskOutcome.combine(
            List.of("events", "events_click"),
            List.of(
                new TaskOutcome(
                    "compaction: nothing to rewrite",
                    Map.of("filesRewritten", 0L, "targetFileSizeBytes", 1024L)),
                new TaskOutcome(
                    "compaction: 9 files rewritten into 1",
                    Map.of("filesRewritten", 9L, "targetFileSizeBytes", 1024L))));

    assertThat(combined.summary())
        .isEqualTo(
            "events: compaction: nothing to rewrite; events_click: compaction: 9 files rewritten"
                + " into 1");
    assertThat(combined.figures())
        .containsEntry("filesRewritten", 9L)
        .containsEntry("targetFileSizeBytes", 1024L);
  }
}
