package io.floe.control.runtime.flink;

/** One metric of a vertex, aggregated over its subtasks by Flink. */
public record MetricAggregate(double min, double max, double avg, double sum) {}
