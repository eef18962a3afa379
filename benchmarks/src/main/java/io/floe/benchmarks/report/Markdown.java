package io.floe.benchmarks.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Markdown document built piece by piece (headings, paragraphs, tables), the one format every
 * benchmark report is written in, so reports read the same and can be pasted into an issue.
 */
public final class Markdown {
  private final StringBuilder out = new StringBuilder();

  public Markdown heading(int level, String text) {
    separate();
    out.append("#".repeat(level)).append(' ').append(text).append('\n');
    return this;
  }

  public Markdown paragraph(String text) {
    separate();
    out.append(text).append('\n');
    return this;
  }

  /** A bullet list. */
  public Markdown bullets(List<String> items) {
    separate();
    items.forEach(item -> out.append("- ").append(item).append('\n'));
    return this;
  }

  /** A two-column table of names and values. */
  public Markdown properties(Map<String, String> properties) {
    return table(
        List.of("", ""),
        properties.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
  }

  /** A table; the header row sets the number of columns. */
  public Markdown table(List<String> header, List<List<String>> rows) {
    requireNonNull(header, "header is null");
    separate();
    row(header);
    out.append('|');
    header.forEach(h -> out.append(" --- |"));
    out.append('\n');
    for (List<String> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException(
            "A row of " + row.size() + " cells in a table of " + header.size() + " columns");
      }
      row(row);
    }
    return this;
  }

  public String render() {
    return out.toString();
  }

  /** Writes the document, creating the folders above it. */
  public void writeTo(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, render(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report " + file, e);
    }
  }

  private void row(List<String> cells) {
    out.append('|');
    for (String cell : cells) {
      out.append(' ').append(escape(cell)).append(" |");
    }
    out.append('\n');
  }

  private static String escape(String cell) {
    return cell.replace("|", "\\|").replace("\n", " ");
  }

  private void separate() {
    if (out.length() > 0) {
      out.append('\n');
    }
  }
}
