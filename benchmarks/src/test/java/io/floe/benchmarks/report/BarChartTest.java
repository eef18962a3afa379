package io.floe.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BarChartTest {
  @Test
  void barsScaleToTheLargestValueAndLabelsAreEscaped() {
    String svg =
        new BarChart("Throughput <p=2>", "records/s")
            .heading("sample & more")
            .bar("L", 60_000, "#999")
            .bar("loader", 30_000, "#2a7ab9")
            .render();

    assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    assertThat(svg).contains("Throughput &lt;p=2&gt;").contains("sample &amp; more");
    assertThat(svg).contains("width=\"380\"").contains("width=\"190\"");
    assertThat(svg).contains("60,000 records/s").contains("30,000 records/s");
    assertThat(svg).endsWith("</svg>\n");
  }

  @Test
  void smallValuesKeepTwoDecimals() {
    assertThat(new BarChart("t", "s").bar("p99", 1.234, "#000").render()).contains("1.23 s");
  }
}
