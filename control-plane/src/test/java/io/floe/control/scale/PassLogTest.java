package io.floe.control.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PassLogTest {
  private static final long MS = 1_000_000;

  @Test
  void aReconcilePassEndsWithTheLastLookItWokeAndRunsAreObservedAtTheirGaps() {
    // Passes start at 0, 1000 and 2000 ms; its calls end at 100, 400, 1200 and 2100 ms; run a is
    // observed at 300 and 2300, run b at 900 and 3100 (after the window of 0..2500 ms).
    PassLog.Passes passes =
        PassLog.compute(
            List.of(0L, 1000 * MS, 2000 * MS),
            List.of(100 * MS, 400 * MS, 1200 * MS, 2100 * MS),
            Map.of("a", List.of(300 * MS, 2300 * MS), "b", List.of(900 * MS, 3100 * MS)),
            List.of(),
            List.of(),
            0,
            2500 * MS);

    assertThat(passes.reconcilePassMillis()).containsExactly(400.0, 200.0);
    assertThat(passes.reconcilePassesUnfinished()).isEqualTo(1);
    assertThat(passes.observeGapMillis()).containsExactly(2000.0);
  }

  @Test
  void aHealthPassEndsWithItsLastCallBeforeTheNextPass() {
    // Passes start at 0 and 15000 ms; calls end until 4000 ms, then from 15100 to 19000 ms; the
    // window is 0..30000 ms, so the second pass has not been followed by a third.
    PassLog.Passes passes =
        PassLog.compute(
            List.of(),
            List.of(),
            Map.of(),
            List.of(0L, 15_000 * MS),
            List.of(1000 * MS, 4000 * MS, 15_100 * MS, 19_000 * MS),
            0,
            30_000 * MS);

    assertThat(passes.healthPassMillis()).containsExactly(4000.0);
    assertThat(passes.healthPassesUnfinished()).isEqualTo(1);
    assertThat(passes.longestUnfinishedHealthPassMillis()).isEqualTo(15_000.0);
  }

  @Test
  void passesThatBeganBeforeTheWindowAreLeftOut() {
    PassLog.Passes passes =
        PassLog.compute(
            List.of(0L, 5000 * MS, 9000 * MS),
            List.of(200 * MS, 5200 * MS),
            Map.of("a", List.of(200 * MS, 5200 * MS)),
            List.of(0L, 20_000 * MS, 40_000 * MS),
            List.of(3000 * MS, 21_000 * MS),
            1000 * MS,
            60_000 * MS);

    assertThat(passes.reconcilePassMillis()).containsExactly(200.0);
    assertThat(passes.healthPassMillis()).containsExactly(1000.0);
    assertThat(passes.healthPassesUnfinished()).isEqualTo(1);
  }

  @Test
  void theLogGivesTheSameForTheRunsAskedFor() {
    PassLog log = new PassLog();
    log.reconcilePassStarted(0);
    log.reconcileCallEnded(400 * MS);
    log.reconcileObserved("a", 400 * MS);
    log.reconcilePassStarted(1000 * MS);
    log.reconcileObserved("other", 900 * MS);
    log.healthPassStarted(0);
    log.healthCallEnded(2000 * MS);
    log.healthPassStarted(12_000 * MS);

    PassLog.Passes passes = log.passes(List.of("a"), 0, 13_000 * MS);

    assertThat(passes.reconcilePassMillis()).containsExactly(400.0);
    assertThat(passes.healthPassMillis()).containsExactly(2000.0);
  }
}
