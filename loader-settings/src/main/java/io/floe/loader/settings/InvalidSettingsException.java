package io.floe.loader.settings;

import java.util.Collections;
import java.util.List;

/** Every problem found in one set of loader settings, each naming its key, reported at once. */
public final class InvalidSettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public InvalidSettingsException(List<String> problems) {
    super(describe(problems));
    this.problems = Collections.unmodifiableList(List.copyOf(problems));
  }

  /** One line per problem, each starting with the offending key. */
  public List<String> problems() {
    return problems;
  }

  private static String describe(List<String> problems) {
    StringBuilder message =
        new StringBuilder("Invalid loader settings (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem" : " problems")
            .append("):");
    for (String problem : problems) {
      message.append("\n  - ").append(problem);
    }
    return message.toString();
  }
}
