package io.floe.control.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where loader jobs run and with which JAR.
 *
 * @param defaultTarget the target of pipelines that name none: local, flink-cluster or
 *     managed-flink
 * @param loaderJar the shaded loader JAR to deploy
 * @param flinkCluster the Flink session cluster of the flink-cluster target, if any
 * @param httpTimeout how long one call to a runtime may take
 */
@ConfigurationProperties("floe.runtime")
public record RuntimeProperties(
    @DefaultValue("local") String defaultTarget,
    Path loaderJar,
    FlinkCluster flinkCluster,
    @DefaultValue("30s") Duration httpTimeout) {

  /** A Flink session cluster reached through its REST API. */
  public record FlinkCluster(URI restUrl) {}
}
