package io.floe.loader.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

/**
 * Managed Flink exports to CloudWatch only the metrics under the {@code kinesisanalytics} group:
 * the loader's counters and its commit metrics must be registered there.
 */
class LoaderMetricsTest {
  @Test
  void theWritersMetricsAreUnderTheExportedGroup() {
    RecordingGroup operator = new RecordingGroup(List.of("operator"), new TreeMap<>());

    LoaderMetrics metrics = LoaderMetrics.register(operator, "orders");
    metrics.recordsWritten().inc(3);

    assertThat(operator.metrics.keySet())
        .containsExactlyInAnyOrder(
            "operator.kinesisanalytics.Pipeline.orders.recordsIn",
            "operator.kinesisanalytics.Pipeline.orders.recordsWritten",
            "operator.kinesisanalytics.Pipeline.orders.recordsDeadLettered",
            "operator.kinesisanalytics.Pipeline.orders.recordsSkipped",
            "operator.kinesisanalytics.Pipeline.orders.recordsAlreadyCommitted",
            "operator.kinesisanalytics.Pipeline.orders.parseMicrosPerRecord");
    assertThat(
            ((Counter)
                    operator.metrics.get(
                        "operator.kinesisanalytics.Pipeline.orders.recordsWritten"))
                .getCount())
        .isEqualTo(3);
  }

  @Test
  void theExportedGroupIsKinesisAnalyticsThenThePipeline() {
    RecordingGroup operator = new RecordingGroup(List.of("operator"), new TreeMap<>());

    LoaderMetrics.exportedGroup(operator, "orders").counter("commits");

    assertThat(operator.metrics)
        .containsOnlyKeys("operator.kinesisanalytics.Pipeline.orders.commits");
  }

  /** A metric group that records every metric under its dotted scope. */
  private static final class RecordingGroup implements MetricGroup {
    private final List<String> scope;
    private final Map<String, Metric> metrics;

    RecordingGroup(List<String> scope, Map<String, Metric> metrics) {
      this.scope = scope;
      this.metrics = metrics;
    }

    private <M extends Metric> M add(String name, M metric) {
      metrics.put(getMetricIdentifier(name), metric);
      return metric;
    }

    @Override
    public Counter counter(String name) {
      return add(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
      return add(name, counter);
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
      return add(name, gauge);
    }

    @Override
    public <H extends Histogram> H histogram(String name, H histogram) {
      return add(name, histogram);
    }

    @Override
    public <M extends Meter> M meter(String name, M meter) {
      return add(name, meter);
    }

    @Override
    public MetricGroup addGroup(String name) {
      List<String> child = new ArrayList<>(scope);
      child.add(name);
      return new RecordingGroup(child, metrics);
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
      List<String> child = new ArrayList<>(scope);
      child.add(key);
      child.add(value);
      return new RecordingGroup(child, metrics);
    }

    @Override
    public String[] getScopeComponents() {
      return scope.toArray(new String[0]);
    }

    @Override
    public Map<String, String> getAllVariables() {
      return Map.of();
    }

    @Override
    public String getMetricIdentifier(String name) {
      return String.join(".", scope) + "." + name;
    }

    @Override
    public String getMetricIdentifier(String name, CharacterFilter filter) {
      return filter.filterCharacters(getMetricIdentifier(name));
    }
  }
}
