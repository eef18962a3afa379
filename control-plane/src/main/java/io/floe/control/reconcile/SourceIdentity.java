package io.floe.control.reconcile;

import io.floe.loader.settings.SourceSettings;
import java.util.Map;

/**
 * Which Kafka data a savepoint's source state belongs to. Restoring a Kafka source from a savepoint
 * taken with other topics can silently skip data (apache/iceberg#10892), so a changed source starts
 * from the offsets in the table instead.
 */
final class SourceIdentity {
  private SourceIdentity() {}

  static String of(Map<String, String> settings) {
    return "servers="
        + settings.getOrDefault(SourceSettings.BOOTSTRAP_SERVERS.key(), "")
        + ";topics="
        + settings.getOrDefault(SourceSettings.TOPICS.key(), "")
        + ";pattern="
        + settings.getOrDefault(SourceSettings.TOPIC_PATTERN.key(), "");
  }
}
