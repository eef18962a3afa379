package io.floe.testing.aws;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * Amazon CloudWatch's metrics API on localhost, in the awsQuery protocol that the SDK's {@code
 * CloudWatchClient} (2.40.x) speaks: form-encoded {@code Action=...&Version=2010-08-01} POSTs
 * answered in XML, errors as {@code <ErrorResponse><Error><Type/><Code/><Message/>}. Tests reach it
 * through the real client with {@code endpointOverride(endpoint())}.
 *
 * <p>Implemented with CloudWatch's documented semantics: PutMetricData (Value, Values/Counts,
 * StatisticValues; namespaces starting with {@code AWS/} are refused, as they are reserved for AWS
 * services, which is why {@link #record} exists; timestamps at most two weeks old and two hours
 * ahead; gzip-compressed bodies accepted) and GetMetricData for MetricStat queries (a metric
 * matches only with exactly the dimensions asked for; StartTime rounded down to the whole minute;
 * each period's datapoint is the statistic over the samples in {@code [start + k*period, start +
 * (k+1)*period)} before EndTime, stamped with its period's start; periods without samples are left
 * out; statistics SampleCount, Average, Sum, Minimum, Maximum; ScanBy TimestampDescending by
 * default; MaxDatapoints across the queries with NextToken paging; ReturnData false hides a query).
 * Not modelled: metric math, percentiles, retention and the coarser rounding of old start times,
 * alarms, ListMetrics, units (ignored).
 */
public final class FakeCloudWatch implements AutoCloseable {
  /** The region the fake's metrics live in (requests signed for any region are answered). */
  public static final String REGION = "us-east-1";

  private static final String XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
  private static final Set<String> STATISTICS =
      Set.of("SampleCount", "Average", "Sum", "Minimum", "Maximum");

  private final Clock clock;
  private final HttpServer http;
  private final ExecutorService executor;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<AwsCall> calls = new CopyOnWriteArrayList<>();
  // Guarded by this: per metric, its samples in arrival order.
  private final Map<MetricKey, List<Sample>> metrics = new LinkedHashMap<>();

  /**
   * One request the fake received and how it answered.
   *
   * @param action the awsQuery action, such as {@code GetMetricData}
   * @param parameters the decoded form parameters
   * @param status the HTTP status of the answer
   * @param errorCode the error code, when it answered with an error
   */
  public record Request(
      String action, Map<String, String> parameters, int status, Optional<String> errorCode) {
    public Request {
      requireNonNull(action, "action is null");
      parameters = Map.copyOf(parameters);
      requireNonNull(errorCode, "errorCode is null");
    }
  }

  /** A metric: namespace, name and its full set of dimensions. */
  private record MetricKey(String namespace, String name, Map<String, String> dimensions) {
    MetricKey {
      dimensions = Map.copyOf(dimensions);
    }
  }

  /** One published sample, as a statistic set (a single value is a set of one). */
  private record Sample(Instant at, double count, double sum, double min, double max) {}

  private static final class QueryError extends RuntimeException {
    private final int status;
    private final String code;

    QueryError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  private FakeCloudWatch(Clock clock) throws IOException {
    this.clock = requireNonNull(clock, "clock is null");
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "fake-cloudwatch");
              thread.setDaemon(true);
              return thread;
            });
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", this::exchange);
    http.setExecutor(executor);
    http.start();
  }

  /** Serves CloudWatch with no metrics, on the system clock. */
  public static FakeCloudWatch start() {
    return start(Clock.systemUTC());
  }

  /**
   * Serves CloudWatch with no metrics; {@code clock} decides what "now" is for timestamp checks.
   */
  public static FakeCloudWatch start(Clock clock) {
    try {
      return new FakeCloudWatch(clock);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the fake CloudWatch", e);
    }
  }

  /** The URI for the client builder's {@code endpointOverride}. */
  public URI endpoint() {
    InetSocketAddress address = http.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  /**
   * Records one sample as an AWS service does (any namespace, {@code AWS/KinesisAnalytics}
   * included): what Managed Flink would publish for an application.
   */
  public synchronized void record(
      String namespace,
      String metricName,
      Map<String, String> dimensions,
      Instant timestamp,
      double value) {
    requireNonNull(timestamp, "timestamp is null");
    metrics
        .computeIfAbsent(
            new MetricKey(
                requireNonNull(namespace, "namespace is null"),
                requireNonNull(metricName, "metricName is null"),
                dimensions),
            k -> new ArrayList<>())
        .add(new Sample(timestamp, 1, value, value, value));
  }

  /** Every request received so far, oldest first. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /**
   * Every call so far as IAM authorizes it: CloudWatch's metric actions have no resource-level
   * permissions ({@code *}); PutMetricData carries the {@code cloudwatch:namespace} condition key.
   */
  public List<AwsCall> calls() {
    return List.copyOf(calls);
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private static String caller(String authorization) {
    int credential = authorization.indexOf("Credential=");
    int slash = credential < 0 ? -1 : authorization.indexOf('/', credential);
    return slash < 0 ? "anonymous" : authorization.substring(credential + 11, slash);
  }

  private void exchange(HttpExchange exchange) throws IOException {
    try (exchange) {
      String requestId = UUID.randomUUID().toString();
      Map<String, String> parameters = Map.of();
      String action = "";
      int status;
      String body;
      Optional<String> errorCode = Optional.empty();
      try {
        if (!exchange.getRequestMethod().equals("POST")) {
          throw new QueryError(405, "InvalidAction", "awsQuery requests are POSTs");
        }
        if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
          throw new QueryError(403, "MissingAuthenticationToken", "Request is missing a signature");
        }
        InputStream in = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
          in = new GZIPInputStream(new ByteArrayInputStream(in.readAllBytes()));
        }
        parameters = form(new String(in.readAllBytes(), UTF_8));
        action = parameters.getOrDefault("Action", "");
        calls.add(
            new AwsCall(
                caller(exchange.getRequestHeaders().getFirst("Authorization")),
                "cloudwatch:" + action,
                "*",
                action.equals("PutMetricData") && parameters.containsKey("Namespace")
                    ? Map.of("cloudwatch:namespace", parameters.get("Namespace"))
                    : Map.of()));
        if (!"2010-08-01".equals(parameters.get("Version"))) {
          throw new QueryError(
              400, "InvalidParameterValue", "Version must be 2010-08-01, was " + parameters);
        }
        body =
            switch (action) {
              case "PutMetricData" -> putMetricData(parameters, requestId);
              case "GetMetricData" -> getMetricData(parameters, requestId);
              default ->
                  throw new QueryError(
                      400, "InvalidAction", "The action " + action + " is not valid");
            };
        status = 200;
      } catch (QueryError e) {
        status = e.status;
        errorCode = Optional.of(e.code);
        body = error(e, requestId);
      } catch (RuntimeException e) {
        status = 500;
        errorCode = Optional.of("InternalFailure");
        body = error(new QueryError(500, "InternalFailure", "the fake failed: " + e), requestId);
      }
      requests.add(new Request(action, parameters, status, errorCode));
      byte[] bytes = body.getBytes(UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/xml");
      exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  // ---- PutMetricData ---------------------------------------------------------------------------

  private String putMetricData(Map<String, String> p, String requestId) {
    String namespace = required(p, "Namespace");
    if (namespace.startsWith("AWS/") || !namespace.matches("[^:]{1,255}")) {
      throw invalid("The value " + namespace + " for parameter Namespace is invalid.");
    }
    List<Integer> members = members(p, "MetricData.member.");
    if (members.isEmpty() || members.size() > 1000) {
      throw new QueryError(
          400, "MissingParameter", "MetricData must hold 1 to 1000 members, had " + members.size());
    }
    Instant now = clock.instant();
    List<Map.Entry<MetricKey, Sample>> accepted = new ArrayList<>();
    for (int i : members) {
      String prefix = "MetricData.member." + i + ".";
      String name = required(p, prefix + "MetricName");
      Map<String, String> dimensions = dimensions(p, prefix + "Dimensions.member.");
      Instant at = p.containsKey(prefix + "Timestamp") ? time(p, prefix + "Timestamp") : now;
      if (at.isBefore(now.minus(Duration.ofDays(14)))
          || at.isAfter(now.plus(Duration.ofHours(2)))) {
        throw invalid(
            "The parameter "
                + prefix
                + "Timestamp must specify a time no more than two weeks in the past and no more"
                + " than two hours in the future.");
      }
      MetricKey key = new MetricKey(namespace, name, dimensions);
      if (p.containsKey(prefix + "Value")) {
        double value = number(p, prefix + "Value");
        accepted.add(Map.entry(key, new Sample(at, 1, value, value, value)));
      } else if (p.containsKey(prefix + "StatisticValues.SampleCount")) {
        String s = prefix + "StatisticValues.";
        accepted.add(
            Map.entry(
                key,
                new Sample(
                    at,
                    number(p, s + "SampleCount"),
                    number(p, s + "Sum"),
                    number(p, s + "Minimum"),
                    number(p, s + "Maximum"))));
      } else {
        List<Integer> values = members(p, prefix + "Values.member.");
        if (values.isEmpty()) {
          throw new QueryError(
              400, "MissingParameter", prefix + " needs Value, Values or StatisticValues");
        }
        for (int v : values) {
          double value = number(p, prefix + "Values.member." + v);
          String countKey = prefix + "Counts.member." + v;
          double count = p.containsKey(countKey) ? number(p, countKey) : 1;
          accepted.add(Map.entry(key, new Sample(at, count, value * count, value, value)));
        }
      }
    }
    synchronized (this) {
      for (Map.Entry<MetricKey, Sample> sample : accepted) {
        metrics.computeIfAbsent(sample.getKey(), k -> new ArrayList<>()).add(sample.getValue());
      }
    }
    return "<PutMetricDataResponse xmlns=\""
        + XMLNS
        + "\"><ResponseMetadata><RequestId>"
        + requestId
        + "</RequestId></ResponseMetadata></PutMetricDataResponse>";
  }

  // ---- GetMetricData ---------------------------------------------------------------------------

  private record Query(
      String id, String label, boolean returnData, List<Instant> at, List<Double> values) {}

  private String getMetricData(Map<String, String> p, String requestId) {
    Instant requestedStart = time(p, "StartTime");
    Instant end = time(p, "EndTime");
    if (!requestedStart.isBefore(end)) {
      throw new QueryError(
          400,
          "ValidationError",
          "The parameter StartTime must be less than the parameter EndTime.");
    }
    // Within 15 days, CloudWatch rounds the start time down to the whole minute.
    Instant start = requestedStart.truncatedTo(ChronoUnit.MINUTES);
    String scanBy = p.getOrDefault("ScanBy", "TimestampDescending");
    if (!scanBy.equals("TimestampDescending") && !scanBy.equals("TimestampAscending")) {
      throw invalid("The value " + scanBy + " for parameter ScanBy is invalid.");
    }
    int maxDatapoints = p.containsKey("MaxDatapoints") ? (int) number(p, "MaxDatapoints") : 100_800;
    if (maxDatapoints < 1) {
      throw invalid("MaxDatapoints must be positive");
    }
    List<Integer> members = members(p, "MetricDataQueries.member.");
    if (members.isEmpty() || members.size() > 500) {
      throw new QueryError(
          400,
          "ValidationError",
          "MetricDataQueries must hold 1 to 500 members, had " + members.size());
    }
    List<Query> queries = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i : members) {
      String prefix = "MetricDataQueries.member." + i + ".";
      String id = required(p, prefix + "Id");
      if (!id.matches("[a-z][a-zA-Z0-9_]{0,254}")) {
        throw new QueryError(
            400,
            "ValidationError",
            "The value "
                + id
                + " for parameter "
                + prefix
                + "Id is not valid: it must start"
                + " with a lowercase letter and hold only letters, digits and underscores.");
      }
      if (!ids.add(id)) {
        throw new QueryError(400, "ValidationError", "The Id " + id + " is used twice.");
      }
      if (p.containsKey(prefix + "Expression")) {
        throw new QueryError(
            400, "ValidationError", "Metric math (" + prefix + "Expression) is not modelled");
      }
      String stat = prefix + "MetricStat.";
      String name = required(p, stat + "Metric.MetricName");
      String namespace = required(p, stat + "Metric.Namespace");
      Map<String, String> dimensions = dimensions(p, stat + "Metric.Dimensions.member.");
      int period = (int) number(p, stat + "Period");
      if (!(period == 1 || period == 5 || period == 10 || period == 20 || period == 30)
          && (period <= 0 || period % 60 != 0)) {
        throw new QueryError(
            400,
            "ValidationError",
            "The value "
                + period
                + " for parameter "
                + stat
                + "Period is not valid: it must be"
                + " 1, 5, 10, 20, 30 or a multiple of 60.");
      }
      String statistic = required(p, stat + "Stat");
      if (!STATISTICS.contains(statistic)) {
        throw new QueryError(
            400,
            "ValidationError",
            "The statistic " + statistic + " is not one of " + STATISTICS + " (the fake)");
      }
      boolean returnData = !"false".equals(p.get(prefix + "ReturnData"));
      String label = p.getOrDefault(prefix + "Label", name);
      List<Sample> samples;
      synchronized (this) {
        samples =
            List.copyOf(
                metrics.getOrDefault(new MetricKey(namespace, name, dimensions), List.of()));
      }
      TreeMap<Instant, List<Sample>> buckets = new TreeMap<>();
      for (Sample sample : samples) {
        if (sample.at().isBefore(start) || !sample.at().isBefore(end)) {
          continue;
        }
        long offset = Duration.between(start, sample.at()).toSeconds() / period;
        buckets
            .computeIfAbsent(start.plusSeconds(offset * period), k -> new ArrayList<>())
            .add(sample);
      }
      List<Instant> at = new ArrayList<>(buckets.keySet());
      List<Double> values = new ArrayList<>();
      for (List<Sample> bucket : buckets.values()) {
        values.add(statistic(statistic, bucket));
      }
      if (scanBy.equals("TimestampDescending")) {
        java.util.Collections.reverse(at);
        java.util.Collections.reverse(values);
      }
      queries.add(new Query(id, label, returnData, at, values));
    }
    int skip = 0;
    if (p.containsKey("NextToken")) {
      try {
        skip = Integer.parseInt(new String(Base64.getDecoder().decode(p.get("NextToken")), UTF_8));
      } catch (IllegalArgumentException e) {
        throw new QueryError(400, "InvalidNextToken", "The service couldn't process your request");
      }
    }
    StringBuilder xml = new StringBuilder();
    xml.append("<GetMetricDataResponse xmlns=\"").append(XMLNS).append("\"><GetMetricDataResult>");
    xml.append("<MetricDataResults>");
    int position = 0;
    int emitted = 0;
    boolean more = false;
    for (Query query : queries) {
      if (!query.returnData()) {
        continue;
      }
      StringBuilder timestamps = new StringBuilder();
      StringBuilder values = new StringBuilder();
      boolean partial = false;
      for (int i = 0; i < query.at().size(); i++, position++) {
        if (position < skip) {
          continue;
        }
        if (emitted == maxDatapoints) {
          more = true;
          partial = true;
          break;
        }
        timestamps.append("<member>").append(query.at().get(i)).append("</member>");
        values.append("<member>").append(query.values().get(i)).append("</member>");
        emitted++;
      }
      xml.append("<member><Id>")
          .append(escape(query.id()))
          .append("</Id><Label>")
          .append(escape(query.label()))
          .append("</Label><Timestamps>")
          .append(timestamps)
          .append("</Timestamps><Values>")
          .append(values)
          .append("</Values><StatusCode>")
          .append(partial ? "PartialData" : "Complete")
          .append("</StatusCode><Messages/></member>");
    }
    xml.append("</MetricDataResults><Messages/>");
    if (more) {
      xml.append("<NextToken>")
          .append(
              Base64.getEncoder().encodeToString(Integer.toString(skip + emitted).getBytes(UTF_8)))
          .append("</NextToken>");
    }
    xml.append("</GetMetricDataResult><ResponseMetadata><RequestId>")
        .append(requestId)
        .append("</RequestId></ResponseMetadata></GetMetricDataResponse>");
    return xml.toString();
  }

  private static double statistic(String statistic, List<Sample> samples) {
    double count = 0;
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Sample sample : samples) {
      count += sample.count();
      sum += sample.sum();
      min = Math.min(min, sample.min());
      max = Math.max(max, sample.max());
    }
    return switch (statistic) {
      case "SampleCount" -> count;
      case "Sum" -> sum;
      case "Minimum" -> min;
      case "Maximum" -> max;
      default -> sum / count;
    };
  }

  // ---- form parameters -------------------------------------------------------------------------

  private static Map<String, String> form(String body) {
    Map<String, String> parameters = new TreeMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), UTF_8);
      parameters.put(key, value);
    }
    return parameters;
  }

  /** The indexes N of {@code <prefix>N.*} keys, ascending. */
  private static List<Integer> members(Map<String, String> p, String prefix) {
    java.util.TreeSet<Integer> indexes = new java.util.TreeSet<>();
    for (String key : p.keySet()) {
      if (key.startsWith(prefix)) {
        String rest = key.substring(prefix.length());
        int dot = rest.indexOf('.');
        String index = dot < 0 ? rest : rest.substring(0, dot);
        if (index.matches("[0-9]+")) {
          indexes.add(Integer.parseInt(index));
        }
      }
    }
    return List.copyOf(indexes);
  }

  private static Map<String, String> dimensions(Map<String, String> p, String prefix) {
    Map<String, String> dimensions = new TreeMap<>();
    List<Integer> members = members(p, prefix);
    if (members.size() > 30) {
      throw invalid("At most 30 dimensions are allowed, got " + members.size());
    }
    for (int d : members) {
      dimensions.put(required(p, prefix + d + ".Name"), required(p, prefix + d + ".Value"));
    }
    return dimensions;
  }

  private static String required(Map<String, String> p, String key) {
    String value = p.get(key);
    if (value == null || value.isEmpty()) {
      throw new QueryError(400, "MissingParameter", "The parameter " + key + " is required.");
    }
    return value;
  }

  private static double number(Map<String, String> p, String key) {
    String text = required(p, key);
    try {
      double value = Double.parseDouble(text);
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        throw invalid("The value " + text + " for parameter " + key + " is invalid.");
      }
      return value;
    } catch (NumberFormatException e) {
      throw invalid("The value " + text + " for parameter " + key + " is invalid.");
    }
  }

  private static Instant time(Map<String, String> p, String key) {
    String text = required(p, key);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid("The value " + text + " for parameter " + key + " is not a timestamp.");
    }
  }

  private static QueryError invalid(String message) {
    return new QueryError(400, "InvalidParameterValue", message);
  }

  private static String error(QueryError e, String requestId) {
    return "<ErrorResponse xmlns=\""
        + XMLNS
        + "\"><Error><Type>"
        + (e.status >= 500 ? "Receiver" : "Sender")
        + "</Type><Code>"
        + e.code
        + "</Code><Message>"
        + escape(e.getMessage())
        + "</Message></Error><RequestId>"
        + requestId
        + "</RequestId></ErrorResponse>";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
