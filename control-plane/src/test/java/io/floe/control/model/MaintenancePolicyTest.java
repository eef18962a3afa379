package io.floe.control.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.control.maintenance.MaintenanceProperties;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MaintenancePolicyTest {
  @Test
  void everyDefault() {
    MaintenancePolicy policy = MaintenancePolicy.of(null);
    assertThat(policy.compaction())
        .isEqualTo(
            new MaintenancePolicy.Compaction(
                true, Duration.ofHours(1), OptionalLong.empty(), 5, Duration.ofDays(7)));
    assertThat(policy.compaction().minDeleteFiles()).isEqualTo(50);
    assertThat(policy.snapshotExpiry())
        .isEqualTo(
            new MaintenancePolicy.SnapshotExpiry(
                true, Duration.ofHours(1), Duration.ofDays(1), 10));
    assertThat(policy.retention().enabled()).isFalse();
    assertThat(policy.retention().every()).isEqualTo(Duration.ofDays(1));
    assertThat(policy.orphans())
        .isEqualTo(new MaintenancePolicy.OrphanFiles(true, Duration.ofDays(1), Duration.ofDays(3)));
    assertThat(MaintenancePolicy.of(new PipelineSpec.Maintenance(null, null, null, null)))
        .isEqualTo(policy);
  }

  @Test
  void everyKeyIsRead() {
    MaintenancePolicy policy =
        MaintenancePolicy.of(
            new PipelineSpec.Maintenance(
                new PipelineSpec.Compaction(false, "30m", "64MiB", 3, "0s"),
                new PipelineSpec.SnapshotExpiry(false, "2h", "12h", 20),
                new PipelineSpec.Retention("ts", "90d", "6h"),
                new PipelineSpec.OrphanFiles(false, "2d", "PT5H")));
    assertThat(policy.compaction())
        .isEqualTo(
            new MaintenancePolicy.Compaction(
                false, Duration.ofMinutes(30), OptionalLong.of(64L << 20), 3, Duration.ZERO));
    assertThat(policy.snapshotExpiry())
        .isEqualTo(
            new MaintenancePolicy.SnapshotExpiry(
                false, Duration.ofHours(2), Duration.ofHours(12), 20));
    assertThat(policy.retention())
        .isEqualTo(
            new MaintenancePolicy.Retention(
                Optional.of("ts"), Duration.ofDays(90), Duration.ofHours(6)));
    assertThat(policy.orphans())
        .isEqualTo(
            new MaintenancePolicy.OrphanFiles(false, Duration.ofDays(2), Duration.ofHours(5)));
    for (MaintenanceTask task : MaintenanceTask.values()) {
      assertThat(policy.enabled(task)).isEqualTo(task == MaintenanceTask.RETENTION);
    }
    assertThat(policy.every(MaintenanceTask.COMPACTION)).isEqualTo(Duration.ofMinutes(30));
    assertThat(policy.every(MaintenanceTask.SNAPSHOT_EXPIRY)).isEqualTo(Duration.ofHours(2));
    assertThat(policy.every(MaintenanceTask.RETENTION)).isEqualTo(Duration.ofHours(6));
    assertThat(policy.every(MaintenanceTask.ORPHAN_FILES)).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void everyProblemNamesItsFieldAndAllComeAtOnce() {
    assertThatThrownBy(
            () ->
                MaintenancePolicy.of(
                    new PipelineSpec.Maintenance(
                        new PipelineSpec.Compaction(null, "soon", "12 apples", 1, "-1d"),
                        new PipelineSpec.SnapshotExpiry(null, "0s", "1 week", 0),
                        new PipelineSpec.Retention(null, "30d", null),
                        new PipelineSpec.OrphanFiles(null, null, "10m"))))
        .isInstanceOfSatisfying(
            InvalidPipelineException.class,
            e ->
                assertThat(e.problems())
                    .extracting(FieldProblem::field)
                    .containsExactlyInAnyOrder(
                        "maintenance.compaction.every",
                        "maintenance.compaction.targetFileSize",
                        "maintenance.compaction.minInputFiles",
                        "maintenance.compaction.lookback",
                        "maintenance.snapshotExpiry.every",
                        "maintenance.snapshotExpiry.olderThan",
                        "maintenance.snapshotExpiry.retainLast",
                        "maintenance.retention.column",
                        "maintenance.orphanFiles.olderThan"));
    assertThatThrownBy(
            () ->
                MaintenancePolicy.of(
                    new PipelineSpec.Maintenance(
                        null, null, new PipelineSpec.Retention("ts", null, null), null)))
        .isInstanceOfSatisfying(
            InvalidPipelineException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new FieldProblem(
                            "maintenance.retention.olderThan",
                            "is required when retention has a column")));
    assertThatThrownBy(
            () ->
                MaintenancePolicy.of(
                    new PipelineSpec.Maintenance(
                        new PipelineSpec.Compaction(null, null, "512KiB", null, null),
                        null,
                        null,
                        null)))
        .hasMessageContaining("maintenance.compaction.targetFileSize: 512KiB is below the minimum");
  }

  @Test
  void configurationDefaultsAndLimits() {
    MaintenanceProperties defaults =
        new MaintenanceProperties(
            true, Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofMinutes(1));
    assertThat(defaults.scheduled()).isTrue();
    assertThatThrownBy(
            () ->
                new MaintenanceProperties(
                    true, Duration.ZERO, Duration.ofMinutes(2), Duration.ofMinutes(1)))
        .hasMessageContaining("floe.maintenance.interval");
    assertThatThrownBy(
            () ->
                new MaintenanceProperties(
                    true, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1)))
        .hasMessageContaining("floe.maintenance.lease");
  }
}
