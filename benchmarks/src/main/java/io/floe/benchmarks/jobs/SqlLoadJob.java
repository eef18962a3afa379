package io.floe.benchmarks.jobs;

import io.floe.loader.config.SettingsSources;
import io.floe.loader.sample.SamplePayload;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Catalog;
import org.apache.iceberg.flink.FlinkCatalogFactory;

/**
 * The off-the-shelf path, for comparison with the loader: Flink SQL {@code INSERT INTO} the Iceberg
 * table {@code SELECT} from a Kafka table in the {@code json} format (see {@link SqlStatements}),
 * with Flink's and Iceberg's defaults otherwise; the checkpoint interval is the flush interval, as
 * in the loader.
 */
public final class SqlLoadJob {
  /** The entry class name, as the benchmark submits it. */
  public static final String ENTRY_CLASS = "io.floe.benchmarks.jobs.SqlLoadJob";

  private SqlLoadJob() {}

  /**
   * {@code --bootstrap-servers --topic --group-id --warehouse --namespace --table --payload
   * --flush-interval-ms --parallelism}.
   */
  public static void main(String[] args) {
    Map<String, String> options = new HashMap<>(SettingsSources.load(args));
    SamplePayload payload = SamplePayload.fromCliName(require(options, "payload"));
    Configuration config = new Configuration();
    config.setString(
        "execution.checkpointing.interval", require(options, "flush-interval-ms") + " ms");
    config.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
    config.setString("parallelism.default", require(options, "parallelism"));
    config.setString("table.local-time-zone", SqlStatements.SESSION_TIME_ZONE);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    env.configure(config);
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    tables.getConfig().set("table.local-time-zone", SqlStatements.SESSION_TIME_ZONE);
    tables.getConfig().set(PipelineOptions.NAME, "floe-sql-" + require(options, "table"));
    // CREATE CATALOG would build the Hadoop configuration with Flink's HadoopUtils, which is on
    // the cluster's classpath while Hadoop is only in the job JAR (as Managed Flink has it): the
    // same catalog, registered with an explicit configuration instead.
    tables.registerCatalog(
        "ice",
        new ExplicitHadoopConfCatalogs()
            .create("ice", SqlStatements.catalogProperties(require(options, "warehouse"))));
    tables.executeSql(
        SqlStatements.createSource(
            "source",
            payload.schema(),
            require(options, "bootstrap-servers"),
            require(options, "topic"),
            require(options, "group-id")));
    String target =
        "`ice`."
            + SqlStatements.quote(require(options, "namespace"))
            + "."
            + SqlStatements.quote(require(options, "table"));
    tables.executeSql(SqlStatements.insert(target, "source", payload.schema()));
  }

  /** Iceberg's catalog factory, given a Hadoop configuration rather than the cluster's. */
  private static final class ExplicitHadoopConfCatalogs extends FlinkCatalogFactory {
    Catalog create(String name, Map<String, String> properties) {
      return createCatalog(name, properties, new org.apache.hadoop.conf.Configuration());
    }
  }

  private static String require(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return value;
  }
}
