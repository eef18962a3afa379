package io.floe.benchmarks.all;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;

/** How the report writes numbers, ratios, spreads, heaps and durations, alike in every section. */
final class Figures {
  private Figures() {}

  static String spread(List<JobRun> runs, ToDoubleFunction<JobRun> figure) {
    double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
    OptionalDouble median = AllResult.median(values);
    if (values.length < 2 || median.isEmpty() || median.getAsDouble() == 0) {
      return "";
    }
    double low = values[0];
    double high = values[values.length - 1];
    return String.format(
        Locale.ROOT,
        "%s–%s (±%.1f %%)",
        compact(low),
        compact(high),
        (high - low) / 2 / median.getAsDouble() * 100);
  }

  static String compact(double value) {
    return value >= 100
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  static OptionalDouble sum(OptionalDouble... values) {
    double total = 0;
    for (OptionalDouble value : values) {
      if (value.isEmpty()) {
        return OptionalDouble.empty();
      }
      total += value.getAsDouble();
    }
    return OptionalDouble.of(total);
  }

  static String ratio(OptionalDouble value, double goal) {
    if (value.isEmpty()) {
      return "n/a";
    }
    return String.format(
        Locale.ROOT,
        "%.2f (%s)",
        value.getAsDouble(),
        value.getAsDouble() >= goal ? "met" : "not met");
  }

  static String number(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%,.0f", value.getAsDouble()) : "n/a";
  }

  static String number(OptionalDouble value, int decimals) {
    return value.isPresent()
        ? String.format(Locale.ROOT, "%." + decimals + "f", value.getAsDouble())
        : "n/a";
  }

  static String seconds(double millis) {
    return String.format(Locale.ROOT, "%.2f s", millis / 1000);
  }

  static String heap(List<OptionalLong> samples) {
    OptionalLong max =
        samples.stream().filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong).max();
    return max.isPresent()
        ? String.format(Locale.ROOT, "%,d MiB", max.getAsLong() / (1024 * 1024))
        : "n/a";
  }

  static String duration(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 60_000 == 0) {
      return millis / 60_000 + " min";
    }
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
