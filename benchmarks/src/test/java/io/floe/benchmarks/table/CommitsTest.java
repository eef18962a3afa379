package io.floe.benchmarks.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.benchmarks.table.Commits.Commit;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommitsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Commit commit(int secondsAfter, long records) {
    return new Commit(T0.plusSeconds(secondsAfter), records, 2, records * 10);
  }

  @Test
  void countsTheCommitsUntilAllRowsAreIn() {
    Commits commits =
        Commits.of(List.of(commit(10, 400), commit(20, 500), commit(30, 100), commit(40, 0)));

    assertThat(commits.commitsToReach(1000)).contains(3);
    assertThat(commits.commitsToReach(400)).contains(1);
    assertThat(commits.commitsToReach(1001)).isEmpty();
  }
}
