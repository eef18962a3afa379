package io.floe.benchmarks.jobs;

import io.floe.loader.LoaderJob;
import io.floe.loader.config.SettingsSources;
import io.floe.loader.parse.BadMessageException;
import io.floe.loader.parse.RowParser;
import io.floe.loader.sample.SamplePayload;
import io.floe.loader.settings.LoaderSettings;
import io.floe.loader.settings.SourceSettings;
import io.floe.loader.sink.GeneratedRowsWriterOperator;
import io.floe.loader.sink.TableCommitterOperator;
import io.floe.loader.sink.WrittenFiles;
import io.floe.loader.source.KafkaMessage;
import io.floe.loader.source.KafkaMessageDeserializer;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.RowData;

/**
 * One stage of the loader alone, on the cluster, for the stage ceilings: {@code read} (the loader's
 * Kafka source, bounded at the end offsets, into a discarding sink), {@code parse} (the same plus
 * the loader's {@link RowParser}) or {@code write} (rows made in memory into the loader's Iceberg
 * writer and committer). Takes the loader's own settings ({@code --key value}) plus {@code
 * --bench.stage}, {@code --bench.records}, {@code --bench.payload} and {@code --bench.gate}.
 */
public final class StageJob {
  /** The entry class name, as the benchmark submits it. */
  public static final String ENTRY_CLASS = "io.floe.benchmarks.jobs.StageJob";

  public static final String STAGE = "bench.stage";
  public static final String RECORDS = "bench.records";
  public static final String PAYLOAD = "bench.payload";

  /** A file the job's first record waits for (see {@link Gate}). */
  public static final String GATE = "bench.gate";

  /** The accumulator counting what the read and parse stages discarded. */
  public static final String RECORDS_ACCUMULATOR = "records";

  /** The accumulator holding when the read and parse stages' last subtask reached its end. */
  public static final String ENDED_AT_ACCUMULATOR = "ended-at-millis";

  private StageJob() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> raw = new HashMap<>(SettingsSources.load(args));
    String stage = require(raw.remove(STAGE), STAGE);
    long records = Long.parseLong(require(raw.remove(RECORDS), RECORDS));
    SamplePayload payload = SamplePayload.fromCliName(require(raw.remove(PAYLOAD), PAYLOAD));
    Gate gate = new Gate(require(raw.remove(GATE), GATE));
    LoaderSettings settings = LoaderSettings.parse(raw);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    // As the loader configures itself: checkpoint interval = flush interval, object reuse.
    env.enableCheckpointing(
        settings.job().flushInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    env.getConfig().enableObjectReuse();
    int parallelism = settings.job().parallelism().orElse(env.getParallelism());
    env.setParallelism(parallelism);
    switch (stage) {
      case "read":
        source(env, settings).addSink(new CountingDiscard<>(gate)).name("Discard");
        break;
      case "parse":
        source(env, settings)
            .map(new Parse(payload, raw, gate))
            .returns(TypeInformation.of(RowData.class))
            .name("Parse")
            .addSink(new CountingDiscard<>(null))
            .name("Discard");
        break;
      case "write":
        String table = settings.table().qualifiedName();
        env.addSource(new GeneratedRowsSource(payload, records, gate), "Rows in memory")
            .returns(TypeInformation.of(RowData.class))
            .transform(
                "Write " + table,
                TypeInformation.of(WrittenFiles.class),
                new GeneratedRowsWriterOperator(raw))
            .transform(
                "Commit " + table,
                Types.VOID,
                new TableCommitterOperator(raw, LoaderJob.version(), Map.of(), new Properties()))
            .setParallelism(1)
            .setMaxParallelism(1)
            .sinkTo(new DiscardingSink<>())
            .setParallelism(1);
        break;
      default:
        throw new IllegalArgumentException(STAGE + " must be read, parse or write: " + stage);
    }
    env.execute("floe-stage-" + stage + "-" + settings.pipelineName());
  }

  /** The loader's source (deserializer, isolation level), bounded at the current end offsets. */
  private static DataStream<KafkaMessage> source(
      StreamExecutionEnvironment env, LoaderSettings settings) {
    SourceSettings source = settings.source();
    Properties properties = new Properties();
    properties.setProperty("isolation.level", "read_committed");
    properties.setProperty("partition.discovery.interval.ms", "-1");
    properties.setProperty("commit.offsets.on.checkpoint", "true");
    KafkaSource<KafkaMessage> kafka =
        KafkaSource.<KafkaMessage>builder()
            .setBootstrapServers(source.bootstrapServers())
            .setGroupId(source.groupId())
            .setClientIdPrefix("floe-" + settings.pipelineName())
            .setDeserializer(new KafkaMessageDeserializer())
            .setTopics(source.topics())
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setBounded(OffsetsInitializer.latest())
            .setProperties(properties)
            .build();
    return env.fromSource(kafka, WatermarkStrategy.noWatermarks(), "Kafka " + source.topics());
  }

  private static String require(String value, String key) {
    if (value == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return value;
  }

  /**
   * Discards every record, counting them in the {@code records} accumulator and noting when its
   * input ended; holds the first record at the gate, if it has one.
   */
  private static final class CountingDiscard<T> extends RichSinkFunction<T> {
    private static final long serialVersionUID = 1L;
    private final Gate gate;
    private final LongCounter records = new LongCounter();
    private final LongMaximum endedAt = new LongMaximum();

    CountingDiscard(Gate gate) {
      this.gate = gate;
    }

    @Override
    public void open(OpenContext context) {
      getRuntimeContext().addAccumulator(RECORDS_ACCUMULATOR, records);
      getRuntimeContext().addAccumulator(ENDED_AT_ACCUMULATOR, endedAt);
    }

    @Override
    public void invoke(T value, Context context) throws InterruptedException {
      if (gate != null) {
        gate.pass();
      }
      records.add(1L);
    }

    @Override
    public void finish() {
      endedAt.add(System.currentTimeMillis());
    }
  }

  /** The loader's parse, against the payload's table schema and the pipeline's parse settings. */
  private static final class Parse extends RichMapFunction<KafkaMessage, RowData> {
    private static final long serialVersionUID = 1L;
    private final SamplePayload payload;
    private final HashMap<String, String> settings;
    private final Gate gate;
    private transient RowParser parser;

    Parse(SamplePayload payload, Map<String, String> settings, Gate gate) {
      this.payload = payload;
      this.settings = new HashMap<>(settings);
      this.gate = gate;
    }

    @Override
    public void open(OpenContext context) {
      parser = RowParser.create(payload.schema(), LoaderSettings.parse(settings).parsing());
    }

    @Override
    public RowData map(KafkaMessage message) throws BadMessageException, InterruptedException {
      gate.pass();
      return parser.parse(message);
    }
  }
}
