package io.floe.benchmarks.all;

import static java.util.Objects.requireNonNull;

import io.floe.benchmarks.all.JobRun.Kind;
import io.floe.benchmarks.environment.Machine;
import io.floe.benchmarks.kafka.BulkPublisher.Published;
import io.floe.benchmarks.profile.JfrProfile;
import io.floe.loader.sample.SamplePayload;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/** Everything the {@code all} benchmark measured, and the figures derived from it. */
public record AllResult(
    AllOptions options,
    Machine machine,
    String flinkVersion,
    Path loaderJar,
    Map<SamplePayload, Published> published,
    List<JobRun> runs,
    List<FreshnessRun> freshness,
    Optional<JfrProfile.Summary> profile,
    Optional<JfrProfile.Summary> baselineProfile,
    List<String> notes) {

  public AllResult {
    requireNonNull(options, "options is null");
    requireNonNull(machine, "machine is null");
    requireNonNull(flinkVersion, "flinkVersion is null");
    requireNonNull(loaderJar, "loaderJar is null");
    published = Map.copyOf(published);
    runs = List.copyOf(runs);
    freshness = List.copyOf(freshness);
    requireNonNull(profile, "profile is null");
    requireNonNull(baselineProfile, "baselineProfile is null");
    notes = List.copyOf(notes);
  }

  /** Every run and every freshness table held exactly what it should. */
  public boolean allCorrect() {
    return runs.stream().allMatch(JobRun::correct)
        && freshness.stream().allMatch(FreshnessRun::correct);
  }

  public List<JobRun> runs(Kind kind, SamplePayload payload, int parallelism) {
    return runs.stream()
        .filter(r -> r.kind() == kind && r.payload() == payload && r.parallelism() == parallelism)
        .toList();
  }

  /** The median of a figure over the runs of one kind; empty without runs. */
  public OptionalDouble median(
      Kind kind, SamplePayload payload, int parallelism, ToDoubleFunction<JobRun> figure) {
    return median(runs(kind, payload, parallelism).stream().mapToDouble(figure).toArray());
  }

  /**
   * CPU µs per record attributed to a stage, without JIT compilation (a per-job start-up cost):
   * read = (a); parse = (e) − (a); write = (d).
   */
  public OptionalDouble stageMicros(Kind stage, SamplePayload payload) {
    int p = options.parallelism();
    OptionalDouble read = median(Kind.READ, payload, p, JobRun::workCpuMicrosPerRecord);
    switch (stage) {
      case READ:
        return read;
      case PARSE:
        OptionalDouble readParse = median(Kind.PARSE, payload, p, JobRun::workCpuMicrosPerRecord);
        return read.isPresent() && readParse.isPresent()
            ? OptionalDouble.of(readParse.getAsDouble() - read.getAsDouble())
            : OptionalDouble.empty();
      case WRITE:
        return median(Kind.WRITE, payload, p, JobRun::workCpuMicrosPerRecord);
      default:
        throw new IllegalArgumentException("Not a stage: " + stage);
    }
  }

  /**
   * L = cores / (read + parse + write CPU per record, without JIT compilation), in records per
   * second.
   */
  public OptionalDouble limit(SamplePayload payload) {
    OptionalDouble read = stageMicros(Kind.READ, payload);
    OptionalDouble parse = stageMicros(Kind.PARSE, payload);
    OptionalDouble write = stageMicros(Kind.WRITE, payload);
    if (read.isEmpty() || parse.isEmpty() || write.isEmpty()) {
      return OptionalDouble.empty();
    }
    double micros = read.getAsDouble() + parse.getAsDouble() + write.getAsDouble();
    return OptionalDouble.of(machine.cores() * 1e6 / micros);
  }

  /** A ratio of two medians; empty when either is missing. */
  public static OptionalDouble ratio(OptionalDouble numerator, OptionalDouble denominator) {
    return numerator.isPresent() && denominator.isPresent() && denominator.getAsDouble() > 0
        ? OptionalDouble.of(numerator.getAsDouble() / denominator.getAsDouble())
        : OptionalDouble.empty();
  }

  static OptionalDouble median(double[] values) {
    if (values.length == 0) {
      return OptionalDouble.empty();
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return OptionalDouble.of(
        sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
  }
}
