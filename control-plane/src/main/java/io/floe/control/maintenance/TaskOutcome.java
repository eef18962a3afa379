package io.floe.control.maintenance;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one maintenance task did: a sentence for the pipeline's events and its figures by name
 * (files and bytes before and after, snapshots expired, rows deleted), kept with the run.
 */
public record TaskOutcome(String summary, Map<String, Long> figures) {
  public TaskOutcome {
    requireNonNull(summary, "summary is null");
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
  }

  /** Figures that are a setting or an instant, the same for every table: kept, never added up. */
  private static final Set<String> SETTINGS = Set.of("targetFileSizeBytes", "cutoffEpochMillis");

  /**
   * One task's outcomes on several tables (a routed pipeline's): the summaries each after its
   * table's name, the figures added up.
   */
  static TaskOutcome combine(List<String> tables, List<TaskOutcome> outcomes) {
    StringBuilder summary = new StringBuilder();
    Map<String, Long> figures = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      if (i > 0) {
        summary.append("; ");
      }
      summary.append(tables.get(i)).append(": ").append(outcomes.get(i).summary());
      outcomes
          .get(i)
          .figures()
          .forEach(
              (name, value) ->
                  figures.merge(name, value, SETTINGS.contains(name) ? Math::max : Long::sum));
    }
    return new TaskOutcome(summary.toString(), figures);
  }
}
