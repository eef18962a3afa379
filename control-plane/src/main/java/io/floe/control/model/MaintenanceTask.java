package io.floe.control.model;

import java.util.Arrays;
import java.util.Optional;

/** The table maintenance tasks, by the names the API and the store use. */
public enum MaintenanceTask {
  COMPACTION("compaction"),
  SNAPSHOT_EXPIRY("snapshot-expiry"),
  RETENTION("retention"),
  ORPHAN_FILES("orphan-files");

  private final String apiName;

  MaintenanceTask(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  public static Optional<MaintenanceTask> fromApiName(String name) {
    return Arrays.stream(values()).filter(task -> task.apiName.equals(name)).findFirst();
  }
}
