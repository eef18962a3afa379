package io.floe.testing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * The CloudWatch fake through the real SDK client (awsQuery): samples published every 15 s
 * aggregate per period with each statistic, timestamps sit on period starts, the default order is
 * newest first, paging, and errors in CloudWatch's shape.
 */
class FakeCloudWatchTest {
  private static final Instant BASE =
      Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
  private static final Map<String, String> APP = Map.of("Application", "floe-orders");
  private static FakeCloudWatch cloudWatch;
  private static CloudWatchClient client;

  @BeforeAll
  static void start() {
    cloudWatch = FakeCloudWatch.start();
    client =
        CloudWatchClient.builder()
            .endpointOverride(cloudWatch.endpoint())
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("akid", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    // fullRestarts as Managed Flink publishes it: the job's running total, every 15 s.
    double[] restarts = {0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2};
    for (int i = 0; i < restarts.length; i++) {
      cloudWatch.record(
          "AWS/KinesisAnalytics", "fullRestarts", APP, BASE.plusSeconds(15L * i), restarts[i]);
    }
  }

  @AfterAll
  static void stop() {
    client.close();
    cloudWatch.close();
  }

  @Test
  void samplesAggregatePerPeriodWithEachStatistic() {
    GetMetricDataResponse response =
        client.getMetricData(
            r ->
                r.startTime(BASE.plusSeconds(20)) // rounded down to BASE
                    .endTime(BASE.plusSeconds(180))
                    .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                    .metricDataQueries(
                        query("max", "Maximum"),
                        query("sum", "Sum"),
                        query("n", "SampleCount"),
                        query("avg", "Average"),
                        query("min", "Minimum")));
    Map<String, MetricDataResult> results = byId(response);
    List<Instant> periods = List.of(BASE, BASE.plusSeconds(60), BASE.plusSeconds(120));
    assertThat(results.get("max").timestamps()).isEqualTo(periods);
    assertThat(results.get("max").values()).containsExactly(0.0, 2.0, 2.0);
    // A Sum of a running total counts it once per 15 s sample: four times a minute.
    assertThat(results.get("sum").values()).containsExactly(0.0, 6.0, 8.0);
    assertThat(results.get("n").values()).containsExactly(4.0, 4.0, 4.0);
    assertThat(results.get("avg").values()).containsExactly(0.0, 1.5, 2.0);
    assertThat(results.get("min").values()).containsExactly(0.0, 1.0, 2.0);
    assertThat(results.get("max").statusCodeAsString()).isEqualTo("Complete");
    assertThat(results.get("max").label()).isEqualTo("fullRestarts");
  }

  @Test
  void newestFirstByDefaultAndExactDimensionsOnly() {
    GetMetricDataResponse response =
        client.getMetricData(
            r ->
                r.startTime(BASE)
                    .endTime(BASE.plusSeconds(300))
                    .metricDataQueries(
                        query("max", "Maximum"),
                        MetricDataQuery.builder()
                            .id("other")
                            .metricStat(
                                s ->
                                    s.metric(
                                            m ->
                                                m.namespace("AWS/KinesisAnalytics")
                                                    .metricName("fullRestarts")
                                                    .dimensions(
                                                        Dimension.builder()
                                                            .name("Application")
                                                            .value("floe-clicks")
                                                            .build()))
                                        .period(60)
                                        .stat("Maximum"))
                            .build()));
    Map<String, MetricDataResult> results = byId(response);
    assertThat(results.get("max").timestamps())
        .containsExactly(BASE.plusSeconds(120), BASE.plusSeconds(60), BASE);
    assertThat(results.get("other").timestamps()).isEmpty();
  }

  @Test
  void longPeriodsAndPaging() {
    GetMetricDataResponse whole =
        client.getMetricData(
            r ->
                r.startTime(BASE)
                    .endTime(BASE.plusSeconds(600))
                    .metricDataQueries(query("max", "Maximum", 300)));
    assertThat(byId(whole).get("max").values()).containsExactly(2.0);

    List<Double> values = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String next = token;
      GetMetricDataResponse page =
          client.getMetricData(
              r ->
                  r.startTime(BASE)
                      .endTime(BASE.plusSeconds(600))
                      .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                      .maxDatapoints(2)
                      .nextToken(next)
                      .metricDataQueries(query("max", "Maximum")));
      values.addAll(byId(page).get("max").values());
      token = page.nextToken();
      pages++;
    } while (token != null);
    assertThat(values).containsExactly(0.0, 2.0, 2.0);
    assertThat(pages).isEqualTo(2);
  }

  @Test
  void publishedMetricsAreReadBackAndAwsNamespacesAreRefused() {
    Instant at = Instant.now().minusSeconds(30);
    int callsBefore = cloudWatch.calls().size();
    client.putMetricData(
        r ->
            r.namespace("Floe/Test")
                .metricData(
                    d ->
                        d.metricName("commits")
                            .dimensions(Dimension.builder().name("Pipeline").value("p").build())
                            .timestamp(at)
                            .value(3.0),
                    d ->
                        d.metricName("commits")
                            .dimensions(Dimension.builder().name("Pipeline").value("p").build())
                            .timestamp(at)
                            .values(1.0, 2.0)
                            .counts(2.0, 1.0)));
    assertThat(cloudWatch.calls().subList(callsBefore, cloudWatch.calls().size()))
        .as("PutMetricData as IAM authorizes it")
        .containsExactly(
            new AwsCall(
                "akid",
                "cloudwatch:PutMetricData",
                "*",
                Map.of("cloudwatch:namespace", "Floe/Test")));
    GetMetricDataResponse response =
        client.getMetricData(
            r ->
                r.startTime(at.minusSeconds(60))
                    .endTime(at.plusSeconds(60))
                    .metricDataQueries(
                        MetricDataQuery.builder()
                            .id("c")
                            .metricStat(
                                s ->
                                    s.metric(
                                            m ->
                                                m.namespace("Floe/Test")
                                                    .metricName("commits")
                                                    .dimensions(
                                                        Dimension.builder()
                                                            .name("Pipeline")
                                                            .value("p")
                                                            .build()))
                                        .period(300)
                                        .stat("Sum"))
                            .build()));
    assertThat(byId(response).get("c").values()).containsExactly(7.0);

    assertThatThrownBy(
            () ->
                client.putMetricData(
                    r ->
                        r.namespace("AWS/KinesisAnalytics")
                            .metricData(d -> d.metricName("fullRestarts").value(1.0))))
        .isInstanceOfSatisfying(
            CloudWatchException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
              assertThat(e.awsErrorDetails().errorMessage()).contains("Namespace");
            });
  }

  @Test
  void invalidQueriesAreRefusedInCloudWatchsErrorShape() {
    assertThatThrownBy(
            () ->
                client.getMetricData(
                    r ->
                        r.startTime(BASE)
                            .endTime(BASE.plusSeconds(60))
                            .metricDataQueries(query("max", "Maximum", 45))))
        .isInstanceOfSatisfying(
            CloudWatchException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
              assertThat(e.awsErrorDetails().errorMessage()).contains("Period");
            });
    assertThatThrownBy(
            () ->
                client.getMetricData(
                    r ->
                        r.startTime(BASE)
                            .endTime(BASE.plusSeconds(60))
                            .metricDataQueries(query("Max", "Maximum"))))
        .isInstanceOf(CloudWatchException.class)
        .hasMessageContaining("Id");
    assertThatThrownBy(
            () ->
                client.getMetricData(
                    r ->
                        r.startTime(BASE.plusSeconds(60))
                            .endTime(BASE)
                            .metricDataQueries(query("max", "Maximum"))))
        .isInstanceOf(CloudWatchException.class)
        .hasMessageContaining("StartTime");
    assertThat(cloudWatch.requests())
        .anySatisfy(
            request -> {
              assertThat(request.action()).isEqualTo("GetMetricData");
              assertThat(request.errorCode()).contains("ValidationError");
            });
  }

  private static MetricDataQuery query(String id, String stat) {
    return query(id, stat, 60);
  }

  private static MetricDataQuery query(String id, String stat, int period) {
    return MetricDataQuery.builder()
        .id(id)
        .metricStat(
            s ->
                s.metric(
                        m ->
                            m.namespace("AWS/KinesisAnalytics")
                                .metricName("fullRestarts")
                                .dimensions(
                                    Dimension.builder()
                                        .name("Application")
                                        .value("floe-orders")
                                        .build()))
                    .period(period)
                    .stat(stat))
        .build();
  }

  private static Map<String, MetricDataResult> byId(GetMetricDataResponse response) {
    Map<String, MetricDataResult> results = new java.util.HashMap<>();
    for (MetricDataResult result : response.metricDataResults()) {
      results.put(result.id(), result);
    }
    return results;
  }
}
