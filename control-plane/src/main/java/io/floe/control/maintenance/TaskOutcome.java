package io.floe.control.maintenance;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one maintenance task did: a sentence for the pipeline's events and its figures by name
 * (files and bytes before and after, snapshots expired, rows deleted), kept with the run.
 */
public record TaskOutcome(String summary, Map<String, Long> figures) {
  public TaskOutcome {
    requireNonNull(summary, "summary is null");
    figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
  }
}
