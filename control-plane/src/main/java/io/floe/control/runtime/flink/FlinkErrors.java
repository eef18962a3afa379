package io.floe.control.runtime.flink;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code errors} of a Flink REST error response. Flink puts whole server-side stack traces
 * there; this keeps them for inspection and reduces them to a line a person can read.
 *
 * @param messages the entries of {@code errors}, as Flink sent them
 */
public record FlinkErrors(List<String> messages) {
  private static final int MAX_SUMMARY = 2_000;
  private static final String SERVER_SIDE_START = "<Exception on server side:";
  private static final String SERVER_SIDE_END = "End of exception on server side>";
  private static final String INTERNAL_SERVER_ERROR = "Internal server error.";

  /** What Flink's PackagedProgram says when the job's main() threw. */
  private static final Pattern PROGRAM_FAILURE =
      Pattern.compile(
          "The main method caused an error: (.*?)(?:\\R\\s*(?:at |\\.\\.\\. \\d+ more|Caused by: )|\\z)",
          Pattern.DOTALL);

  public FlinkErrors {
    messages = List.copyOf(requireNonNull(messages, "messages is null"));
  }

  public static FlinkErrors of(String... messages) {
    return new FlinkErrors(List.of(messages));
  }

  /** Whether any entry mentions this text (an exception class name, a message). */
  public boolean contains(String text) {
    requireNonNull(text, "text is null");
    return messages.stream().anyMatch(message -> message.contains(text));
  }

  /**
   * The message of the exception that a JAR's main() threw, when Flink reports one (a run request
   * whose program failed before it submitted a job), without Flink's wrapping and stack trace.
   */
  public Optional<String> programFailure() {
    for (String message : messages) {
      Matcher matcher = PROGRAM_FAILURE.matcher(message);
      if (matcher.find()) {
        return Optional.of(matcher.group(1).strip());
      }
    }
    return Optional.empty();
  }

  /** One line per entry: its first line, and its root cause when it has one. */
  public String summary() {
    List<String> lines = new ArrayList<>();
    for (String message : messages) {
      String text = unwrapServerSide(message).strip();
      if (text.isEmpty() || (text.equals(INTERNAL_SERVER_ERROR) && messages.size() > 1)) {
        continue;
      }
      lines.add(summarize(text));
    }
    String summary = lines.isEmpty() ? "(no error text)" : String.join(" | ", lines);
    return summary.length() > MAX_SUMMARY ? summary.substring(0, MAX_SUMMARY) + "..." : summary;
  }

  /** The first line of a stack trace, followed by its deepest "Caused by" when there is one. */
  static String summarize(String stackTrace) {
    String[] lines = stackTrace.strip().split("\\R");
    String first = lines[0].strip();
    String rootCause = null;
    for (String line : lines) {
      if (line.startsWith("Caused by: ")) {
        rootCause = line.substring("Caused by: ".length()).strip();
      }
    }
    if (rootCause == null || first.contains(rootCause)) {
      return first;
    }
    return first + " (caused by " + rootCause + ")";
  }

  private static String unwrapServerSide(String message) {
    int start = message.indexOf(SERVER_SIDE_START);
    if (start < 0) {
      return message;
    }
    int end = message.indexOf(SERVER_SIDE_END, start);
    return message.substring(start + SERVER_SIDE_START.length(), end < 0 ? message.length() : end);
  }
}
