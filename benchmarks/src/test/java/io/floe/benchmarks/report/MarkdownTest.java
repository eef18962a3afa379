package io.floe.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkdownTest {
  @Test
  void rendersHeadingsParagraphsAndTables() {
    String text =
        new Markdown()
            .heading(1, "Title")
            .paragraph("Some text.")
            .table(List.of("a", "b"), List.of(List.of("1", "x|y")))
            .properties(Map.of("key", "value"))
            .bullets(List.of("one", "two"))
            .render();

    assertThat(text)
        .isEqualTo(
            String.join(
                "\n",
                "# Title",
                "",
                "Some text.",
                "",
                "| a | b |",
                "| --- | --- |",
                "| 1 | x\\|y |",
                "",
                "|  |  |",
                "| --- | --- |",
                "| key | value |",
                "",
                "- one",
                "- two",
                ""));
  }

  @Test
  void refusesARowOfTheWrongWidth() {
    assertThatThrownBy(() -> new Markdown().table(List.of("a", "b"), List.of(List.of("1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 cells in a table of 2 columns");
  }
}
