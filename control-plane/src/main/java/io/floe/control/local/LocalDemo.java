package io.floe.control.local;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.Catalogs;
import io.floe.control.model.DesiredState;
import io.floe.control.model.ObservedState;
import io.floe.control.model.RequestContext;
import io.floe.control.model.RuntimeTargets;
import io.floe.control.pipeline.PipelineDefinitions;
import io.floe.control.pipeline.PipelineQueries;
import io.floe.control.pipeline.PipelineRequest;
import io.floe.control.pipeline.PipelineView;
import io.floe.control.runtime.RuntimeProperties;
import io.floe.control.security.SecurityProperties;
import io.floe.control.store.PipelineStore;
import io.floe.local.LocalProcess;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local run's demo, so that a newcomer sees data flow at once: the topics {@code demo-events}
 * and {@code demo-events-dlq}, the pipeline {@code demo} into the table {@code demo.events} of the
 * catalog {@code local}, and the sample publisher feeding it; then one banner that says where
 * everything is. Whatever exists from an earlier run is kept as it is.
 */
@Component
@ConditionalOnProperty(name = "floe.local.demo", havingValue = "true")
public class LocalDemo implements DisposableBean {
  static final String PIPELINE = "demo";
  static final String LOCAL_TARGET = RuntimeTargets.LOCAL;
  static final String TOPIC = "demo-events";
  static final String DEAD_LETTER_TOPIC = "demo-events-dlq";
  static final String CATALOG = "local";
  static final String NAMESPACE = "demo";
  static final String TABLE = "events";
  static final int PARTITIONS = 2;
  static final String MESSAGES_PER_SECOND = "50";
  static final String MALFORMED_SHARE = "0.01";

  /**
   * The demo's dead-letter threshold: twice the share it makes malformed on purpose, so the demo is
   * HEALTHY as published, and DEGRADED when more bad messages come.
   */
  static final double DEAD_LETTER_RATIO = 0.02;

  static final String FLUSH_INTERVAL = "5s";
  private static final Duration BANNER_WAIT = Duration.ofMinutes(5);
  private static final Logger LOG = LoggerFactory.getLogger(LocalDemo.class);

  /** The sample table of shared/samples/sample-table.sql, in Iceberg's type names. */
  static final List<Map<String, Object>> SAMPLE_COLUMNS =
      List.of(
          Map.of("name", "id", "type", "long", "required", true),
          column("bool", "boolean"),
          column("floating", "double"),
          column("integer", "long"),
          column("string", "string"),
          column("bools", "list<boolean>"),
          column("floatings", "list<double>"),
          column("integers", "list<long>"),
          column("strings", "list<string>"),
          column("string_map", "map<string,string>"),
          column("nested", "struct<key:string,value:long>"),
          column("timestamp", "timestamptz"));

  private final LocalProperties local;
  private final LocalStack stack;
  private final PipelineDefinitions definitions;
  private final PipelineQueries queries;
  private final PipelineStore pipelines;
  private final Catalogs catalogs;
  private final Path loaderJar;
  private final Optional<Path> tokenFile;
  private final Clock clock;
  private final JsonMapper json;
  private volatile LocalProcess publisher;

  public LocalDemo(
      LocalProperties local,
      LocalStack stack,
      PipelineDefinitions definitions,
      PipelineQueries queries,
      PipelineStore pipelines,
      Catalogs catalogs,
      RuntimeProperties runtime,
      SecurityProperties security,
      Clock clock,
      JsonMapper json) {
    this.local = requireNonNull(local, "local is null");
    this.stack = requireNonNull(stack, "stack is null");
    this.definitions = requireNonNull(definitions, "definitions is null");
    this.queries = requireNonNull(queries, "queries is null");
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.json = requireNonNull(json, "json is null");
    if (!local.kafka() || !local.flink()) {
      throw new IllegalStateException(
          "floe.local.demo=true needs floe.local.kafka=true and floe.local.flink=true");
    }
    if (!catalogs.names().contains(CATALOG)) {
      throw new IllegalStateException(
          "floe.local.demo=true needs the catalog floe.catalogs." + CATALOG + ".*");
    }
    if (runtime.loaderJar() == null) {
      throw new IllegalStateException(
          "floe.local.demo=true needs floe.runtime.loader-jar (the sample publisher is in it)");
    }
    this.loaderJar = runtime.loaderJar().toAbsolutePath();
    this.tokenFile = Optional.ofNullable(security.localAdminTokenFile()).map(Path::toAbsolutePath);
  }

  /** Sets the demo up once the API serves, then announces it from a thread of its own. */
  @EventListener(ApplicationReadyEvent.class)
  public void start(ApplicationReadyEvent event) {
    String servers = stack.kafkaBootstrapServers().orElseThrow();
    createTopics(servers);
    createPipelineIfMissing(servers);
    publisher = startPublisher(servers);
    URI api = apiUrl(event);
    Thread announcer = new Thread(() -> announceWhenRunning(api), "floe-local-demo");
    announcer.setDaemon(true);
    announcer.start();
  }

  private static void createTopics(String servers) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
      for (String topic : List.of(TOPIC, DEAD_LETTER_TOPIC)) {
        try {
          admin
              .createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
              .all()
              .get(60, TimeUnit.SECONDS);
          LOG.info("Created topic {} with {} partitions", topic, PARTITIONS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Cannot create topic " + topic, e.getCause());
          }
        }
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out creating the demo topics on " + servers, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating the demo topics", e);
    }
  }

  /**
   * Creates the pipeline (and its table) on the first run; later runs keep it as the user left it.
   */
  private void createPipelineIfMissing(String servers) {
    if (pipelines.find(PIPELINE).isPresent()) {
      LOG.info("Pipeline {} exists; keeping it as it is", PIPELINE);
      return;
    }
    definitions.put(
        PIPELINE, request(servers), Optional.empty(), false, RequestContext.system("local-demo"));
    LOG.info("Created pipeline {}: {} -> {}.{}.{}", PIPELINE, TOPIC, CATALOG, NAMESPACE, TABLE);
  }

  /** The demo pipeline, as the body of a PUT /pipelines/demo would give it. */
  private PipelineRequest request(String bootstrapServers) {
    Map<String, Object> body =
        Map.of(
            "source", Map.of("bootstrapServers", bootstrapServers, "topics", List.of(TOPIC)),
            "table",
                Map.of(
                    "catalog", CATALOG,
                    "namespace", NAMESPACE,
                    "name", TABLE,
                    "createIfMissing",
                        Map.of(
                            "columns", SAMPLE_COLUMNS, "partitionBy", List.of("day(timestamp)"))),
            "badMessages", Map.of("deadLetterTopic", DEAD_LETTER_TOPIC),
            "health", Map.of("deadLetterRatio", DEAD_LETTER_RATIO),
            "runtime",
                Map.of("target", LOCAL_TARGET, "parallelism", 1, "flushInterval", FLUSH_INTERVAL),
            "labels", Map.of("app", "floe-demo"));
    return json.convertValue(body, PipelineRequest.class);
  }

  private static Map<String, Object> column(String name, String type) {
    return Map.of("name", name, "type", type);
  }

  /**
   * Starts the sample publisher. Its ids start at the current time in microseconds, so they stay
   * unique across runs: a run never publishes more than a million messages a second.
   */
  private LocalProcess startPublisher(String servers) {
    long startId = clock.millis() * 1000;
    Path log = local.dir().resolve("logs").resolve("sample-publisher.log").toAbsolutePath();
    LocalProcess process =
        LocalProcess.start(
            "sample-publisher",
            List.of(loaderJar.toString(), slf4jApi()),
            List.of("-Xmx128m"),
            "io.floe.loader.sample.SamplePublisher",
            List.of(
                "--bootstrap-servers",
                servers,
                "--topic",
                TOPIC,
                "--rate",
                MESSAGES_PER_SECOND,
                "--malformed-share",
                MALFORMED_SHARE,
                "--start-id",
                Long.toString(startId)),
            log);
    LOG.info(
        "Sample publisher: {} messages/s to {} ({} malformed), ids from {}; log {}",
        MESSAGES_PER_SECOND,
        TOPIC,
        MALFORMED_SHARE,
        startId,
        log);
    return process;
  }

  /**
   * The SLF4J API, which the loader JAR leaves to Flink but its Kafka client needs: the control
   * plane's own copy, without a binding (the publisher prints its own progress).
   */
  private static String slf4jApi() {
    try {
      return Path.of(
              LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the SLF4J API on the class path", e);
    }
  }

  private void announceWhenRunning(URI api) {
    Instant deadline = clock.instant().plus(BANNER_WAIT);
    PipelineView view = queries.get(PIPELINE);
    while (view.desiredState() == DesiredState.RUNNING
        && view.status().observedState() != ObservedState.RUNNING
        && view.status().observedState() != ObservedState.FAILED
        && clock.instant().isBefore(deadline)) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      view = queries.get(PIPELINE);
    }
    LOG.info(banner(api, view));
  }

  private String banner(URI api, PipelineView view) {
    Map<String, String> catalog = catalogs.properties(CATALOG);
    String token = tokenFile.map(file -> "$(cat " + file + ")").orElse("<token>");
    String state =
        view.status().observedState()
            + (view.status().lastError() == null ? "" : " (" + view.status().lastError() + ")");
    String publishing =
        publisher != null && publisher.isAlive()
            ? "the sample publisher sends "
                + MESSAGES_PER_SECOND
                + " messages/s to "
                + TOPIC
                + " (log: "
                + publisher.logFile()
                + ")"
            : "the sample publisher is not running: see " + local.dir().resolve("logs");
    List<String> lines =
        List.of(
            "",
            "=".repeat(78),
            "  Floe runs locally. Pipeline '" + PIPELINE + "' is " + state + ";",
            "  " + publishing + ".",
            "",
            "  API          " + api + "   (Swagger UI: " + api.resolve("/swagger-ui.html") + ")",
            "  Flink UI     " + stack.flinkRestUrl().map(URI::toString).orElse("-"),
            "  Kafka        " + stack.kafkaBootstrapServers().orElse("-"),
            "  Catalog      " + CATALOG + ": " + catalog.get("uri"),
            "  Warehouse    " + catalog.get("warehouse"),
            "  Admin token  " + tokenFile.map(Path::toString).orElse("(static tokens only)"),
            "",
            "  auth=\"Authorization: Bearer " + token + "\"",
            "  curl -s -H \"$auth\" " + api.resolve("/pipelines"),
            "  curl -s -H \"$auth\" " + api.resolve("/pipelines/" + PIPELINE + "/events"),
            "  curl -s -X POST -H \"$auth\" " + api.resolve("/pipelines/" + PIPELINE + "/stop"),
            "",
            "  More in README.md, \"Run locally\". Ctrl-C stops everything.",
            "=".repeat(78));
    return String.join("\n", lines);
  }

  private static URI apiUrl(ApplicationReadyEvent event) {
    int port =
        event.getApplicationContext() instanceof WebServerApplicationContext web
            ? web.getWebServer().getPort()
            : 8080;
    return URI.create("http://localhost:" + port);
  }

  @Override
  public void destroy() {
    LocalProcess running = publisher;
    if (running != null) {
      running.close();
    }
  }
}
