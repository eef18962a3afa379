package io.floe.benchmarks.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart as a standalone SVG (no library, renders on GitHub): one bar per labelled
 * value, optionally grouped under headings, with the value printed at the end of each bar.
 */
public final class BarChart {
  private static final int WIDTH = 820;
  private static final int LABEL_WIDTH = 330;
  private static final int BAR_AREA = 380;
  private static final int ROW = 24;

  private final String title;
  private final String unit;
  private final List<Bar> bars = new ArrayList<>();

  /** One bar, or a group heading when {@code value} is NaN. */
  public record Bar(String label, double value, String color) {}

  public BarChart(String title, String unit) {
    this.title = requireNonNull(title, "title is null");
    this.unit = requireNonNull(unit, "unit is null");
  }

  public BarChart heading(String label) {
    bars.add(new Bar(label, Double.NaN, ""));
    return this;
  }

  public BarChart bar(String label, double value, String color) {
    bars.add(new Bar(label, value, color));
    return this;
  }

  public String render() {
    double max =
        bars.stream().mapToDouble(Bar::value).filter(v -> !Double.isNaN(v)).max().orElse(1);
    if (max <= 0) {
      max = 1;
    }
    int height = 50 + bars.size() * ROW + 10;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"13\">\n",
            WIDTH,
            height));
    svg.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, height));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>\n",
            escape(title)));
    int y = 50;
    for (Bar bar : bars) {
      if (Double.isNaN(bar.value())) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>\n",
                y + 16,
                escape(bar.label())));
      } else {
        int length = (int) Math.round(bar.value() / max * BAR_AREA);
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                LABEL_WIDTH - 8,
                y + 16,
                escape(bar.label())));
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
                LABEL_WIDTH,
                y + 4,
                Math.max(length, 1),
                ROW - 8,
                escape(bar.color())));
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\">%s</text>\n",
                LABEL_WIDTH + Math.max(length, 1) + 6,
                y + 16,
                escape(format(bar.value()) + " " + unit)));
      }
      y += ROW;
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  public void writeTo(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, render(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the chart " + file, e);
    }
  }

  private static String format(double value) {
    return value >= 100
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.2f", value);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
