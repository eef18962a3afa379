package io.floe.control.scale;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Flink session cluster's REST API (the calls the control plane makes, Flink 1.20's answers)
 * holding as many running jobs as the benchmark has pipelines, each call answered after a latency
 * drawn between two bounds, as a busy JobManager would; it counts every call by endpoint.
 */
final class FlinkRestFake implements AutoCloseable {
  private static final Pattern JOB = Pattern.compile("/jobs/([0-9a-f]{32})(/.*)?");
  private static final Pattern RUN = Pattern.compile("/jars/([^/]+)/run");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A job the fake runs: its id, name, parallelism and when its tasks were deployed. */
  private record Job(String id, String name, int parallelism, long deployedAt) {}

  private final HttpServer server;
  private final ExecutorService threads;
  private final CallCounts calls;
  private final int minLatencyMillis;
  private final int maxLatencyMillis;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, String> jars = new ConcurrentHashMap<>();
  private final Map<String, Long> failedAt = new ConcurrentHashMap<>();

  private FlinkRestFake(
      HttpServer server,
      ExecutorService threads,
      CallCounts calls,
      int minLatencyMillis,
      int maxLatencyMillis) {
    this.server = server;
    this.threads = threads;
    this.calls = calls;
    this.minLatencyMillis = minLatencyMillis;
    this.maxLatencyMillis = maxLatencyMillis;
  }

  /** Fails the pipeline's running job (as a job whose restarts ran out): its id. */
  String failRunningJob(String pipeline) {
    Job job =
        jobs.values().stream()
            .filter(j -> j.name().equals("floe-" + pipeline) && !failedAt.containsKey(j.id()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no running job of " + pipeline));
    failedAt.put(job.id(), System.currentTimeMillis());
    return job.id();
  }

  private String state(Job job) {
    return failedAt.containsKey(job.id()) ? "FAILED" : "RUNNING";
  }

  /** Flink's {@code last-modification}: the latest change of a task's state. */
  private long lastModification(Job job) {
    return failedAt.getOrDefault(job.id(), job.deployedAt());
  }

  /** Serves on a free port; each call waits between the two latencies before it answers. */
  static FlinkRestFake start(CallCounts calls, int minLatencyMillis, int maxLatencyMillis) {
    requireNonNull(calls, "calls is null");
    if (minLatencyMillis < 0 || maxLatencyMillis < minLatencyMillis) {
      throw new IllegalArgumentException("latencies must satisfy 0 <= min <= max");
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
      AtomicInteger count = new AtomicInteger();
      ExecutorService threads =
          Executors.newFixedThreadPool(
              64,
              task -> {
                Thread thread = new Thread(task, "bench-flink-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      server.setExecutor(threads);
      FlinkRestFake fake =
          new FlinkRestFake(server, threads, calls, minLatencyMillis, maxLatencyMillis);
      server.createContext("/", fake::handle);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  int runningJobs() {
    return jobs.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      calls.count("runtime (Flink REST)", method + " " + template(path));
      pause();
      Answer answer = answer(method, path, body);
      byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private record Answer(int status, String json) {}

  private Answer answer(String method, String path, byte[] body) {
    Matcher job = JOB.matcher(path);
    if (method.equals("GET") && job.matches()) {
      Job known = jobs.get(job.group(1));
      if (known == null) {
        return new Answer(404, "{\"errors\":[\"Job could not be found.\"]}");
      }
      String rest = job.group(2) == null ? "" : job.group(2);
      return switch (rest) {
        case "" -> new Answer(200, details(known, state(known)));
        case "/exceptions" ->
            new Answer(200, "{\"exceptionHistory\":{\"entries\":[],\"truncated\":false}}");
        case "/checkpoints" -> new Answer(200, checkpoints(known));
        case "/resource-requirements" -> new Answer(200, "{}");
        default -> new Answer(200, "[]");
      };
    }
    Matcher run = RUN.matcher(path);
    if (method.equals("POST") && run.matches()) {
      if (!jars.containsKey(run.group(1))) {
        return new Answer(400, "{\"errors\":[\"Jar file '" + run.group(1) + "' does not exist\"]}");
      }
      JsonNode request = JSON.readTree(body);
      String id = request.path("jobId").asString();
      String name = "floe-" + argument(request.path("programArgsList"), "--pipeline.name");
      jobs.putIfAbsent(
          id,
          new Job(
              id,
              name,
              Math.max(1, request.path("parallelism").asInt()),
              System.currentTimeMillis()));
      return new Answer(200, "{\"jobid\":\"" + id + "\"}");
    }
    if (method.equals("POST") && path.equals("/jars/upload")) {
      String id = UUID.randomUUID() + "_" + uploadName(body);
      jars.put(id, uploadName(body));
      return new Answer(
          200,
          "{\"filename\":\"/tmp/flink-web/flink-web-upload/" + id + "\",\"status\":\"success\"}");
    }
    if (method.equals("GET") && path.equals("/jars")) {
      return new Answer(
          200,
          jars.entrySet().stream()
              .map(
                  jar ->
                      "{\"id\":\""
                          + jar.getKey()
                          + "\",\"name\":\""
                          + jar.getValue()
                          + "\",\"uploaded\":1}")
              .collect(Collectors.joining(",", "{\"files\":[", "]}")));
    }
    if (method.equals("GET") && path.equals("/jobs/overview")) {
      return new Answer(
          200,
          jobs.values().stream()
              .map(
                  j ->
                      "{\"jid\":\""
                          + j.id()
                          + "\",\"name\":\""
                          + j.name()
                          + "\",\"state\":\""
                          + state(j)
                          + "\",\"last-modification\":"
                          + lastModification(j)
                          + ",\"tasks\":{\"total\":"
                          + j.parallelism()
                          + "}}")
              .collect(Collectors.joining(",", "{\"jobs\":[", "]}")));
    }
    if (method.equals("GET") && path.equals("/jobmanager/config")) {
      return new Answer(200, "[]");
    }
    if (method.equals("GET") && path.equals("/overview")) {
      return new Answer(
          200,
          "{\"taskmanagers\":100,\"slots-total\":100000,\"slots-available\":100000,"
              + "\"jobs-running\":"
              + jobs.size()
              + ",\"flink-version\":\"1.20.3\"}");
    }
    return new Answer(404, "{\"errors\":[\"Not found: " + path + "\"]}");
  }

  private static String details(Job job, String state) {
    return "{\"jid\":\""
        + job.id()
        + "\",\"name\":\""
        + job.name()
        + "\",\"state\":\""
        + state
        + "\",\"vertices\":[{\"id\":\"cbc357ccb763df2852fee8c4fc7d55f2\","
        + "\"name\":\"Source: kafka -> parse -> iceberg\",\"parallelism\":"
        + job.parallelism()
        + ",\"maxParallelism\":128,\"status\":\"RUNNING\"}],\"status-counts\":{\"RUNNING\":1}}";
  }

  private static String checkpoints(Job job) {
    return "{\"counts\":{\"completed\":10,\"failed\":0,\"in_progress\":0,\"restored\":0},"
        + "\"latest\":{\"completed\":{\"id\":10,\"checkpoint_type\":\"CHECKPOINT\","
        + "\"external_path\":\"file:/tmp/checkpoints/"
        + job.id()
        + "/chk-10\",\"discarded\":false,\"latest_ack_timestamp\":1}},\"history\":[]}";
  }

  private static String argument(JsonNode args, String name) {
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).asString().equals(name)) {
        return args.get(i + 1).asString();
      }
    }
    return "unknown";
  }

  private static String uploadName(byte[] body) {
    String head = new String(body, 0, Math.min(body.length, 1024), StandardCharsets.ISO_8859_1);
    Matcher name = Pattern.compile("filename=\"([^\"]+)\"").matcher(head);
    return name.find() ? name.group(1) : "upload.jar";
  }

  /** The endpoint without its ids, for counting. */
  static String template(String path) {
    return path.replaceAll("/jobs/[0-9a-f]{32}", "/jobs/:id")
        .replaceAll("/jars/[^/]+/run", "/jars/:id/run")
        .replaceAll("/savepoints/[^/]+", "/savepoints/:trigger");
  }

  private void pause() {
    int millis =
        minLatencyMillis == maxLatencyMillis
            ? minLatencyMillis
            : ThreadLocalRandom.current().nextInt(minLatencyMillis, maxLatencyMillis + 1);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  List<String> jobNames() {
    return jobs.values().stream().map(Job::name).sorted().toList();
  }
}
