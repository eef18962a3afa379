package io.floe.control.scale;

import io.floe.control.testing.ApiClient;
import io.floe.control.testing.ControlPlane;
import io.floe.control.testing.PipelineRequest;
import io.floe.local.LocalKafka;
import io.floe.testing.kafka.KafkaTestClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's cost per pipeline, run on purpose and never in the build (README, "Sizing"):
 * one replica on a real PostgreSQL store, a real JDBC Iceberg catalog (on the same PostgreSQL)
 * whose tables receive a loader-like commit every minute, a real Kafka broker for lag, and a fake
 * Flink REST API with 20-50 ms per call that holds a running job per pipeline. For each number of
 * pipelines (created through the API, added to the ones before) it measures a quiet window (pass
 * times, calls per pipeline per minute to each system, CPU, heap) and a window with 200 API
 * requests/s from 10 clients (API latency, pass times under load), and writes a Markdown report. It
 * asserts nothing about timings.
 *
 * <pre>
 * ./mvnw -B -ntp -pl control-plane -am verify -Pscale -Dfloe.scale.pipelines=100,300,1000 \
 *     -Dfloe.scale.report=$PWD/docs/benchmarks/control-plane.md
 * </pre>
 */
class ControlPlaneScaleBenchmark {
  private static final String TOPIC = "events";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(1);
  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(10);
  private static final Duration STEADY_INTERVAL = Duration.ofSeconds(60);

  @TempDir static Path dir;

  @Test
  void measuresTheCostPerPipeline() throws Exception {
    List<Integer> sizes =
        Arrays.stream(System.getProperty("floe.scale.pipelines", "100,300,1000").split(","))
            .map(String::trim)
            .map(Integer::valueOf)
            .sorted()
            .toList();
    Duration window = Duration.parse("PT" + System.getProperty("floe.scale.window", "60s"));
    Duration warmUp = Duration.parse("PT" + System.getProperty("floe.scale.warm-up", "20s"));
    Duration commitEvery =
        Duration.parse("PT" + System.getProperty("floe.scale.commit-every", "60s"));
    int minLatency = Integer.getInteger("floe.scale.flink-latency-min-ms", 20);
    int maxLatency = Integer.getInteger("floe.scale.flink-latency-max-ms", 50);
    Path reportFile =
        Path.of(System.getProperty("floe.scale.report", "target/scale/control-plane.md"));
    String loadBefore = loadAverage();

    CallCounts calls = new CallCounts();
    PassLog passes = new PassLog();
    CountingDriver.calls = calls;
    CountingFileIO.calls = calls;
    Class.forName(CountingDriver.class.getName());

    List<ScaleFigures> runs = new ArrayList<>();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"));
        KafkaTestClient topics = new KafkaTestClient(kafka.bootstrapServers());
        FlinkRestFake flink = FlinkRestFake.start(calls, minLatency, maxLatency)) {
      bootstrapServers = kafka.bootstrapServers();
      String adminUrl = postgres.getJdbcUrl("postgres", "postgres");
      try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", "");
          Statement statement = connection.createStatement()) {
        statement.execute("create database floe");
        statement.execute("create database catalog");
      }
      String storeUrl = postgres.getJdbcUrl("postgres", "floe");
      String catalogUrl = postgres.getJdbcUrl("postgres", "catalog");
      String postgresSettings = postgresSettings(adminUrl);
      topics.createTopic(TOPIC, 2);
      topics.sendEvents(TOPIC, 1, 1_000);
      Path warehouse = dir.resolve("warehouse");

      Map<String, Object> properties = ControlPlane.properties(dir.resolve("control-plane"));
      properties.put("spring.datasource.url", CountingDriver.url("store", storeUrl));
      properties.put("spring.datasource.driver-class-name", CountingDriver.class.getName());
      properties.put("spring.datasource.username", "postgres");
      properties.put("spring.datasource.password", "");
      properties.remove("floe.catalogs.default.type");
      properties.put("floe.catalogs.default.type", "jdbc");
      properties.put("floe.catalogs.default.uri", CountingDriver.url("catalog", catalogUrl));
      properties.put("floe.catalogs.default.jdbc.user", "postgres");
      properties.put("floe.catalogs.default.jdbc.password", "");
      properties.put("floe.catalogs.default.warehouse", warehouse.toUri().toString());
      properties.put("floe.catalogs.default.io-impl", CountingFileIO.class.getName());
      properties.put("floe.runtime.default-target", "flink-cluster");
      properties.put("floe.runtime.flink-cluster.rest-url", flink.url().toString());
      // The production defaults, not the tests' short ones.
      properties.remove("floe.reconcile.steady-interval");
      properties.remove("floe.tables.refresh-interval");
      properties.put("floe.reconcile.interval", "1s");
      properties.put("floe.reconcile.lease", "30s");
      properties.put("floe.reconcile.instance-id", "replica-a");
      properties.put("logging.level.io.floe", "WARN");
      properties.put("logging.level.org.apache.kafka", "WARN");

      JdbcCatalog writerCatalog = new JdbcCatalog();
      writerCatalog.setConf(new Configuration());
      Map<String, String> writerProperties = new LinkedHashMap<>();
      writerProperties.put(CatalogProperties.URI, catalogUrl);
      writerProperties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toUri().toString());
      writerProperties.put("jdbc.user", "postgres");
      writerProperties.put("jdbc.password", "");
      writerProperties.put("jdbc.init-catalog-tables", "false");
      writerProperties.put(CatalogProperties.FILE_IO_IMPL, LocalFileIO.class.getName());

      try (ControlPlane controlPlane =
          ControlPlane.start(properties, new Instrumentation(calls, passes))) {
        ApiClient api = controlPlane.admin();
        URI base = controlPlane.url();
        List<SteadyCommits.Target> targets = new ArrayList<>();
        SteadyCommits writer = null;
        int created = 0;
        String report = "";
        try {
          for (int size : sizes) {
            log("creating pipelines " + (created + 1) + ".." + size);
            Instant createStart = Instant.now();
            List<Double> putMillis = create(api, kafka.bootstrapServers(), created, size);
            awaitRunning(api, flink, size);
            Duration createTime = Duration.between(createStart, Instant.now());
            if (writer == null) {
              writerCatalog.initialize("default", writerProperties);
            } else {
              writer.close();
            }
            for (int i = created; i < size; i++) {
              targets.add(
                  new SteadyCommits.Target(
                      name(i), TableIdentifier.of(Namespace.of("db"), table(i)), TOPIC));
            }
            created = size;
            writer = SteadyCommits.start(writerCatalog, targets, commitEvery);
            log(
                size
                    + " pipelines running after "
                    + createTime.toSeconds()
                    + " s; warming up "
                    + warmUp);
            pause(warmUp);

            List<String> runIds = runIds(api, size);
            long commitsBefore = writer.commits();
            long failuresBefore = writer.failures();
            CpuMeter cpu = new CpuMeter();
            log("quiet window " + window);
            CallCounts.Snapshot quietStart = calls.snapshot();
            CpuMeter.Reading quietCpuStart = cpu.read();
            long quietFrom = System.nanoTime();
            List<Double> reactions = failRunsDuring(api, flink, size, window);
            long quietTo = System.nanoTime();
            CpuMeter.Reading quietCpuEnd = cpu.read();
            CallCounts.Snapshot quietCalls = calls.snapshot().since(quietStart);
            PassLog.Passes quietPasses = passes.passes(runIds, quietFrom, quietTo);
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

            log("loaded window " + window + " at 200 requests/s");
            ApiLoad load = new ApiLoad(mix(base), 10, 200);
            CallCounts.Snapshot loadStart = calls.snapshot();
            CpuMeter.Reading loadCpuStart = cpu.read();
            long loadFrom = System.nanoTime();
            ApiLoad.Result result = load.run(window, size);
            long loadTo = System.nanoTime();
            CpuMeter.Reading loadCpuEnd = cpu.read();
            PassLog.Passes loadPasses = passes.passes(runIds, loadFrom, loadTo);
            CallCounts.Snapshot loadCalls = calls.snapshot().since(loadStart);
            Map<String, Percentiles> apiFigures = new TreeMap<>();
            result
                .latencies()
                .forEach((kind, values) -> apiFigures.put(kind, Percentiles.of(values)));
            Map<String, Percentiles> apiService = new TreeMap<>();
            result
                .serviceTimes()
                .forEach((kind, values) -> apiService.put(kind, Percentiles.of(values)));

            ScaleFigures figures =
                new ScaleFigures(
                    size,
                    createTime,
                    Percentiles.of(putMillis),
                    Duration.ofNanos(quietTo - quietFrom),
                    quietPasses,
                    quietCalls,
                    CpuMeter.between(quietCpuStart, quietCpuEnd),
                    heap,
                    writer.commits() - commitsBefore,
                    writer.failures() - failuresBefore,
                    Duration.ofNanos(loadTo - loadFrom),
                    loadPasses,
                    loadCalls,
                    CpuMeter.between(loadCpuStart, loadCpuEnd),
                    apiFigures,
                    apiService,
                    result.throughput(),
                    result.failures(),
                    result.sent(),
                    reactions,
                    List.of());
            runs.add(figures);
            report =
                ScaleReport.render(
                    runs,
                    RECONCILE_INTERVAL,
                    STEADY_INTERVAL,
                    HEALTH_INTERVAL,
                    command(),
                    machine(loadBefore),
                    setup(minLatency, maxLatency, commitEvery, window, warmUp, postgresSettings));
            System.out.println(report);
            Files.createDirectories(reportFile.toAbsolutePath().getParent());
            Files.writeString(reportFile, report, StandardCharsets.UTF_8);
          }
          if (Boolean.parseBoolean(System.getProperty("floe.scale.replicas", "true"))) {
            log("a second replica joins the " + created + " pipelines");
            Replicas.Outcome outcome =
                Replicas.measure(
                    properties,
                    controlPlane,
                    storeUrl,
                    dir.resolve("control-plane-b"),
                    created,
                    Duration.ofSeconds(30),
                    window);
            report = report + Replicas.render(outcome);
            System.out.println(Replicas.render(outcome));
            Files.writeString(reportFile, report, StandardCharsets.UTF_8);
          }
        } finally {
          if (writer != null) {
            writer.close();
          }
          writerCatalog.close();
        }
      }
    }
    log("report written to " + reportFile.toAbsolutePath());
  }

  private static List<Double> create(ApiClient api, String bootstrap, int from, int to)
      throws Exception {
    ExecutorService clients =
        Executors.newFixedThreadPool(4, task -> new Thread(task, "bench-create"));
    try {
      List<Future<Double>> puts = new ArrayList<>();
      for (int i = from; i < to; i++) {
        if (i == 1) {
          // The first PUT creates the namespace: concurrent first PUTs race to create it in the
          // JDBC catalog and all but one fail with a duplicate key (a finding, not measured here).
          puts.get(0).get();
        }
        int index = i;
        puts.add(
            clients.submit(
                () -> {
                  long begin = System.nanoTime();
                  ApiClient.Response response =
                      api.put("/pipelines/" + name(index), spec(bootstrap, index));
                  if (response.status() / 100 != 2) {
                    throw new IllegalStateException("PUT " + name(index) + ": " + response);
                  }
                  return (System.nanoTime() - begin) / 1_000_000.0;
                }));
      }
      List<Double> millis = new ArrayList<>();
      for (Future<Double> put : puts) {
        millis.add(put.get());
      }
      return millis;
    } finally {
      clients.shutdownNow();
    }
  }

  static Map<String, Object> spec(String bootstrap, int index) {
    return PipelineRequest.events(bootstrap, TOPIC, table(index)).runtime(1, "60s").body();
  }

  private static void awaitRunning(ApiClient api, FlinkRestFake flink, int size) {
    ApiClient.await(
        size + " pipelines RUNNING",
        () -> api.get("/pipelines?state=RUNNING&size=1").body().path("total").asInt(),
        running -> running >= size,
        Duration.ofMinutes(15));
  }

  private static List<String> runIds(ApiClient api, int size) {
    List<String> ids = new ArrayList<>();
    for (int page = 0; page * 100 < size; page++) {
      JsonNode items = api.get("/pipelines?size=100&page=" + page).body().path("items");
      for (JsonNode item : items) {
        String runId = item.path("status").path("runId").asString();
        if (!runId.isEmpty()) {
          ids.add(runId);
        }
      }
    }
    return ids;
  }

  private static List<ApiLoad.Kind> mix(URI base) {
    String token = ControlPlane.ADMIN;
    return List.of(
        new ApiLoad.Kind(
            "GET /pipelines/{name}",
            7,
            i -> ApiLoad.request(base, "/pipelines/" + name(i), token).GET().build()),
        new ApiLoad.Kind(
            "GET /pipelines/{name}/health",
            7,
            i -> ApiLoad.request(base, "/pipelines/" + name(i) + "/health", token).GET().build()),
        new ApiLoad.Kind(
            "GET /pipelines", 4, i -> ApiLoad.request(base, "/pipelines", token).GET().build()),
        new ApiLoad.Kind(
            "PUT /pipelines/{name}",
            2,
            i ->
                ApiLoad.request(base, "/pipelines/" + name(i), token)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(putBody(i)))
                    .build()));
  }

  private static volatile String bootstrapServers;

  private static String putBody(int index) {
    return JSON.writeValueAsString(spec(bootstrapServers, index));
  }

  static String name(int index) {
    return String.format(Locale.ROOT, "p%04d", index);
  }

  static String table(int index) {
    return String.format(Locale.ROOT, "t%04d", index);
  }

  private static String postgresSettings(String url) throws Exception {
    List<String> settings = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "select name, setting from pg_settings where name in"
                    + " ('fsync','synchronous_commit','shared_buffers','max_connections','server_version')"
                    + " order by name")) {
      while (rows.next()) {
        settings.add(rows.getString(1) + "=" + rows.getString(2));
      }
    }
    return String.join(", ", settings);
  }

  /** The command that made this report, with the options that were given. */
  private static String command() {
    StringBuilder command =
        new StringBuilder("./mvnw -B -ntp -pl control-plane -am verify -Pscale -Djib.skip");
    for (String option :
        List.of(
            "pipelines",
            "window",
            "warm-up",
            "commit-every",
            "flink-latency-min-ms",
            "flink-latency-max-ms",
            "replicas")) {
      String value = System.getProperty("floe.scale." + option);
      if (value != null) {
        command.append(" -Dfloe.scale.").append(option).append('=').append(value);
      }
    }
    String report = System.getProperty("floe.scale.report");
    if (report != null) {
      // Failsafe runs in control-plane/: the repository is its parent.
      Path root = Path.of("").toAbsolutePath().getParent();
      Path file = Path.of(report).toAbsolutePath();
      command
          .append(" -Dfloe.scale.report=")
          .append(file.startsWith(root) ? "$PWD/" + root.relativize(file) : report);
    }
    return command.toString();
  }

  private static String machine(String loadBefore) {
    return String.format(
        Locale.ROOT,
        "Machine: %d cores (shared, noisy: the lead engineer's Flink tests and other work ran"
            + " beside it), %s, Java %s, heap max %d MiB. Load average (1, 5, 15 min) before the"
            + " run: %s; at the end of this section: %s. Run on %s.",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        loadBefore,
        loadAverage(),
        Instant.now());
  }

  private static String setup(
      int minLatency,
      int maxLatency,
      Duration commitEvery,
      Duration window,
      Duration warmUp,
      String postgres) {
    return String.format(
        Locale.ROOT,
        "Setup: one control-plane replica in the benchmark's JVM (the production defaults:"
            + " `floe.reconcile.interval` 1 s, `floe.reconcile.steady-interval` 60 s,"
            + " `floe.reconcile.threads` 8, `floe.health.interval` 10 s, `floe.health.threads` 8,"
            + " `floe.health.run-refresh-interval` 90 s, `floe.tables.refresh-interval` 60 s,"
            + " `floe.maintenance.interval` 10 s, `floe.store.listing-max-age` 1 s, three"
            + " scheduling threads) on an"
            + " embedded PostgreSQL (%s) holding the store and the JDBC Iceberg catalog in two"
            + " databases; the warehouse on local disk (through java.nio); a Kafka broker (its own process) with one"
            + " topic of 2 partitions that every pipeline reads with its own consumer group; a fake"
            + " Flink REST API answering each call after %d-%d ms, with one RUNNING job per"
            + " pipeline. Each table receives one loader-like commit every %s (summary with the"
            + " loader's keys), spread evenly. Pipelines are created through `PUT"
            + " /pipelines/{name}` (4 at a time) and added to the ones before; after all are"
            + " RUNNING, %s of warm-up, a quiet window of %s (in which five runs fail, one at each"
            + " sixth of it, and are recovered by the control plane), then a window of %s with API"
            + " traffic.",
        postgres,
        minLatency,
        maxLatency,
        commitEvery.toSeconds() + " s",
        warmUp.toSeconds() + " s",
        window.toSeconds() + " s",
        window.toSeconds() + " s");
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** Waits out a measurement window: the benchmark measures what happens during it. */
  /**
   * Waits out the quiet window while failing five pipelines' runs at even times in it (as jobs
   * whose restarts ran out), each timed from the failure until the API shows the pipeline no longer
   * RUNNING: how soon the control plane sees a change. Polls every 50 ms.
   */
  private static List<Double> failRunsDuring(
      ApiClient api, FlinkRestFake flink, int size, Duration window) throws InterruptedException {
    long start = System.nanoTime();
    List<Double> millis = new ArrayList<>();
    for (int k = 1; k <= 5; k++) {
      pauseUntil(start + window.toNanos() * k / 6);
      String pipeline = name(k * size / 6);
      flink.failRunningJob(pipeline);
      long failedAt = System.nanoTime();
      long giveUp = failedAt + Duration.ofMinutes(5).toNanos();
      while (System.nanoTime() < giveUp
          && "RUNNING"
              .equals(
                  api.get("/pipelines/" + pipeline)
                      .body()
                      .path("status")
                      .path("observedState")
                      .asString())) {
        Thread.sleep(50);
      }
      millis.add((System.nanoTime() - failedAt) / 1_000_000.0);
    }
    pauseUntil(start + window.toNanos());
    return millis;
  }

  private static void pauseUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }

  private static void pause(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  private static void log(String message) {
    System.out.println("[scale " + Instant.now() + "] " + message);
  }
}
