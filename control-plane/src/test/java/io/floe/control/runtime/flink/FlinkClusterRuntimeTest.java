package io.floe.control.runtime.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.runtime.RunState;
import io.floe.control.runtime.RuntimeUnavailableException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How Flink's job details translate into Floe's view of a run, and the loader's arguments. */
class FlinkClusterRuntimeTest {
  private static final JobDetails.Vertex SOURCE =
      new JobDetails.Vertex(
          "61252f73469d3ffba207c548d29a0267", "Source: Kafka t", 3, 128, "RUNNING");
  private static final JobDetails.Vertex COMMITTER =
      new JobDetails.Vertex("cc1bd7c0d36e6565e899c555cca42793", "Commit db.t", 1, 1, "RUNNING");

  @Test
  void mapsEveryFlinkJobState() {
    Map<String, RunState> expected =
        Map.ofEntries(
            Map.entry("INITIALIZING", RunState.STARTING),
            Map.entry("CREATED", RunState.STARTING),
            Map.entry("RECONCILING", RunState.STARTING),
            Map.entry("RUNNING", RunState.RUNNING),
            Map.entry("RESTARTING", RunState.RESTARTING),
            Map.entry("FAILING", RunState.RESTARTING),
            Map.entry("CANCELLING", RunState.STOPPING),
            Map.entry("SUSPENDED", RunState.STOPPING),
            Map.entry("FINISHED", RunState.STOPPED),
            Map.entry("CANCELED", RunState.STOPPED),
            Map.entry("FAILED", RunState.FAILED));
    expected.forEach(
        (flinkState, state) ->
            assertThat(FlinkClusterRuntime.state(job(flinkState, Map.of("RUNNING", 4))))
                .as(flinkState)
                .isEqualTo(state));
  }

  @Test
  void aRunningJobWithTasksStillDeployingIsStarting() {
    assertThat(FlinkClusterRuntime.state(job("RUNNING", Map.of("RUNNING", 3, "DEPLOYING", 1))))
        .isEqualTo(RunState.STARTING);
    assertThat(FlinkClusterRuntime.state(job("RUNNING", Map.of("RUNNING", 3, "FINISHED", 1))))
        .isEqualTo(RunState.RUNNING);
  }

  @Test
  void anUnknownStateIsNotGuessed() {
    assertThatThrownBy(() -> FlinkClusterRuntime.state(job("NAPPING", Map.of())))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining("NAPPING");
  }

  @Test
  void theParallelismIsTheLargestAmongVerticesThatCanScale() {
    assertThat(FlinkClusterRuntime.parallelism(job("RUNNING", Map.of()))).isEqualTo(3);
    JobDetails committerOnly =
        new JobDetails("a".repeat(32), "floe-t", "RUNNING", List.of(COMMITTER), Map.of());
    assertThat(FlinkClusterRuntime.parallelism(committerOnly)).isEqualTo(1);
  }

  @Test
  void passesEverySettingAsKeyAndValueSortedByKey() {
    assertThat(
            FlinkClusterRuntime.programArguments(
                Map.of("source.topics", "orders", "job.flush-interval", "1s", "pipeline.name", "")))
        .containsExactly(
            "--job.flush-interval", "1s", "--pipeline.name", "", "--source.topics", "orders");
  }

  private static JobDetails job(String state, Map<String, Integer> taskCounts) {
    return new JobDetails("a".repeat(32), "floe-t", state, List.of(SOURCE, COMMITTER), taskCounts);
  }
}
