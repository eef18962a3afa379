package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** Flink's ids (JobID, TriggerId, JobVertexID) are checked in one place before they reach a URL. */
public final class FlinkIds {
  private static final Pattern FLINK_ID = Pattern.compile("[0-9a-fA-F]{32}");

  private FlinkIds() {}

  /** Checks a Flink id: 32 hex digits. */
  public static String require(String value, String name) {
    requireNonNull(value, name + " is null");
    if (!FLINK_ID.matcher(value).matches()) {
      throw new IllegalArgumentException(name + " must be 32 hex digits, was '" + value + "'");
    }
    return value;
  }
}
