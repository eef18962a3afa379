package io.floe.control.runtime.managed;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Reads Managed Flink's application metrics from CloudWatch: one GetMetricData per read (one query
 * per metric, namespace {@code AWS/KinesisAnalytics}, dimension {@code Application}, statistic
 * Maximum, one-minute periods, oldest first, following NextToken).
 */
public final class CloudWatchApplicationMetrics implements ApplicationMetrics {
  /** The namespace Managed Flink publishes its application metrics in. */
  public static final String NAMESPACE = "AWS/KinesisAnalytics";

  private final CloudWatchClient client;

  public CloudWatchApplicationMetrics(CloudWatchClient client) {
    this.client = requireNonNull(client, "client is null");
  }

  @Override
  public Map<String, List<Datapoint>> periodMaxima(
      String application, Set<String> metrics, Instant from, Instant to) {
    requireNonNull(application, "application is null");
    List<String> names = List.copyOf(metrics);
    List<MetricDataQuery> queries = new ArrayList<>();
    Map<String, List<Datapoint>> result = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      result.put(name, new ArrayList<>());
      queries.add(
          MetricDataQuery.builder()
              .id("m" + i)
              .returnData(true)
              .metricStat(
                  stat ->
                      stat.metric(
                              metric ->
                                  metric
                                      .namespace(NAMESPACE)
                                      .metricName(name)
                                      .dimensions(
                                          Dimension.builder()
                                              .name("Application")
                                              .value(application)
                                              .build()))
                          .period(PERIOD_SECONDS)
                          .stat("Maximum"))
              .build());
    }
    String token = null;
    try {
      do {
        String next = token;
        GetMetricDataResponse page =
            client.getMetricData(
                r ->
                    r.startTime(from)
                        .endTime(to)
                        .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                        .metricDataQueries(queries)
                        .nextToken(next));
        for (MetricDataResult series : page.metricDataResults()) {
          String name = names.get(Integer.parseInt(series.id().substring(1)));
          for (int i = 0; i < series.timestamps().size(); i++) {
            result.get(name).add(new Datapoint(series.timestamps().get(i), series.values().get(i)));
          }
        }
        token = page.nextToken();
      } while (token != null);
    } catch (SdkException e) {
      throw new MetricsUnavailableException(
          "CloudWatch cannot be read for " + application + ": " + e.getMessage(), e);
    }
    Map<String, List<Datapoint>> sorted = new LinkedHashMap<>();
    result.forEach(
        (name, points) -> {
          points.sort(java.util.Comparator.comparing(Datapoint::period));
          sorted.put(name, List.copyOf(points));
        });
    return sorted;
  }
}
