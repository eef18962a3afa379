package io.floe.loader;

import static java.util.Objects.requireNonNull;

import io.floe.loader.config.SettingsSources;
import io.floe.loader.credentials.CredentialsResolver;
import io.floe.loader.credentials.KafkaSecurityProperties;
import io.floe.loader.settings.InvalidSettingsException;
import io.floe.loader.settings.JobSettings;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.sink.TableCommitterOperator;
import io.floe.loader.sink.TableWriterOperator;
import io.floe.loader.sink.WrittenFiles;
import io.floe.loader.source.KafkaMessage;
import io.floe.loader.source.KafkaSources;
import io.floe.loader.source.StartPositions;
import io.floe.loader.table.PackagedJdbcDrivers;
import io.floe.loader.table.TableAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.iceberg.Table;
import org.apache.iceberg.flink.TableLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Floe loader: Kafka JSON into an Iceberg table, exactly once, with bad messages to a
 * dead-letter topic. {@link #main} reads the settings (arguments or Managed Flink property groups),
 * {@link #build} wires the job graph.
 */
public final class LoaderJob {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderJob.class);

  /** Stable operator ids: savepoints and restarts depend on them. */
  static final String SOURCE_UID = "kafka-source";

  static final String WRITER_UID = "table-writer";
  static final String COMMITTER_UID = "table-committer";
  static final String COMMITTER_SINK_UID = "table-committer-sink";

  private final LoaderSettings settings;
  private final Properties kafkaClientProperties;

  public LoaderJob(LoaderSettings settings, Properties kafkaClientProperties) {
    this.settings = requireNonNull(settings, "settings is null");
    this.kafkaClientProperties =
        requireNonNull(kafkaClientProperties, "kafkaClientProperties is null");
  }

  public static void main(String[] args) throws Exception {
    LoaderSettings settings;
    try {
      settings = LoaderSettings.parse(SettingsSources.load(args));
    } catch (InvalidSettingsException e) {
      LOG.error("{}", e.getMessage());
      System.err.println(e.getMessage());
      throw e;
    }
    Properties clientProperties =
        new KafkaSecurityProperties(new CredentialsResolver()).forSource(settings.source());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    try {
      new LoaderJob(settings, clientProperties).build(env);
    } finally {
      // The tasks open the catalog in class loaders of their own; this one is done with it.
      PackagedJdbcDrivers.deregister();
    }
    env.execute("floe-" + settings.pipelineName());
  }

  /**
   * Adds the loader to the environment: source, writer, and the committer, which also publishes the
   * dead letters of each commit.
   */
  public void build(StreamExecutionEnvironment env) {
    configure(env);
    StartPositions start =
        KafkaSources.startPositions(settings.source(), kafkaClientProperties, tableOffsets());
    int parallelism = parallelism(env, start.partitionCount());
    Map<String, String> raw = settings.asMap();
    String table = settings.table().qualifiedName();

    DataStream<KafkaMessage> messages =
        env.fromSource(
                KafkaSources.create(settings, kafkaClientProperties, start),
                WatermarkStrategy.noWatermarks(),
                "Kafka " + describeTopics())
            .uid(SOURCE_UID)
            .setParallelism(parallelism);

    SingleOutputStreamOperator<WrittenFiles> written =
        messages
            .transform(
                "Write " + table,
                TypeInformation.of(WrittenFiles.class),
                new TableWriterOperator(raw))
            .uid(WRITER_UID)
            .setParallelism(parallelism);

    written
        .transform(
            "Commit " + table + describeDeadLetters(),
            Types.VOID,
            new TableCommitterOperator(raw, version(), start.toRecord(), kafkaClientProperties))
        .uid(COMMITTER_UID)
        .setParallelism(1)
        .setMaxParallelism(1)
        .sinkTo(new DiscardingSink<>())
        .uid(COMMITTER_SINK_UID)
        .setParallelism(1);
  }

  private String describeDeadLetters() {
    return settings
        .badMessages()
        .deadLetterTopic()
        .map(topic -> ", dead letters to " + topic)
        .orElse("");
  }

  private void configure(StreamExecutionEnvironment env) {
    JobSettings job = settings.job();
    Configuration config = new Configuration();
    config.setString(
        "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    config.setString("execution.checkpointing.unaligned.enabled", "false");
    switch (job.restartStrategy()) {
      case FIXED_DELAY:
        config.setString("restart-strategy.type", "fixed-delay");
        config.setString(
            "restart-strategy.fixed-delay.attempts", Integer.toString(job.restartAttempts()));
        config.setString(
            "restart-strategy.fixed-delay.delay", job.restartDelay().toMillis() + " ms");
        break;
      case NONE:
        config.setString("restart-strategy.type", "none");
        break;
      default:
        config.setString("restart-strategy.type", "exponential-delay");
        config.setString(
            "restart-strategy.exponential-delay.initial-backoff",
            job.restartDelay().toMillis() + " ms");
        config.setString(
            "restart-strategy.exponential-delay.max-backoff",
            job.restartMaxDelay().toMillis() + " ms");
    }
    env.configure(config);
    env.enableCheckpointing(job.flushInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    env.getCheckpointConfig().setCheckpointTimeout(job.checkpointTimeout().toMillis());
    env.getConfig().enableObjectReuse();
    env.setMaxParallelism(job.maxParallelism());
  }

  /** The requested parallelism (or the runtime's), never above the topics' partition count. */
  private int parallelism(StreamExecutionEnvironment env, int partitions) {
    int requested = settings.job().parallelism().orElse(env.getParallelism());
    if (requested > partitions) {
      LOG.info(
          "Parallelism capped at {}, the partition count of {} ({} was requested): more readers"
              + " than partitions would sit idle",
          partitions,
          describeTopics(),
          requested);
      return partitions;
    }
    return requested;
  }

  private Map<String, Long> tableOffsets() {
    try (TableLoader loader = TableAccess.tableLoader(settings.table())) {
      loader.open();
      Table table = loader.loadTable();
      return TableCommitterOperator.latestOffsets(table, settings.pipelineName());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String describeTopics() {
    return settings.source().topicPattern().isPresent()
        ? "topics matching " + settings.source().topicPattern().get()
        : String.join(",", settings.source().topics());
  }

  /** The loader's version, as recorded in every commit. */
  public static String version() {
    try (InputStream in = LoaderJob.class.getResourceAsStream("version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("loader.version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
