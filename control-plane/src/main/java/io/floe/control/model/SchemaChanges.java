package io.floe.control.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What happens when a pipeline's table changes its schema under a running loader. */
public enum SchemaChanges {
  /** The loader restarts with its state and writes the new columns (the default). */
  AUTO,
  /**
   * The loader's writers follow the new schema at their next checkpoint, without a restart; a
   * change they cannot follow is rolled out with a restart, as AUTO does.
   */
  LIVE,
  /** The pipeline's health reports "restart needed"; a user restarts it. */
  MANUAL;

  /** The spelling of the API: {@code auto}, {@code manual}. */
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode a spec names, in any case; empty for anything else. */
  public static Optional<SchemaChanges> parse(String text) {
    return Arrays.stream(values())
        .filter(mode -> mode.apiName().equalsIgnoreCase(text))
        .findFirst();
  }

  /** The problem with a given spelling, in the words of the loader's own checks. */
  static Optional<String> problem(String text) {
    if (text == null || parse(text).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        "'"
            + text
            + "' is not one of "
            + Arrays.stream(values())
                .map(SchemaChanges::apiName)
                .collect(Collectors.joining(", ")));
  }
}
