package io.floe.loader.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The loader's own metrics, registered under the {@code kinesisanalytics} group: Managed Flink
 * exports only that group to CloudWatch, and a Flink cluster serves it through its REST API like
 * any other metric.
 */
public final class LoaderMetrics {
  /** The group Managed Flink exports to CloudWatch. */
  public static final String EXPORTED_GROUP = "kinesisanalytics";

  private final Counter recordsIn;
  private final Counter recordsWritten;
  private final Counter recordsDeadLettered;
  private final Counter recordsSkipped;
  private final Counter recordsAlreadyCommitted;
  private volatile double parseMicrosPerRecord;

  private LoaderMetrics(MetricGroup group) {
    this.recordsIn = group.counter("recordsIn");
    this.recordsWritten = group.counter("recordsWritten");
    this.recordsDeadLettered = group.counter("recordsDeadLettered");
    this.recordsSkipped = group.counter("recordsSkipped");
    this.recordsAlreadyCommitted = group.counter("recordsAlreadyCommitted");
    group.gauge("parseMicrosPerRecord", () -> parseMicrosPerRecord);
  }

  /** Registers the writer's metrics under {@code kinesisanalytics.Pipeline.<name>}. */
  public static LoaderMetrics register(MetricGroup operatorGroup, String pipeline) {
    return new LoaderMetrics(exportedGroup(operatorGroup, pipeline));
  }

  /** The group for a pipeline's metrics that reaches CloudWatch on Managed Flink. */
  public static MetricGroup exportedGroup(MetricGroup operatorGroup, String pipeline) {
    return operatorGroup.addGroup(EXPORTED_GROUP).addGroup("Pipeline", pipeline);
  }

  public Counter recordsIn() {
    return recordsIn;
  }

  public Counter recordsWritten() {
    return recordsWritten;
  }

  public Counter recordsDeadLettered() {
    return recordsDeadLettered;
  }

  public Counter recordsSkipped() {
    return recordsSkipped;
  }

  /** Messages dropped unread because the table holds them already (restored state was older). */
  public Counter recordsAlreadyCommitted() {
    return recordsAlreadyCommitted;
  }

  /** The mean parse time over the sampled records of the last checkpoint interval. */
  public void parseMicrosPerRecord(double micros) {
    this.parseMicrosPerRecord = micros;
  }
}
