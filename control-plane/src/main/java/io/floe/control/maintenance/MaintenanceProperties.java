package io.floe.control.maintenance;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the control plane runs table maintenance.
 *
 * @param scheduled whether tasks run on their pipelines' schedules (requested runs always run)
 * @param interval how often due tasks and requested runs are looked for
 * @param lease how long a replica holds a table without renewing; renewed while a run lasts
 * @param deleteFilesCheck how often an upserted table's delete files are counted, for the
 *     compaction that their number makes due (reading a table's metadata costs a catalog call)
 */
@ConfigurationProperties("floe.maintenance")
public record MaintenanceProperties(
    @DefaultValue("true") boolean scheduled,
    @DefaultValue("10s") Duration interval,
    @DefaultValue("2m") Duration lease,
    @DefaultValue("1m") Duration deleteFilesCheck) {
  public MaintenanceProperties {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("floe.maintenance.interval must be positive");
    }
    if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
      throw new IllegalArgumentException("floe.maintenance.lease must be at least 3s");
    }
    if (deleteFilesCheck.isNegative() || deleteFilesCheck.isZero()) {
      throw new IllegalArgumentException("floe.maintenance.delete-files-check must be positive");
    }
  }
}
